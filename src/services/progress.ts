/**
 * Who has not reported yet: the units of a subtree with voting members and no report, with their secretaries'
 * contacts — personal data, so for the office and for committees above those units only (`progress:read`).
 */
import { DomainError } from '../domain/errors.ts';
import { authorizeOnUnit, type Principal } from '../domain/policy.ts';
import { listRoleHolders } from '../storage/accounts.repository.ts';
import type { Db } from '../storage/db.ts';
import { findFrozenUnit, findFrozenUnitNames, listUnreportedUnits } from '../storage/discussions.repository.ts';
import { getDiscussion } from './discussions.ts';

export interface UnreportedUnit {
  unitId: string;
  name: string;
  kind: string;
  parentId: string | null;
  /** Root first, without the unit itself. */
  ancestors: string[];
  /** The same ancestors with their names, for a readable path. */
  path: Array<{ id: string; name: string }>;
  /** Voting members on the frozen roll. */
  roll: number;
  secretaries: Array<{ accountId: string; email: string }>;
}

export async function getUnreported(
  db: Db,
  principal: Principal,
  discussionId: string,
  opts: { under?: string | undefined; after?: string | undefined; limit: number },
): Promise<{ items: UnreportedUnit[]; next: string | null }> {
  const d = await getDiscussion(db, discussionId);
  if (d.state !== 'open' || !d.rootUnitId) throw new DomainError('discussion_not_open', `discussion '${discussionId}' is not open yet`);
  const under = opts.under ?? d.rootUnitId;
  const unit = await findFrozenUnit(db, discussionId, under);
  const hidden = new DomainError('not_found', `unit '${under}' not found`, { field: 'under' });
  if (!unit) throw hidden;
  try {
    authorizeOnUnit(principal, 'progress:read', under, unit.ancestors);
  } catch {
    throw hidden; // a committee learns nothing beyond its subtree
  }
  const units = await listUnreportedUnits(db, discussionId, under, { after: opts.after, limit: opts.limit + 1 });
  const page = units.slice(0, opts.limit);
  const holders = await listRoleHolders(db, 'secretary', page.map((u) => u.unitId));
  const names = await findFrozenUnitNames(db, discussionId, page.flatMap((u) => u.ancestors));
  return {
    items: page.map((u) => ({
      unitId: u.unitId,
      name: u.name,
      kind: u.kind,
      parentId: u.parentId,
      ancestors: u.ancestors,
      path: u.ancestors.map((id) => ({ id, name: names.get(id) ?? id })),
      roll: u.roll,
      secretaries: holders.filter((h) => h.unitId === u.unitId).map(({ accountId, email }) => ({ accountId, email })),
    })),
    next: units.length > opts.limit ? page[page.length - 1]!.unitId : null,
  };
}
