import type { Db } from './db.ts';
import { chunks } from './batch.ts';

export interface UnitRow {
  id: string;
  parentId: string | null;
  name: string;
  kind: string;
}

export async function listUnits(db: Db): Promise<UnitRow[]> {
  const rows = await db.selectFrom('units').select(['id', 'parent_id', 'name', 'kind']).execute();
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, kind: r.kind }));
}

export async function upsertUnits(db: Db, units: readonly UnitRow[], now: string): Promise<void> {
  for (const chunk of chunks(units, 5)) {
    await db
      .insertInto('units')
      .values(chunk.map((u) => ({ id: u.id, parent_id: u.parentId, name: u.name, kind: u.kind, updated_at: now })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          parent_id: eb.ref('excluded.parent_id'),
          name: eb.ref('excluded.name'),
          kind: eb.ref('excluded.kind'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function countUnits(db: Db): Promise<number> {
  const r = await db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findUnit(db: Db, id: string): Promise<UnitRow | undefined> {
  const r = await db.selectFrom('units').select(['id', 'parent_id', 'name', 'kind']).where('id', '=', id).executeTakeFirst();
  return r && { id: r.id, parentId: r.parent_id, name: r.name, kind: r.kind };
}

/** A unit's ancestors in the live tree, root first (a walk up the parents; trees are shallow). */
export async function unitAncestors(db: Db, unitId: string): Promise<string[]> {
  const out: string[] = [];
  let cur = await findUnit(db, unitId);
  const seen = new Set<string>();
  while (cur?.parentId && !seen.has(cur.parentId)) {
    seen.add(cur.parentId);
    out.unshift(cur.parentId);
    cur = await findUnit(db, cur.parentId);
  }
  return out;
}
