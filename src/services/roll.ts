/** Reading the roll: personal data, so only for the office and for committees above the members' units. */
import { DomainError } from '../domain/errors.ts';
import { authorizeOnUnit, type Principal } from '../domain/policy.ts';
import type { Db } from '../storage/db.ts';
import { listMembersInSubtree, type MemberRow } from '../storage/members.repository.ts';
import { findUnit, unitAncestors } from '../storage/units.repository.ts';

export async function getMembers(db: Db, principal: Principal, unitId: string): Promise<MemberRow[]> {
  const hidden = new DomainError('not_found', `unit '${unitId}' not found`, { field: 'unitId' });
  if (!(await findUnit(db, unitId))) throw hidden;
  try {
    authorizeOnUnit(principal, 'roll:read', unitId, await unitAncestors(db, unitId));
  } catch {
    throw hidden; // a committee learns nothing of the roll beyond its subtree
  }
  return listMembersInSubtree(db, unitId);
}
