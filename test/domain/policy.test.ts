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
const who = (role: Role): Principal => ({ kind: 'token', id: role, name: role, grants: [{ role, unitId: HOME[role] }] });

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

// Reading a report's text and history: wider than writing (a member her own branch, an observer everything).
const EXPECTED_READ: Record<Role, Record<Relation, boolean>> = {
  office: { own: true, descendant: true, ancestor: true, sibling: true, 'other branch': true },
  commission: { own: true, descendant: true, ancestor: true, sibling: true, 'other branch': true },
  observer: { own: true, descendant: true, ancestor: true, sibling: true, 'other branch': true },
  committee: { own: true, descendant: true, ancestor: false, sibling: false, 'other branch': false },
  secretary: { own: true, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  member: { own: true, descendant: false, ancestor: false, sibling: false, 'other branch': false },
};

// Who has not reported, with contacts: the office everywhere, a committee below it, nobody else.
const EXPECTED_PROGRESS: Record<Role, Record<Relation, boolean>> = {
  office: { own: true, descendant: true, ancestor: true, sibling: true, 'other branch': true },
  committee: { own: true, descendant: true, ancestor: false, sibling: false, 'other branch': false },
  commission: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  observer: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  secretary: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
  member: { own: false, descendant: false, ancestor: false, sibling: false, 'other branch': false },
};

for (const [permission, expected] of [
  ['report:read', EXPECTED_READ],
  ['progress:read', EXPECTED_PROGRESS],
  ['roll:read', EXPECTED_PROGRESS],
] as const) {
  describe(`authorization matrix: ${permission} on a unit`, () => {
    for (const role of ROLES) {
      for (const relation of Object.keys(TARGETS) as Relation[]) {
        const pick = TARGETS[relation];
        const unit = role === 'committee' ? pick.committee : role === 'secretary' || role === 'member' ? pick.secretary : pick.other;
        if (unit === null) continue;
        it(`${role} × ${permission} × ${relation} (${unit}) → ${expected[role][relation] ? 'allow' : 'deny'}`, () => {
          expect(allowed(() => authorizeOnUnit(who(role), permission, unit, ANCESTORS[unit]!))).toBe(expected[role][relation]);
        });
      }
    }
  });
}

describe('authorization matrix: an account holding several roles', () => {
  // A member of b1 who is also secretary of b1 and sits on the d12 committee.
  const multi: Principal = { kind: 'session', id: 'a', name: 'a', grants: [{ role: 'member', unitId: 'b1' }, { role: 'secretary', unitId: 'b1' }, { role: 'committee', unitId: 'd12' }] };
  const cases: Array<[Permission, string, boolean]> = [
    ['report:submit', 'b1', true], // as secretary
    ['report:submit', 'b3', true], // as committee of d12
    ['report:submit', 'b2', false], // neither
    ['report:submit', 'd11', false],
    ['roll:read', 'b3', true],
    ['roll:read', 'b1', false], // a secretary does not read the roll, even of her own branch
    ['report:read', 'b1', true],
    ['report:read', 'b5', false],
    ['challenge:file', 'b1', true], // a member challenges her own branch's report
    ['challenge:file', 'b3', false], // not another branch's, whatever else she holds
  ];
  for (const [permission, unit, ok] of cases) {
    it(`member@b1 + secretary@b1 + committee@d12 × ${permission} × ${unit} → ${ok ? 'allow' : 'deny'}`, () => {
      expect(allowed(() => authorizeOnUnit(multi, permission, unit, ANCESTORS[unit]!))).toBe(ok);
    });
  }
  it('an account with every role revoked may still see its own sessions, and nothing else', () => {
    const none: Principal = { kind: 'session', id: 'n', name: 'n', grants: [] };
    expect(allowed(() => authorize(none, 'account:own'))).toBe(true);
    for (const p of Object.keys(PERMISSIONS) as Permission[]) if (p !== 'public' && p !== 'account:own') expect(allowed(() => authorize(none, p))).toBe(false);
  });
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
    'report:read': ['office', 'committee', 'secretary', 'commission', 'member', 'observer'],
    'progress:read': ['office', 'committee'],
    'key:enrol': ['secretary'],
    'key:read': ['office', 'committee', 'secretary'],
    'key:decide': ['office', 'committee', 'secretary'],
    'challenge:file': ['member', 'observer'],
    'challenge:review': ['commission', 'office'],
    'challenge:decide': ['commission'],
    'delegate:record': ['office', 'committee', 'secretary'],
    'credentials:decide': ['office', 'commission'],
    'motion:propose': ['office', 'member'],
  };
  for (const [permission, roles] of Object.entries(EXPECTED) as Array<[Permission, Role[]]>) {
    for (const role of ROLES) {
      it(`${role} × ${permission} → ${roles.includes(role) ? 'allow' : 'deny'}`, () => {
        expect(allowed(() => authorize(who(role), permission))).toBe(roles.includes(role));
      });
    }
  }

  it('covers every permission the policy declares', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([
      'account:own',
      'audit:read',
      'challenge:decide',
      'challenge:file',
      'challenge:review',
      'credentials:decide',
      'delegate:record',
      'discussion:write',
      'invitation:send',
      'key:decide',
      'key:enrol',
      'key:read',
      'motion:propose',
      'progress:read',
      'public',
      'report:read',
      'report:submit',
      'role:grant',
      'roll:read',
      'roll:write',
      'token:manage',
    ]);
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
