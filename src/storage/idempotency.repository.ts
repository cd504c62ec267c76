import type { Db } from './db.ts';

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
