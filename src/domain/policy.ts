/**
 * Who may do what. Every route and command names one permission from `PERMISSIONS`; `authorize` is the single check.
 * Deny by default: a permission not granted to a role here is refused. The accounts issue grows this into unit-scoped
 * roles; the shape (principal × permission → allow/deny) stays.
 */
import { DomainError } from './errors.ts';

export const ROLES = ['office', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  kind: 'token' | 'cli';
  id: string;
  name: string;
  role: Role;
  unitId: string | null;
}

export const PERMISSIONS = {
  /** Anyone, signed in or not: discussions, tallies, counts. Never personal data. */
  public: [] as readonly Role[],
  'roll:write': ['office'] as readonly Role[],
  'roll:read': ['office'] as readonly Role[],
  'discussion:write': ['office'] as readonly Role[],
  'report:submit': ['office'] as readonly Role[],
  'token:manage': ['office'] as readonly Role[],
} as const;
export type Permission = keyof typeof PERMISSIONS;

export function authorize(principal: Principal | null, permission: Permission): void {
  if (permission === 'public') return;
  if (!principal) throw new DomainError('unauthenticated', 'this needs a bearer token: Authorization: Bearer plenum_…');
  if (!PERMISSIONS[permission].includes(principal.role)) {
    throw new DomainError('forbidden', `a token with role '${principal.role}' may not do this (needs ${PERMISSIONS[permission].join(' or ')})`);
  }
}

/** The office at the console: whoever can open the database file runs the organization. */
export const CONSOLE: Principal = { kind: 'cli', id: 'cli', name: 'console', role: 'office', unitId: null };
