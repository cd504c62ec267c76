import type { Db } from './db.ts';
import { dbOf, oneOf, rowSource, runSql, write, type WriteGroup } from './batch.ts';

export interface IdempotentResponse {
  requestHash: string;
  response: unknown;
}

export async function findIdempotentResponse(db: Db, scope: string, key: string): Promise<IdempotentResponse | undefined> {
  const r = await db.selectFrom('idempotency_keys').select(['request_hash', 'response']).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  return r && { requestHash: r.request_hash, response: JSON.parse(r.response) };
}


/** Claims a key before doing the work: a concurrent request with the same key waits here and then finds the answer. */
export async function reserveIdempotencyKey(db: Db, scope: string, key: string, requestHash: string, now: string): Promise<void> {
  await db.insertInto('idempotency_keys').values({ scope, key, request_hash: requestHash, response: 'null', created_at: now }).execute();
}

export async function completeIdempotencyKey(db: Db, scope: string, key: string, response: unknown): Promise<void> {
  await db.updateTable('idempotency_keys').set({ response: JSON.stringify(response) }).where('scope', '=', scope).where('key', '=', key).execute();
}

/** The stored answers of many keys of one scope at once (a report batch), by key. */
export async function findIdempotentResponses(db: Db, scope: string, keys: readonly string[]): Promise<Map<string, IdempotentResponse>> {
  const out = new Map<string, IdempotentResponse>();
  for (const part of oneOf(db, [...new Set(keys)])) {
    const { rows } = await runSql<{ key: string; request_hash: string; response: string }>(
      db,
      `select key, request_hash, response from idempotency_keys where scope = ? and key ${part.text}`,
      [scope, ...part.params],
    );
    for (const r of rows) out.set(r.key, { requestHash: r.request_hash, response: JSON.parse(r.response) });
  }
  return out;
}

/**
 * Stores many keys with their answers at once (a report batch: each key's report was decided before anything was
 * written, so the key is claimed and completed in one row; a concurrent claim of the same key fails the statement).
 */
export async function insertCompletedKeys(target: Db | WriteGroup, rows: ReadonlyArray<{ scope: string; key: string; requestHash: string; response: unknown; now: string }>): Promise<void> {
  const values = rows.map((r) => [r.scope, r.key, r.requestHash, JSON.stringify(r.response), r.now]);
  for (const part of rowSource(dbOf(target), ['text', 'text', 'text', 'text', 'text'], values)) {
    await write(target, `insert into idempotency_keys (scope, key, request_hash, response, created_at) ${part.text}`, part.params);
  }
}
