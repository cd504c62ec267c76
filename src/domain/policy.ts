/**
 * Who may do what. Two questions, both answered here and nowhere else:
 * 1. May this principal use this kind of action at all? Every route and command names one permission from
 *    `PERMISSIONS`; `authorize` checks it (deny by default: a role not listed is refused).
 * 2. May it act on this unit? Roles are scoped to a unit and its subtree (`ROLE_SCOPE`); `authorizeOnUnit` checks
 *    the unit's relation to the principal's — own unit, below it (descendant), or elsewhere.
 */
import { DomainError } from './errors.ts';

export const ROLES = ['office', 'committee', 'secretary', 'commission', 'member', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Where a role's writes reach. `organization`: everywhere (office, commission). `subtree`: its unit and every unit
 * below it (a committee enters paper minutes for the branches below it). `unit`: its own unit only (a branch
 * secretary). `none`: no writes on units (members and observers read).
 */
export const ROLE_SCOPE: Record<Role, 'organization' | 'subtree' | 'unit' | 'none'> = {
  office: 'organization',
  commission: 'organization',
  committee: 'subtree',
  secretary: 'unit',
  member: 'none',
  observer: 'none',
};

/** Roles that belong to a unit: they cannot be granted without one. */
export const isUnitRole = (role: Role): boolean => ROLE_SCOPE[role] === 'subtree' || ROLE_SCOPE[role] === 'unit' || role === 'member';

export interface Principal {
  kind: 'token' | 'session' | 'cli';
  id: string;
  name: string;
  role: Role;
  /** The unit the role is scoped to (null for organization-wide roles). */
  unitId: string | null;
}

export const PERMISSIONS = {
  /** Anyone, signed in or not: discussions, tallies, counts. Never personal data. */
  public: [] as readonly Role[],
  'roll:write': ['office'] as readonly Role[],
  /** The roll with names and emails: the office everywhere, a committee for the units below it (`authorizeOnUnit`). */
  'roll:read': ['office', 'committee'] as readonly Role[],
  'discussion:write': ['office'] as readonly Role[],
  /** Submitting or correcting a branch report; which units, `authorizeOnUnit` decides. */
  'report:submit': ['office', 'committee', 'secretary'] as readonly Role[],
  'token:manage': ['office'] as readonly Role[],
  /** Setting an account's role: the office anywhere; a committee within its subtree (see `mayGrant`). */
  'role:grant': ['office', 'committee'] as readonly Role[],
  /** Inviting members from the roll to make accounts. */
  'invitation:send': ['office'] as readonly Role[],
  /** One's own account and sessions: anyone signed in. */
  'account:own': ROLES,
  /** The audit log: who changed what. */
  'audit:read': ['office', 'commission'] as readonly Role[],
} as const;
export type Permission = keyof typeof PERMISSIONS;

export function authorize(principal: Principal | null, permission: Permission): void {
  if (permission === 'public') return;
  if (!principal) throw new DomainError('unauthenticated', 'this needs a bearer token: Authorization: Bearer plenum_…');
  if (!PERMISSIONS[permission].includes(principal.role)) {
    throw new DomainError('forbidden', `a token with role '${principal.role}' may not do this (needs ${PERMISSIONS[permission].join(' or ')})`);
  }
}

/** How a unit stands to the principal's unit. `ancestors`: the target unit's ancestors, root first. */
export type UnitRelation = 'own' | 'descendant' | 'ancestor' | 'elsewhere';

export function relationOf(principalUnit: string | null, unitId: string, ancestors: readonly string[]): UnitRelation {
  if (principalUnit === null) return 'elsewhere';
  if (unitId === principalUnit) return 'own';
  if (ancestors.includes(principalUnit)) return 'descendant';
  return 'elsewhere';
}

export function mayActOnUnit(principal: Principal, unitId: string, ancestors: readonly string[]): boolean {
  const rel = relationOf(principal.unitId, unitId, ancestors);
  switch (ROLE_SCOPE[principal.role]) {
    case 'organization':
      return true;
    case 'subtree':
      return rel === 'own' || rel === 'descendant';
    case 'unit':
      return rel === 'own';
    case 'none':
      return false;
  }
}

/** Refuses (403, naming the unit and the scope) an action on a unit outside the principal's reach. */
export function authorizeOnUnit(principal: Principal, permission: Permission, unitId: string, ancestors: readonly string[]): void {
  authorize(principal, permission);
  if (mayActOnUnit(principal, unitId, ancestors)) return;
  const scope = ROLE_SCOPE[principal.role] === 'subtree' ? `'${principal.unitId}' and the units below it` : `'${principal.unitId}' only`;
  throw new DomainError('forbidden', `a ${principal.role} may act for ${scope}, not for unit '${unitId}'`, { field: 'unitId' });
}

/**
 * Which roles a principal may hand out, and where: the office any role anywhere; a committee only unit roles
 * (committee, secretary, member) for units in its subtree — never an organization-wide role, never above itself.
 */
export function authorizeGrant(principal: Principal, role: Role, unitId: string | null, ancestors: readonly string[]): void {
  authorize(principal, 'role:grant');
  if (principal.role === 'office') return;
  if (!isUnitRole(role) || unitId === null) {
    throw new DomainError('forbidden', `a ${principal.role} may not grant the organization-wide role '${role}'`, { field: 'role' });
  }
  authorizeOnUnit(principal, 'role:grant', unitId, ancestors);
}

/** The office at the console: whoever can open the database file runs the organization. */
export const CONSOLE: Principal = { kind: 'cli', id: 'cli', name: 'console', role: 'office', unitId: null };
