/**
 * Opening a database: embedded SQLite (better-sqlite3, WAL) by default, PostgreSQL when a postgres:// URL is given.
 * The few real differences between the engines live here and nowhere else (see `Engine`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type Migration,
  type SqliteDatabase,
  type SqliteStatement,
  PostgresAdapter,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import * as core from './migrations/2026-11-26T00-00-core.ts';
import * as audit from './migrations/2026-11-26T01-00-audit.ts';
import * as accounts from './migrations/2026-11-26T02-00-accounts.ts';
import * as links from './migrations/2026-11-26T03-00-links.ts';
import * as roles from './migrations/2026-11-26T04-00-roles.ts';
import * as unitSearch from './migrations/2026-11-26T05-00-unit-search.ts';
import * as log from './migrations/2026-11-26T06-00-log.ts';
import * as challenges from './migrations/2026-11-27T00-00-challenges.ts';
import * as decisions from './migrations/2026-11-27T02-00-decisions.ts';
import * as conference from './migrations/2026-11-27T01-00-conference.ts';
import * as packedTally from './migrations/2026-11-27T03-00-packed-tally.ts';
import * as packedReportCounts from './migrations/2026-11-27T04-00-packed-report-counts.ts';
import type { Database } from './schema.ts';
import { DomainError } from '../domain/errors.ts';

export type EngineName = 'sqlite' | 'postgres';

/** The database handle every repository and service takes as its first argument. */
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface Store {
  db: Db;
  engine: EngineName;
  /** For PostgreSQL: the connection string (the live-update listener opens its own connection). */
  url?: string;
  /** For SQLite: the file. */
  file?: string;
  /** For PostgreSQL: the schema everything lives in, when not the default (tests use one per store). */
  schema?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; takes precedence over `file`. */
  url?: string | undefined;
  /** SQLite file path (created with its folder if missing). */
  file?: string | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema to use instead of the default search path (it must exist). */
  schema?: string;
}

// PostgreSQL returns int8 (count(*), sum()) as strings; our counts fit easily in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * SQLite write transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then writes fails with
 * SQLITE_BUSY when another process (the CLI entering paper minutes while the server runs) committed in between;
 * an immediate one waits for the write lock (busy_timeout) instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver() as SqliteDriver;
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/**
 * better-sqlite3 compiles a statement on every prepare(); Kysely prepares on every query. Statements are reusable and
 * execution is synchronous, so keeping the compiled ones (by SQL text, bounded) is safe and saves a fifth of a
 * report's cost.
 */
function withStatementCache(db: SQLite.Database, limit = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= limit) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * PostgreSQL statements worth preparing once per connection: the report batch's, run with the same text batch after
 * batch (storage/batch.ts `runSql`; their row sources and id lists are arrays, so the text never depends on the number
 * of rows). Kysely sends every query unnamed, which the server parses and plans again each time — for a batch's dozen
 * statements some 3–4 ms of server time, a quarter of it. Named (`plenum_<n>`, one per text, in this process), pg
 * parses each once per connection and the server keeps its plan. Bounded: texts past the limit run unnamed.
 */
const preparedNames = new Map<string, string>();
const PREPARED_LIMIT = 200;

/** Marks `text` (PostgreSQL's `$n` spelling) to be run as a prepared statement on every connection of every store. */
export function preparedOnPostgres(text: string): void {
  if (!preparedNames.has(text) && preparedNames.size < PREPARED_LIMIT) preparedNames.set(text, `plenum_${preparedNames.size}`);
}

/** A pg client that runs the texts marked by `preparedOnPostgres` as named (prepared) statements. */
class PreparingClient extends pg.Client {
  // pg's `query` is overloaded many ways; only (text, values) — how Kysely calls it — is ever rewritten.
  override query(...args: any[]): any {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
      const name = preparedNames.get(text);
      if (name) return super.query({ name, text, values });
    }
    return (super.query as (...a: unknown[]) => unknown)(...args);
  }
}

/**
 * Checkpoints in the background, for SQLite files. A checkpoint copies the WAL's pages into the database file and, under
 * synchronous=NORMAL, syncs the WAL before and the file after: with ingest writing ~5 KB of WAL per report, the
 * writer's own checkpoint (every ~40 MiB, wal_autocheckpoint) came every ~8,000 reports and held the commit that
 * crossed the mark — and with it the event loop — for a quarter of a second, nearly all of it waiting for the disk. A
 * thread with its own connection to the file (checkpointer.mjs) now copies the pages every quarter second while there
 * are any (PASSIVE: it never waits for, nor blocks, the writer or the readers), so the writer's checkpoint, which
 * stays as it was, finds only the last few pages to copy. Durability is unchanged: commits are what they were, and a
 * checkpoint is as crash-safe from one connection as from another. PLENUM_SQLITE_CHECKPOINTER=0 turns it off.
 */
let checkpointer: { worker: Worker; open: number; closing: Map<number, () => void> } | undefined;
let nextCheckpointId = 0;

function backgroundCheckpoints(file: string): () => Promise<void> {
  if (process.env.PLENUM_SQLITE_CHECKPOINTER === '0') return async () => undefined;
  if (!checkpointer) {
    const worker = new Worker(new URL('./checkpointer.mjs', import.meta.url));
    const c = { worker, open: 0, closing: new Map<number, () => void>() };
    checkpointer = c;
    worker.unref();
    worker.on('message', (m: { closed?: number }) => {
      if (m.closed !== undefined) {
        c.closing.get(m.closed)?.();
        c.closing.delete(m.closed);
      }
      // A message received refs the worker again (Node 20): it must never keep the process alive.
      if (c.closing.size === 0) worker.unref();
    });
    const gone = () => {
      if (checkpointer === c) checkpointer = undefined;
      for (const done of c.closing.values()) done();
      c.closing.clear();
    };
    worker.on('error', gone);
    worker.on('exit', gone);
  }
  const c = checkpointer;
  const id = ++nextCheckpointId;
  c.open++;
  c.worker.postMessage({ open: id, file, minMs: 250, maxMs: 4000 });
  let closed: Promise<void> | undefined;
  return () =>
    (closed ??= new Promise<void>((resolve) => {
      if (checkpointer !== c) return resolve();
      c.closing.set(id, resolve);
      c.worker.ref();
      c.worker.postMessage({ close: id });
    }).then(async () => {
      // The last file closed: the thread goes too (a test run opens and closes hundreds of stores).
      if (--c.open === 0 && checkpointer === c) {
        checkpointer = undefined;
        await c.worker.terminate();
      }
    }));
}

export function openStore(opts: OpenOptions): Store {
  if (opts.url && !/^postgres(ql)?:\/\//.test(opts.url)) {
    throw new DomainError('invalid_input', `DATABASE_URL must be a postgres:// URL (got '${opts.url.split(':')[0]}:…'); leave it unset to use SQLite`, {
      field: 'DATABASE_URL',
    });
  }
  if (opts.url) {
    const schemaOption = opts.schema ? { options: `-c search_path=${opts.schema}` } : {};
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, ...schemaOption, Client: PreparingClient });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}), close: () => db.destroy() };
  }
  const file = opts.file ?? './data/plenum.db';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // 256 MiB of page cache (allocated only as used): the tally rows and frozen roll of a 100,000-unit organization stay hot.
  sqlite.pragma('cache_size = -262144');
  // Checkpoint every ~40 MiB of WAL instead of 4 MiB: the ancestors' tally pages, rewritten by every report, are
  // copied back to the database once per checkpoint, so fewer checkpoints write far fewer pages.
  sqlite.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  const stopCheckpoints = file === ':memory:' ? async () => undefined : backgroundCheckpoints(file);
  return {
    db,
    engine: 'sqlite',
    file,
    close: async () => {
      // The checkpointer's connection first: the writer's, closed last, checkpoints what is left and removes the WAL.
      await stopCheckpoints();
      await db.destroy();
    },
  };
}

/** The store a command or the server uses, from flags and environment: DATABASE_URL, else --db / PLENUM_DB, else ./data/plenum.db. */
export function storeFromEnvironment(flags: { db?: string | undefined } = {}): Store {
  const url = process.env.DATABASE_URL;
  if (url) {
    if (flags.db) process.stderr.write(`plenum: DATABASE_URL is set, so --db ${flags.db} is ignored\n`);
    // PLENUM_PG_SCHEMA: keep Plenum's tables in that schema (it must exist), beside other applications' or instances'.
    const schema = process.env.PLENUM_PG_SCHEMA;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`PLENUM_PG_SCHEMA must be a lower-case SQL identifier, got '${schema}'`);
    return openStore({ url, ...(schema ? { schema } : {}) });
  }
  return openStore({ file: flags.db ?? process.env.PLENUM_DB ?? './data/plenum.db' });
}

const migrations: Record<string, Migration> = {
  '2026-11-26T00-00-core': core,
  '2026-11-26T01-00-audit': audit,
  '2026-11-26T02-00-accounts': accounts,
  '2026-11-26T03-00-links': links,
  '2026-11-26T04-00-roles': roles,
  '2026-11-26T05-00-unit-search': unitSearch,
  '2026-11-26T06-00-log': log,
  '2026-11-27T00-00-challenges': challenges,
  '2026-11-27T01-00-conference': conference,
  '2026-11-27T02-00-decisions': decisions,
  '2026-11-27T03-00-packed-tally': packedTally,
  '2026-11-27T04-00-packed-report-counts': packedReportCounts,
};

const INTROSPECTION_RACES = new Set(['3F000', '42P01', '42703']);

/**
 * Brings the schema up to date. On PostgreSQL the migration tables are named with their schema: Kysely otherwise
 * looks for them in every schema, and a second Plenum schema in the same database would fool it.
 */
export async function migrateToLatest(store: Pick<Store, 'db' | 'engine' | 'schema'>): Promise<void> {
  await migrateTo(store);
}

/** The migrations' names, oldest first. */
export const MIGRATIONS: readonly string[] = Object.keys(migrations).sort();

/**
 * Brings the schema to the migration named `target` (up or down; its tests run each migration's `down`), or to the
 * latest.
 */
export async function migrateTo(store: Pick<Store, 'db' | 'engine' | 'schema'>, target?: string): Promise<void> {
  const schema = store.engine === 'postgres' ? (store.schema ?? 'public') : undefined;
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
    if (!error) return;
    // Kysely's introspection scans every schema of the database; a schema or table dropped meanwhile by someone else
    // (3F000 schema, 42P01 table, 42703 column "does not exist") is a transient race, not our failure.
    if (INTROSPECTION_RACES.has((error as { code?: string }).code ?? '') && attempt < 5) continue;
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`);
  }
}

/** Engine differences, kept in one place. */
export const engine: {
  isBusy(e: unknown): boolean;
  isRetryable(e: unknown): boolean;
  isUniqueViolation(e: unknown): boolean;
} = {
  /** SQLite's lock was held by another process for longer than busy_timeout. */
  isBusy(e: unknown): boolean {
    const code = (e as { code?: string })?.code ?? '';
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || engine.isRetryable(e);
  },
  /** PostgreSQL gave up on this transaction to let another go on (deadlock, serialization): doing it again is right. */
  isRetryable(e: unknown): boolean {
    const code = (e as { code?: string })?.code ?? '';
    return code === '40P01' || code === '40001';
  },
  /** A unique-key violation (two racing writers, a replayed key). */
  isUniqueViolation(e: unknown): boolean {
    const err = e as { code?: string; message?: string };
    return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
  },
};

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Runs several reads against one consistent snapshot: PostgreSQL's REPEATABLE READ, or an SQLite transaction (WAL
 * readers see one snapshot). Without it, parallel reads on a pool can mix two commits.
 */
export async function inSnapshot<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return db.transaction().setIsolationLevel('repeatable read').execute(fn);
  // A deferred BEGIN on SQLite: a read snapshot that does not take the write lock (writers begin IMMEDIATE).
  return db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`commit`.execute(conn);
    }
  });
}

/** PostgreSQL plans badly on tables it has no statistics for yet (a freshly opened discussion's tally rows). */
export async function refreshPlannerStatistics(db: Db, tables: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/** Serializes imports of the unit tree on PostgreSQL, so two imports cannot each pass the tree check and make a cycle. */
export async function lockUnitTree(db: Db): Promise<void> {
  if (isPostgres(db)) await sql`lock table units in share row exclusive mode`.execute(db);
}
