/**
 * The authorization matrix: role × action × how the target unit stands to the role's unit. Every cell is stated;
 * a change to the policy that moves one must change this table.
 */
import { describe, expect, it } from 'vitest';
import { authorize, authorizeGrant, authorizeOnUnit, PERMISSIONS, ROLES, type Permission, type Principal, type Role } from '../../src/domain/policy.ts';

// root → r1 → d11 → b1, b2; root → r1 → d12 → b3; root → r2 → d21 → b5
const ANCESTORS: Record<string, string[]> = {
  root: [],
  r1: ['root'],
  d11: ['root', 'r1'],
  d12: ['root', 'r1'],
  b1: ['root', 'r1', 'd11'],
  b2: ['root', 'r1', 'd11'],
  b3: ['root', 'r1', 'd12'],
  b5: ['root', 'r2', 'd21'],
};

const HOME: Record<Role, string | null> = { office: null, commission: null, observer: null, committee: 'd11', secretary: 'b1', member: 'b1' };
const who = (role: Role): Principal => ({ kind: 'token', id: role, name: role, role, unitId: HOME[role] });

// For each role: the target unit standing in each relation to the role's unit (committee d11, secretary b1).
const TARGETS = {
  own: { committee: 'd11', secretary: 'b1', other: 'b1' },
  descendant: { committee: 'b1', secretary: null, other: 'b2' },
  ancestor: { committee: 'r1', secretary: 'd11', other: 'r1' },
  sibling: { committee: 'd12', secretary: 'b2', other: 'b2' },
  'other branch': { committee: 'b5', secretary: 'b5', other: 'b5' },
} as const;
type Relation = keyof typeof TARGETS;

const EXPECTED_REPORT: Record<Role, Record<Relation, boolean>> = {
  office: { own: true, descendant: true, ancestor: true, sibling: true, 'other branch': true },
  committee: { own: true, descendant: true, ancestor: false, sibling: false, 'other branch': false },
  secretary: { own: true, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  commission: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  member: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  observer: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
};

const allowed = (fn: () => void) => {
  try {
    fn();
    return true;
  } catch (e) {
    if ((e as { code?: string }).code !== 'forbidden') throw e;
    return false;
  }
};

describe('authorization matrix: submitting a branch report', () => {
  for (const role of ROLES) {
    for (const relation of Object.keys(TARGETS) as Relation[]) {
      const pick = TARGETS[relation];
      const unit = role === 'committee' ? pick.committee : role === 'secretary' ? pick.secretary : pick.other;
      if (unit === null) continue; // a branch has no units below it
      it(`${role} × report:submit × ${relation} (${unit}) → ${EXPECTED_REPORT[role][relation] ? 'allow' : 'deny'}`, () => {
        expect(allowed(() => authorizeOnUnit(who(role), 'report:submit', unit, ANCESTORS[unit]!))).toBe(EXPECTED_REPORT[role][relation]);
      });
    }
  }
});

describe('authorization matrix: organization-wide actions', () => {
  const EXPECTED: Record<Exclude<Permission, 'public' | 'report:submit'>, Role[]> = {
    'roll:write': ['office'],
    'roll:read': ['office', 'committee'],
    'discussion:write': ['office'],
    'token:manage': ['office'],
    'audit:read': ['office', 'commission'],
    'account:own': ['office', 'committee', 'secretary', 'commission', 'member', 'observer'],
    'invitation:send': ['office'],
    'role:grant': ['office', 'committee'],
  };
  for (const [permission, roles] of Object.entries(EXPECTED) as Array<[Permission, Role[]]>) {
    for (const role of ROLES) {
      it(`${role} × ${permission} → ${roles.includes(role) ? 'allow' : 'deny'}`, () => {
        expect(allowed(() => authorize(who(role), permission))).toBe(roles.includes(role));
      });
    }
  }

  it('covers every permission the policy declares', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(['account:own', 'audit:read', 'discussion:write', 'invitation:send', 'public', 'report:submit', 'role:grant', 'roll:read', 'roll:write', 'token:manage']);
  });

  it('refuses anyone without credentials (401), and lets anyone read public things', () => {
    expect(() => authorize(null, 'report:submit')).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    expect(() => authorize(null, 'public')).not.toThrow();
  });
});

describe('authorization matrix: granting roles', () => {
  const cases: Array<[Role, Role, string | null, boolean]> = [
    ['office', 'office', null, true],
    ['office', 'secretary', 'b5', true],
    ['committee', 'secretary', 'b1', true], // below d11
    ['committee', 'committee', 'd11', true], // its own unit
    ['committee', 'secretary', 'b3', false], // a sibling district's branch
    ['committee', 'committee', 'r1', false], // above itself
    ['committee', 'office', null, false], // organization-wide
    ['committee', 'commission', null, false],
    ['secretary', 'member', 'b1', false],
    ['observer', 'member', 'b1', false],
  ];
  for (const [granter, role, unit, ok] of cases) {
    it(`${granter} grants ${role}${unit ? ` in ${unit}` : ''} → ${ok ? 'allow' : 'deny'}`, () => {
      expect(allowed(() => authorizeGrant(who(granter), role, unit, unit ? ANCESTORS[unit]! : []))).toBe(ok);
    });
  }
});
