/**
 * The account directory for those who manage roles: every account for the office; for a committee, the accounts
 * within its reach — the same rule as `accounts.ts#loadManagedAccount` (a grant at a unit in its subtree, or linked
 * to a member there) — so the list shows exactly the accounts whose roles it may open and change.
 */
import { DomainError } from '../domain/errors.ts';
import { authorize, hasRole, mayActOnUnit, PERMISSIONS, type Grant, type Principal } from '../domain/policy.ts';
import { listDirectoryAccounts, listGrantsOfAccounts } from '../storage/account-directory.repository.ts';
import type { Db } from '../storage/db.ts';
import { findUnit, unitAncestors } from '../storage/units.repository.ts';

export interface DirectoryAccount {
  accountId: string;
  email: string;
  memberId: string | null;
  grants: Grant[];
}

export interface DirectoryPage {
  items: DirectoryAccount[];
  next: string | null;
}

const encode = (email: string) => Buffer.from(JSON.stringify(['a', email])).toString('base64url');
function decode(cursor: string): string {
  try {
    const [tag, email] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (tag === 'a' && typeof email === 'string') return email;
  } catch {
    /* fall through */
  }
  throw new DomainError('invalid_input', 'cursor: not a cursor this API returned', { field: 'cursor' });
}

/**
 * A page of accounts with their grants, ordered by email. `q`: the email contains it (case-insensitive). `unit`: only
 * accounts holding a grant at that unit or below; a committee naming a unit outside its subtree gets the same 404 as
 * for an unknown unit (it learns nothing beyond its subtree).
 */
export async function listAccountDirectory(
  db: Db,
  principal: Principal,
  opts: { q?: string | undefined; unit?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<DirectoryPage> {
  authorize(principal, 'role:grant');
  const office = hasRole(principal, 'office');
  // Every unit-scoped grant that carries role:grant (a committee's) bounds the reach; the office is not bounded.
  const reach = office ? null : principal.grants.filter((g) => PERMISSIONS['role:grant'].includes(g.role) && g.unitId !== null).map((g) => g.unitId!);
  if (opts.unit !== undefined) {
    const hidden = new DomainError('not_found', `unit '${opts.unit}' not found`, { field: 'unit' });
    if (!(await findUnit(db, opts.unit))) throw hidden;
    if (!office && !mayActOnUnit(principal, 'role:grant', opts.unit, await unitAncestors(db, opts.unit))) throw hidden;
  }
  const after = opts.cursor ? decode(opts.cursor) : undefined;
  const rows = await listDirectoryAccounts(db, { search: opts.q, reach, under: opts.unit, after, limit: opts.limit + 1 });
  const page = rows.slice(0, opts.limit);
  const grants = await listGrantsOfAccounts(
    db,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ accountId: r.id, email: r.email, memberId: r.memberId, grants: grants.get(r.id) ?? [] })),
    next: rows.length > opts.limit && last ? encode(last.email) : null,
  };
}
