/**
 * The stored log (migration 06-log): a head per discussion (its origin and size), the entries in order, the signed
 * checkpoints and the witnesses' cosignatures, and the installation's own signing keys. Appending takes the head's
 * row first (`size = size + n`), which orders concurrent appends on PostgreSQL; the entries' primary key makes a
 * duplicate index impossible on both engines.
 */
import { sql } from 'kysely';
import { isPostgres, type Db } from './db.ts';
import { dbOf, rowSource, runSql, WriteGroup } from './batch.ts';

export interface LogHead {
  discussionId: string;
  origin: string;
  size: number;
}

export async function insertLogHead(db: Db, discussionId: string, origin: string): Promise<void> {
  await db.insertInto('log_heads').values({ discussion_id: discussionId, origin, size: 0 }).execute();
}

export async function findLogHead(db: Db, discussionId: string): Promise<LogHead | undefined> {
  const r = await db.selectFrom('log_heads').selectAll().where('discussion_id', '=', discussionId).executeTakeFirst();
  return r && { discussionId: r.discussion_id, origin: r.origin, size: Number(r.size) };
}

export async function listLogHeads(db: Db): Promise<LogHead[]> {
  const rows = await db.selectFrom('log_heads').selectAll().orderBy('discussion_id').execute();
  return rows.map((r) => ({ discussionId: r.discussion_id, origin: r.origin, size: Number(r.size) }));
}

/**
 * Appends entries (with their leaf hashes, hex) at the end of the log; returns the index of the first. A discussion
 * without a log is an error — or, with `ifLogged`, null (nothing written).
 */
export async function appendLogEntries(db: Db, discussionId: string, entries: ReadonlyArray<{ entry: string; leafHash: string }>, now: string): Promise<number>;
export async function appendLogEntries(
  db: Db,
  discussionId: string,
  entries: ReadonlyArray<{ entry: string; leafHash: string }>,
  now: string,
  opts: { ifLogged: true },
): Promise<number | null>;
export async function appendLogEntries(
  db: Db,
  discussionId: string,
  entries: ReadonlyArray<{ entry: string; leafHash: string }>,
  now: string,
  opts?: { ifLogged: true },
): Promise<number | null> {
  if (entries.length === 0) throw new RangeError('nothing to append');
  const head = await sql<{ size: number }>`update log_heads set size = size + ${entries.length} where discussion_id = ${discussionId} returning size`.execute(db);
  const end = head.rows[0]?.size;
  if (end === undefined) {
    if (opts?.ifLogged) return null;
    throw new Error(`discussion '${discussionId}' has no log`);
  }
  const first = Number(end) - entries.length;
  if (entries.length === 1) {
    const e = entries[0]!;
    await sql`insert into log_entries (discussion_id, idx, entry, leaf_hash, appended_at) values (${discussionId}, ${first}, ${e.entry}, ${e.leafHash}, ${now})`.execute(db);
    return first;
  }
  // At most 500 rows a statement (SQLite's bound-parameter limit).
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insertInto('log_entries')
      .values(entries.slice(i, i + 500).map((e, j) => ({ discussion_id: discussionId, idx: first + i + j, entry: e.entry, leaf_hash: e.leafHash, appended_at: now })))
      .execute();
  }
  return first;
}

/**
 * Appends entries to a log whose head this transaction locked at size `first` (storage/discussions.repository.ts
 * `findDiscussionsLockingLogs`), each with its own `appendedAt`: the head moves once, the entries go in multi-row
 * statements — on PostgreSQL in one round trip with what the group gathered (or with nothing, given a plain `Db`).
 */
export async function appendLockedLogEntries(
  target: Db | WriteGroup,
  discussionId: string,
  first: number,
  entries: ReadonlyArray<{ entry: string; leafHash: string; appendedAt: string }>,
): Promise<void> {
  if (entries.length === 0) return;
  const group = target instanceof WriteGroup ? target : new WriteGroup(target);
  const rows = entries.map((e, i) => [discussionId, first + i, e.entry, e.leafHash, e.appendedAt]);
  for (const part of rowSource(dbOf(target), ['text', 'integer', 'text', 'text', 'text'], rows)) {
    await group.write(`insert into log_entries (discussion_id, idx, entry, leaf_hash, appended_at) ${part.text}`, part.params);
  }
  const head = await group.flush<{ size: number }>({ text: 'update log_heads set size = size + ? where discussion_id = ? returning size', params: [entries.length, discussionId] });
  const end = head[0]?.size;
  if (end === undefined || Number(end) - entries.length !== first) throw new Error(`the log of discussion '${discussionId}' moved under its lock`);
}

/**
 * Takes the log's append lock for the rest of the transaction (PostgreSQL: the head row, as an append does; SQLite:
 * writes are serialized already), so what is read next includes every entry before the one appended next.
 */
export async function lockLogHead(db: Db, discussionId: string): Promise<void> {
  if (isPostgres(db)) await sql`select size from log_heads where discussion_id = ${discussionId} for update`.execute(db);
}

export async function readLogEntries(db: Db, discussionId: string, from: number, to: number): Promise<Array<{ idx: number; entry: string }>> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'entry'])
    .where('discussion_id', '=', discussionId)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({ idx: Number(r.idx), entry: r.entry }));
}

export async function readLeafHashes(db: Db, discussionId: string, from: number, to: number): Promise<Array<{ idx: number; leafHash: string }>> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'leaf_hash'])
    .where('discussion_id', '=', discussionId)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({ idx: Number(r.idx), leafHash: r.leaf_hash }));
}

export interface StoredCheckpoint {
  size: number;
  rootHash: string;
  note: string;
  signedAt: string;
}

/** Stores a signed checkpoint; one signed by another instance for the same size (byte-identical: Ed25519 is deterministic) wins quietly. */
export async function insertCheckpoint(db: Db, discussionId: string, c: StoredCheckpoint): Promise<void> {
  await db
    .insertInto('log_checkpoints')
    .values({ discussion_id: discussionId, size: c.size, root_hash: c.rootHash, note: c.note, signed_at: c.signedAt })
    .onConflict((oc) => oc.columns(['discussion_id', 'size']).doNothing())
    .execute();
}

const toCheckpoint = (r: { size: number; root_hash: string; note: string; signed_at: string }): StoredCheckpoint => ({
  size: Number(r.size),
  rootHash: r.root_hash,
  note: r.note,
  signedAt: r.signed_at,
});

export async function latestCheckpoint(db: Db, discussionId: string): Promise<StoredCheckpoint | undefined> {
  const r = await db.selectFrom('log_checkpoints').selectAll().where('discussion_id', '=', discussionId).orderBy('size', 'desc').limit(1).executeTakeFirst();
  return r && toCheckpoint(r);
}

export async function checkpointAtLeast(db: Db, discussionId: string, size: number): Promise<StoredCheckpoint | undefined> {
  const r = await db
    .selectFrom('log_checkpoints')
    .selectAll()
    .where('discussion_id', '=', discussionId)
    .where('size', '>=', size)
    .orderBy('size', 'asc')
    .limit(1)
    .executeTakeFirst();
  return r && toCheckpoint(r);
}

export async function insertCosignature(db: Db, discussionId: string, size: number, witness: string, line: string, now: string): Promise<void> {
  await db
    .insertInto('log_cosignatures')
    .values({ discussion_id: discussionId, size, witness, line, received_at: now })
    .onConflict((oc) => oc.columns(['discussion_id', 'size', 'witness']).doNothing())
    .execute();
}

/** The largest checkpoint size a witness has cosigned for this log (0: none). */
export async function lastCosignedSize(db: Db, discussionId: string, witness: string): Promise<number> {
  const r = await db
    .selectFrom('log_cosignatures')
    .select((eb) => eb.fn.max('size').as('size'))
    .where('discussion_id', '=', discussionId)
    .where('witness', '=', witness)
    .executeTakeFirst();
  return r?.size === null || r?.size === undefined ? 0 : Number(r.size);
}

export async function cosignatureLines(db: Db, discussionId: string, size: number): Promise<string[]> {
  const rows = await db.selectFrom('log_cosignatures').select('line').where('discussion_id', '=', discussionId).where('size', '=', size).orderBy('witness').execute();
  return rows.map((r) => r.line);
}

export interface ServerKeyRow {
  name: string;
  seed: string;
  publicKey: string;
}

export async function findServerKey(db: Db, name: string): Promise<ServerKeyRow | undefined> {
  const r = await db.selectFrom('server_keys').selectAll().where('name', '=', name).executeTakeFirst();
  return r && { name: r.name, seed: r.seed, publicKey: r.public_key };
}

/** Stores a new key unless one of that name exists (two processes racing to create it: the first wins). */
export async function insertServerKeyIfAbsent(db: Db, k: ServerKeyRow, now: string): Promise<void> {
  await db
    .insertInto('server_keys')
    .values({ name: k.name, seed: k.seed, public_key: k.publicKey, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}
