/**
 * The account directory: a page of accounts by email, optionally only those within reach of some units (a committee's
 * subtrees: a grant there, or linked to a member there) and only those holding a grant at a unit or below it. Subtrees
 * are walked in the live tree by a recursive query (the same on both engines), so no list of unit ids is sent.
 */
import { sql } from 'kysely';
import type { Grant, Role } from '../domain/policy.ts';
import type { Db } from './db.ts';

export interface DirectoryAccountRow {
  id: string;
  email: string;
  memberId: string | null;
}

const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Accounts ordered by email, after `after` (an email), at most `limit`.
 * - `search`: the email contains it, case-insensitively.
 * - `reach`: null for every account; otherwise only accounts holding a grant at one of these units or below, or linked
 *   to a member of one of them or below (an empty list reaches nothing).
 * - `under`: only accounts holding a grant at this unit or below it.
 */
export async function listDirectoryAccounts(
  db: Db,
  opts: { search?: string | undefined; reach: readonly string[] | null; under?: string | undefined; after?: string | undefined; limit: number },
): Promise<DirectoryAccountRow[]> {
  const reachSeeds = opts.reach ? [...opts.reach] : [];
  const underSeeds = opts.under ? [opts.under] : [];
  let q = db
    .withRecursive('reach(id)', (qb) =>
      qb
        .selectFrom('units')
        .select('id')
        .where((eb) => (reachSeeds.length ? eb('id', 'in', reachSeeds) : sql<boolean>`1 = 0`))
        .union((u) => u.selectFrom('units').innerJoin('reach', 'reach.id', 'units.parent_id').select('units.id')),
    )
    .withRecursive('scope(id)', (qb) =>
      qb
        .selectFrom('units')
        .select('id')
        .where((eb) => (underSeeds.length ? eb('id', 'in', underSeeds) : sql<boolean>`1 = 0`))
        .union((u) => u.selectFrom('units').innerJoin('scope', 'scope.id', 'units.parent_id').select('units.id')),
    )
    .selectFrom('accounts as a')
    .select(['a.id', 'a.email', 'a.member_id']);
  const search = opts.search?.trim().toLowerCase();
  if (search) q = q.where(sql<string>`lower(a.email)`, 'like', sql<string>`${`%${likeLiteral(search)}%`} escape '\\'`);
  if (opts.after !== undefined) q = q.where('a.email', '>', opts.after);
  if (opts.reach) {
    q = q.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('account_roles as g').innerJoin('reach', 'reach.id', 'g.unit_id').select('g.id').whereRef('g.account_id', '=', 'a.id')),
        eb.exists(eb.selectFrom('members as m').innerJoin('reach', 'reach.id', 'm.unit_id').select('m.id').whereRef('m.id', '=', 'a.member_id')),
      ]),
    );
  }
  if (opts.under) {
    q = q.where((eb) => eb.exists(eb.selectFrom('account_roles as g').innerJoin('scope', 'scope.id', 'g.unit_id').select('g.id').whereRef('g.account_id', '=', 'a.id')));
  }
  const rows = await q.orderBy('a.email').limit(opts.limit).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, memberId: r.member_id }));
}

/** The grants of each of these accounts (in grant order); an account with none maps to an empty list. */
export async function listGrantsOfAccounts(db: Db, accountIds: readonly string[]): Promise<Map<string, Grant[]>> {
  const out = new Map<string, Grant[]>(accountIds.map((id) => [id, []]));
  if (accountIds.length === 0) return out;
  const rows = await db
    .selectFrom('account_roles')
    .select(['account_id', 'role', 'unit_id'])
    .where('account_id', 'in', [...accountIds])
    .orderBy('account_id')
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.account_id)?.push({ role: r.role as Role, unitId: r.unit_id });
  return out;
}
