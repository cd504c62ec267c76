import type { Db } from './db.ts';

export interface IdempotentResponse {
  requestHash: string;
  response: unknown;
}

export async function findIdempotentResponse(db: Db, scope: string, key: string): Promise<IdempotentResponse | undefined> {
  const r = await db.selectFrom('idempotency_keys').select(['request_hash', 'response']).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  return r && { requestHash: r.request_hash, response: JSON.parse(r.response) };
}

export async function saveIdempotentResponse(db: Db, scope: string, key: string, requestHash: string, response: unknown, now: string): Promise<void> {
  await db.insertInto('idempotency_keys').values({ scope, key, request_hash: requestHash, response: JSON.stringify(response), created_at: now }).execute();
}
