import type { Db } from './db.ts';
import { chunks } from './batch.ts';

export interface MemberRow {
  id: string;
  unitId: string;
  name: string;
  email: string;
  status: string;
}

export interface MemberStatus {
  status: string;
  votes: boolean;
}

export async function listStatuses(db: Db): Promise<MemberStatus[]> {
  const rows = await db.selectFrom('member_statuses').selectAll().orderBy('status').execute();
  return rows.map((r) => ({ status: r.status, votes: r.votes === 1 }));
}

export async function upsertStatus(db: Db, s: MemberStatus): Promise<void> {
  await db
    .insertInto('member_statuses')
    .values({ status: s.status, votes: s.votes ? 1 : 0 })
    .onConflict((oc) => oc.column('status').doUpdateSet({ votes: s.votes ? 1 : 0 }))
    .execute();
}

export async function upsertMembers(db: Db, members: readonly MemberRow[], now: string): Promise<void> {
  for (const chunk of chunks(members, 6)) {
    await db
      .insertInto('members')
      .values(chunk.map((m) => ({ id: m.id, unit_id: m.unitId, name: m.name, email: m.email, status: m.status, updated_at: now })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          unit_id: eb.ref('excluded.unit_id'),
          name: eb.ref('excluded.name'),
          email: eb.ref('excluded.email'),
          status: eb.ref('excluded.status'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** Voting members per unit, now: what opening a discussion freezes. */
export async function countVotingMembersByUnit(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('members')
    .innerJoin('member_statuses', 'member_statuses.status', 'members.status')
    .where('member_statuses.votes', '=', 1)
    .groupBy('members.unit_id')
    .select((eb) => ['members.unit_id as unitId', eb.fn.countAll<number>().as('n')])
    .execute();
  return new Map(rows.map((r) => [r.unitId, Number(r.n)]));
}

export async function countMembers(db: Db): Promise<{ total: number; voting: number }> {
  const r = await db
    .selectFrom('members')
    .innerJoin('member_statuses', 'member_statuses.status', 'members.status')
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.sum<number>('member_statuses.votes').as('voting')])
    .executeTakeFirstOrThrow();
  return { total: Number(r.total), voting: Number(r.voting ?? 0) };
}

/** The members of a unit and every unit below it (one recursive query), with their personal data. */
export async function listMembersInSubtree(db: Db, unitId: string): Promise<MemberRow[]> {
  const rows = await db
    .withRecursive('subtree(id)', (qb) =>
      qb
        .selectFrom('units')
        .select('id')
        .where('id', '=', unitId)
        .unionAll((q) => q.selectFrom('units').innerJoin('subtree', 'subtree.id', 'units.parent_id').select('units.id')),
    )
    .selectFrom('members')
    .innerJoin('subtree', 'subtree.id', 'members.unit_id')
    .select(['members.id', 'members.unit_id', 'members.name', 'members.email', 'members.status'])
    .orderBy('members.unit_id')
    .orderBy('members.id')
    .execute();
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, name: r.name, email: r.email, status: r.status }));
}
