/** Unit secretaries' signing keys (table unit_keys, migration 06-log). */
import type { Db } from './db.ts';
import { oneOf, runSql } from './batch.ts';
import type { UnitKeysTable } from './schema.ts';

export type KeyState = 'pending' | 'active' | 'refused' | 'revoked' | 'replaced';

export interface UnitKey {
  keyId: string;
  unitId: string;
  publicKey: string;
  label: string;
  state: KeyState;
  replaces: string | null;
  requestedAt: string;
  requestedBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

type Row = UnitKeysTable;

const fromRow = (r: Row): UnitKey => ({
  keyId: r.key_id,
  unitId: r.unit_id,
  publicKey: r.public_key,
  label: r.label,
  state: r.state as KeyState,
  replaces: r.replaces,
  requestedAt: r.requested_at,
  requestedBy: r.requested_by,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  reason: r.reason,
});

export async function insertUnitKey(db: Db, k: UnitKey): Promise<void> {
  await db
    .insertInto('unit_keys')
    .values({
      key_id: k.keyId,
      unit_id: k.unitId,
      public_key: k.publicKey,
      label: k.label,
      state: k.state,
      replaces: k.replaces,
      requested_at: k.requestedAt,
      requested_by: k.requestedBy,
      decided_at: k.decidedAt,
      decided_by: k.decidedBy,
      reason: k.reason,
    })
    .execute();
}

export async function findUnitKey(db: Db, keyId: string): Promise<UnitKey | undefined> {
  const r = await db.selectFrom('unit_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  return r && fromRow(r);
}

/** Many keys by id at once (the signed reports of a batch). */
export async function findUnitKeys(db: Db, keyIds: readonly string[]): Promise<Map<string, UnitKey>> {
  const out = new Map<string, UnitKey>();
  for (const part of oneOf(db, [...new Set(keyIds)])) {
    const { rows } = await runSql<Row>(db, `select key_id, unit_id, public_key, label, state, replaces, requested_at, requested_by, decided_at, decided_by, reason from unit_keys where key_id ${part.text}`, part.params);
    for (const r of rows) out.set(r.key_id, fromRow(r));
  }
  return out;
}

/** Moves a key from one state to another; false if it was no longer in `from` (a concurrent decision won). */
export async function setUnitKeyState(db: Db, keyId: string, from: KeyState, to: KeyState, decided: { at: string; by: string; reason: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('unit_keys')
    .set({ state: to, decided_at: decided.at, decided_by: decided.by, reason: decided.reason })
    .where('key_id', '=', keyId)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listUnitKeys(db: Db, filter: { unitIds?: readonly string[]; state?: KeyState }): Promise<UnitKey[]> {
  let q = db.selectFrom('unit_keys').selectAll();
  if (filter.unitIds) {
    if (filter.unitIds.length === 0) return [];
    q = q.where('unit_id', 'in', filter.unitIds);
  }
  if (filter.state) q = q.where('state', '=', filter.state);
  return (await q.orderBy('requested_at').orderBy('key_id').execute()).map(fromRow);
}

export async function listActiveKeys(db: Db): Promise<UnitKey[]> {
  return (await db.selectFrom('unit_keys').selectAll().where('state', '=', 'active').orderBy('key_id').execute()).map(fromRow);
}
