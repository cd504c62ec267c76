/**
 * Opening a database: embedded SQLite (better-sqlite3, WAL) by default, PostgreSQL when a postgres:// URL is given.
 * The few real differences between the engines live here and nowhere else (see `Engine`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type Transaction } from 'kysely';
import pg from 'pg';
import * as core from './migrations/2026-11-26T00-00-core.ts';
import type { Database } from './schema.ts';

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

export function openStore(opts: OpenOptions): Store {
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) {
    const schemaOption = opts.schema ? { options: `-c search_path=${opts.schema}` } : {};
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, ...schemaOption });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}), close: () => db.destroy() };
  }
  const file = opts.file ?? './data/plenum.db';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, engine: 'sqlite', file, close: () => db.destroy() };
}

/** The store a command or the server uses, from flags and environment: DATABASE_URL, else --db / PLENUM_DB, else ./data/plenum.db. */
export function storeFromEnvironment(flags: { db?: string | undefined } = {}): Store {
  const url = process.env.DATABASE_URL;
  if (url) return openStore({ url });
  return openStore({ file: flags.db ?? process.env.PLENUM_DB ?? './data/plenum.db' });
}

const migrations: Record<string, Migration> = {
  '2026-11-26T00-00-core': core,
};

/**
 * Brings the schema up to date. On PostgreSQL the migration tables are named with their schema: Kysely otherwise
 * looks for them in every schema, and a second Plenum schema in the same database would fool it.
 */
export async function migrateToLatest(store: Pick<Store, 'db' | 'engine' | 'schema'>): Promise<void> {
  const schema = store.engine === 'postgres' ? (store.schema ?? 'public') : undefined;
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`);
  }
}

/** Engine differences, kept in one place. */
export const engine = {
  /** A unique-key violation (two racing writers, a replayed key). */
  isUniqueViolation(e: unknown): boolean {
    const err = e as { code?: string; message?: string };
    return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
  },
  /** PostgreSQL supports row locks; SQLite serializes writers anyway. */
  supportsRowLocks(name: EngineName): boolean {
    return name === 'postgres';
  },
};
