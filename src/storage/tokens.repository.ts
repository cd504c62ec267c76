import type { Db } from './db.ts';

export interface TokenRecord {
  id: string;
  name: string;
  role: string;
  unitId: string | null;
  secretHash: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function insertToken(db: Db, t: TokenRecord): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ id: t.id, name: t.name, role: t.role, unit_id: t.unitId, secret_hash: t.secretHash, created_at: t.createdAt, revoked_at: t.revokedAt })
    .execute();
}

function toRecord(r: { id: string; name: string; role: string; unit_id: string | null; secret_hash: string; created_at: string; revoked_at: string | null }): TokenRecord {
  return { id: r.id, name: r.name, role: r.role, unitId: r.unit_id, secretHash: r.secret_hash, createdAt: r.created_at, revokedAt: r.revoked_at };
}

export async function findToken(db: Db, id: string): Promise<TokenRecord | undefined> {
  const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export async function listTokens(db: Db): Promise<TokenRecord[]> {
  return (await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute()).map(toRecord);
}

export async function revokeToken(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
