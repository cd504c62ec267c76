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

/** One role held at one unit (null for the organization-wide roles). An account may hold several. */
export interface Grant {
  role: Role;
  unitId: string | null;
}

export interface Principal {
  kind: 'token' | 'session' | 'cli';
  id: string;
  name: string;
  /** What the principal holds: a token exactly one grant; an account any number (none after every role is revoked). */
  grants: readonly Grant[];
}

export const hasRole = (principal: Principal | null, role: Role): boolean => principal?.grants.some((g) => g.role === role) ?? false;

/** `committee@d11`, `office`: how a grant is written in messages and in the audit log. */
export const formatGrant = (g: Grant): string => (g.unitId === null ? g.role : `${g.role}@${g.unitId}`);
export const formatGrants = (grants: readonly Grant[]): string => (grants.length ? grants.map(formatGrant).join(',') : 'none');

/** The inverse of `formatGrants` (for reading the audit log). */
export function parseGrants(s: string): Grant[] {
  if (s === 'none' || s === '') return [];
  return s.split(',').map((part) => {
    const at = part.indexOf('@');
    return at < 0 ? { role: part as Role, unitId: null } : { role: part.slice(0, at) as Role, unitId: part.slice(at + 1) };
  });
}

/** Checks a grant's shape: unit roles need a unit, organization-wide roles must not have one. */
export function checkGrantShape(role: string, unitId: string | null, field = 'unitId'): Grant {
  if (!(ROLES as readonly string[]).includes(role)) throw new DomainError('invalid_input', `role: unknown role '${role}'; roles are ${ROLES.join(', ')}`, { field: 'role' });
  const r = role as Role;
  if (isUnitRole(r) && unitId === null) throw new DomainError('invalid_input', `${field}: a ${r} belongs to a unit; name it`, { field });
  if (!isUnitRole(r) && unitId !== null) throw new DomainError('invalid_input', `${field}: a ${r} is organization-wide; leave the unit out`, { field });
  return { role: r, unitId };
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
  /**
   * A report's full text (the resolution) and its version history. Everyone reads the counts (`public`); the texts go
   * to the organization-wide readers and, for their units, to committees above, the branch's secretary and its members.
   */
  'report:read': ['office', 'commission', 'observer', 'committee', 'secretary', 'member'] as readonly Role[],
  /** Which branches have not reported, with their secretaries' contacts (personal data): office and committees. */
  'progress:read': ['office', 'committee'] as readonly Role[],
  'token:manage': ['office'] as readonly Role[],
  /** Granting and revoking roles: the office anywhere; a committee within its subtree (see `authorizeGrant`). */
  'role:grant': ['office', 'committee'] as readonly Role[],
  /** Inviting members from the roll to make accounts. */
  'invitation:send': ['office'] as readonly Role[],
  /** One's own account and sessions: anyone signed in, even with no role left. */
  'account:own': ROLES,
  /** Enrolling a signing key for one's own unit (a secretary; the key signs her unit's reports once approved). */
  'key:enrol': ['secretary'] as readonly Role[],
  /** Seeing signing keys: the office all, a committee its subtree, a secretary her unit's (`mayActOnUnit`). */
  'key:read': ['office', 'committee', 'secretary'] as readonly Role[],
  /** Approving, refusing or revoking a unit's key: an officer of a unit above it (src/services/keys.ts). */
  'key:decide': ['office', 'committee', 'secretary'] as readonly Role[],
  /**
   * Challenging a branch's report: a member of that branch, or an observer (platforms' monitors) for any unit
   * (`grantReaches`). The challenger's identity and text go only to the commission, the office and the unit's readers.
   */
  'challenge:file': ['member', 'observer'] as readonly Role[],
  /** Reading challenges' evidence and who filed them: the commission and the office. */
  'challenge:review': ['commission', 'office'] as readonly Role[],
  /** Deciding challenges (uphold, order a correction, strike the report or some votes): the commission alone. */
  'challenge:decide': ['commission'] as readonly Role[],
  /** The audit log: who changed what. */
  'audit:read': ['office', 'commission'] as readonly Role[],
  /**
   * Conference (docs/conference.md). Recording the delegates an electing unit elected: its secretary, a committee at or
   * above it, or the office (`authorizeOnUnit` on the electing unit). Defining, apportioning, resolutions and votes
   * need `discussion:write` (the office).
   */
  'delegate:record': ['office', 'committee', 'secretary'] as readonly Role[],
  /** The credentials committee: confirming or rejecting (with a reason) a delegate's mandate; sees delegates' names. */
  'credentials:decide': ['office', 'commission'] as readonly Role[],
  /** Proposing a motion: the office (resolutions, amendments); a member only if her own account is a confirmed delegate's (amendments; src/services/conference.ts). */
  'motion:propose': ['office', 'member'] as readonly Role[],
} as const;
export type Permission = keyof typeof PERMISSIONS;

const holds = (principal: Principal, permission: Permission): Grant[] => principal.grants.filter((g) => PERMISSIONS[permission].includes(g.role));

export function authorize(principal: Principal | null, permission: Permission): void {
  if (permission === 'public') return;
  if (!principal) throw new DomainError('unauthenticated', 'this needs a signed-in session or a bearer token: Authorization: Bearer plenum_…');
  if (permission === 'account:own') return;
  if (holds(principal, permission).length === 0) {
    throw new DomainError('forbidden', `roles '${formatGrants(principal.grants)}' may not do this (needs ${PERMISSIONS[permission].join(' or ')})`);
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

/** Whether one grant reaches a unit: everywhere, its subtree, its own unit, or (members, observers) nowhere to write. */
export function grantReaches(g: Grant, unitId: string, ancestors: readonly string[], permission?: Permission): boolean {
  const rel = relationOf(g.unitId, unitId, ancestors);
  // Reading is wider than writing: a member reads her own branch's reports; an observer reads everything. The same
  // reach lets a member challenge her own branch's report, and an observer any unit's.
  const widened = (permission === 'report:read' || permission === 'challenge:file') && (g.role === 'member' || g.role === 'observer');
  const scope = widened ? (g.role === 'member' ? 'unit' : 'organization') : ROLE_SCOPE[g.role];
  switch (scope) {
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

export function mayActOnUnit(principal: Principal | null, permission: Permission, unitId: string, ancestors: readonly string[]): boolean {
  if (permission === 'public') return true;
  return principal !== null && holds(principal, permission).some((g) => grantReaches(g, unitId, ancestors, permission));
}

/** Refuses (403, naming the unit and the reach of the principal's roles) an action on a unit outside its reach. */
export function authorizeOnUnit(principal: Principal, permission: Permission, unitId: string, ancestors: readonly string[]): void {
  authorize(principal, permission);
  if (mayActOnUnit(principal, permission, unitId, ancestors)) return;
  const reach = holds(principal, permission)
    .map((g) => (ROLE_SCOPE[g.role] === 'subtree' ? `as ${g.role} for '${g.unitId}' and the units below it` : `as ${g.role} for '${g.unitId}' only`))
    .join('; ');
  throw new DomainError('forbidden', `you may act ${reach}, not for unit '${unitId}'`, { field: 'unitId' });
}

/**
 * Which roles a principal may hand out (or take back), and where: the office any role anywhere; a committee only unit
 * roles (committee, secretary, member) for units in its subtree — never an organization-wide role, never above itself.
 */
export function authorizeGrant(principal: Principal, role: Role, unitId: string | null, ancestors: readonly string[]): void {
  authorize(principal, 'role:grant');
  if (hasRole(principal, 'office')) return;
  if (!isUnitRole(role) || unitId === null) {
    throw new DomainError('forbidden', `a committee may not grant the organization-wide role '${role}'`, { field: 'role' });
  }
  authorizeOnUnit(principal, 'role:grant', unitId, ancestors);
}

/** The office at the console: whoever can open the database file runs the organization. */
export const CONSOLE: Principal = { kind: 'cli', id: 'cli', name: 'console', grants: [{ role: 'office', unitId: null }] };
