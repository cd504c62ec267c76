/**
 * Log entries: each type round-trips through parseEntry, non-canonical or unknown input is refused, and size limits
 * hold (a 100,000-unit roll splits into parts of at most 65,535 bytes; a worst-case part still fits).
 */
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/log/canonical.ts';
import {
  discussionEntry,
  discussionEntryFromDefinition,
  EntryError,
  joinRollParts,
  keyEntry,
  MAX_ENTRY_BYTES,
  parseEntry,
  reportEntry,
  ROLL_UNITS_PER_PART,
  rollEntries,
  type RollEntry,
  type RollUnit,
  sha256Hex,
} from '../../src/log/entries.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const PK = Buffer.alloc(32, 7).toString('base64');

const definition = {
  id: 'congress-2025',
  title: 'Congress 2025: the merger',
  reportingClosesAt: '2025-03-01T18:00:00Z',
  rules: { quorum: 0.25, majority: 'votes-cast' as const },
  questions: [
    { id: 'q1', text: 'Merge?', positions: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
    { id: 'q2', text: 'When?', positions: [{ id: 'y2026', title: '2026' }] },
  ],
};

const report = {
  discussionId: 'congress-2025',
  unitId: 'br-0042',
  version: 2,
  supersedes: 1,
  meetingDate: '2025-02-10',
  present: 31,
  votes: { q1: { positions: { yes: 20, no: 9 }, abstain: 2 }, q2: { positions: { y2026: 25 }, abstain: 6 } },
  resolutionSha256: sha256Hex('The branch resolves…'),
  submittedAt: '2025-02-11T09:30:00.000Z',
  keyId: 'k-3f2a9c',
  enteredBy: 'unit' as const,
  signature: Buffer.alloc(64, 7).toString('base64'),
};

describe('round trips', () => {
  it('discussion', () => {
    const bytes = discussionEntryFromDefinition(definition);
    const e = parseEntry(bytes);
    expect(e).toEqual({
      type: 'discussion',
      v: 1,
      discussionId: 'congress-2025',
      titleSha256: sha256Hex('Congress 2025: the merger'),
      rules: { quorum: '0.25', majority: 'votes-cast', publicMinUnitSize: 0, witnesses: { required: 0, keys: [] } },
      questions: [
        { id: 'q1', positions: ['yes', 'no'] },
        { id: 'q2', positions: ['y2026'] },
      ],
      reportingClosesAt: '2025-03-01T18:00:00Z',
    });
    expect(text(bytes)).toBe(canonicalize(e));
    expect(text(bytes)).not.toContain('merger'); // the title is logged by hash only
    expect(text(bytes).startsWith('{"discussionId":"congress-2025","questions":')).toBe(true);
  });

  it('report, by the unit and by the office', () => {
    for (const enteredBy of ['unit', 'office'] as const) {
      const bytes = reportEntry({ ...report, enteredBy });
      expect(parseEntry(bytes)).toEqual({ type: 'report', v: 1, ...report, enteredBy });
      expect(reportEntry(parseEntry(bytes) as never)).toEqual(bytes);
    }
    const first = reportEntry({ ...report, version: 1, supersedes: null });
    expect(parseEntry(first)).toMatchObject({ version: 1, supersedes: null });
  });

  it('key: enrol, rotate, revoke', () => {
    const enrol = keyEntry({ action: 'enrol', keyId: 'k1', unitId: 'br-0042', publicKey: PK, approvedBy: 'office-1' });
    const rotate = keyEntry({ action: 'rotate', keyId: 'k2', unitId: 'br-0042', publicKey: PK, replaces: 'k1', approvedBy: 'office-1' });
    const revoke = keyEntry({ action: 'revoke', keyId: 'k2', unitId: 'br-0042', approvedBy: 'office-1' });
    expect(parseEntry(enrol)).toEqual({ type: 'key', v: 1, action: 'enrol', keyId: 'k1', unitId: 'br-0042', publicKey: PK, approvedBy: 'office-1' });
    expect(parseEntry(rotate)).toMatchObject({ action: 'rotate', replaces: 'k1' });
    expect(parseEntry(revoke)).toEqual({ type: 'key', v: 1, action: 'revoke', keyId: 'k2', unitId: 'br-0042', approvedBy: 'office-1' });
  });

  it('roll: sorted by unit id, parts numbered, joined back', () => {
    const units: RollUnit[] = [
      ['b', 'root', 5],
      ['root', null, 0],
      ['a', 'root', 12],
    ];
    const [only, ...rest] = rollEntries('d1', units);
    expect(rest).toEqual([]);
    expect(text(only!)).toBe('{"discussionId":"d1","part":1,"parts":1,"type":"roll","units":[["a","root",12],["b","root",5],["root",null,0]],"v":1}');
    expect(joinRollParts([parseEntry(only!) as RollEntry])).toEqual([units[2], units[0], units[1]]);
    expect(rollEntries('d1', []).map(text)).toEqual(['{"discussionId":"d1","part":1,"parts":1,"type":"roll","units":[],"v":1}']);
  });
});

describe('refusals', () => {
  const good = text(reportEntry(report));

  it('non-canonical bytes: extra space, reordered keys, trailing newline, escaped character', () => {
    const variants = [
      good.replace('"present":31', '"present": 31'),
      ' ' + good,
      good + '\n',
      good.replace('{"discussionId":"congress-2025",', '{').replace(/}$/, ',"discussionId":"congress-2025"}'),
      good.replace('"unitId":"br-0042"', '"unitId":"br-004\\u0032"'),
      good.replace('"present":31', '"present":31.0'),
    ];
    for (const s of variants) {
      expect(s).not.toBe(good);
      expect(() => parseEntry(utf8(s)), s).toThrow(/canonical|JSON/);
    }
    expect(parseEntry(utf8(good))).toMatchObject({ unitId: 'br-0042' });
  });

  it('unknown type, wrong v, unknown member, bad field values', () => {
    const swap = (from: string, to: string) => utf8(good.replace(from, to));
    expect(() => parseEntry(utf8(canonicalize({ type: 'vote', v: 1 })))).toThrow(/unknown entry type "vote"/);
    expect(() => parseEntry(utf8(canonicalize({ type: 'toString', v: 1 })))).toThrow(/unknown entry type/);
    expect(() => parseEntry(utf8(canonicalize({ v: 1 })))).toThrow(/unknown entry type/);
    expect(() => parseEntry(utf8('[1]'))).toThrow(/JSON object/);
    expect(() => parseEntry(swap('"v":1', '"v":2'))).toThrow(/version 2/);
    expect(() => parseEntry(swap('"v":1', '"v":"1"'))).toThrow(EntryError);
    expect(() => parseEntry(utf8(canonicalize({ ...JSON.parse(good), w: 1 })))).toThrow(/invalid report entry/);
    expect(() => parseEntry(swap('"enteredBy":"unit"', '"enteredBy":"admin"'))).toThrow(/enteredBy/);
    expect(() => parseEntry(swap('"present":31', '"present":-1'))).toThrow(/present/);
    expect(() => parseEntry(swap('"meetingDate":"2025-02-10"', '"meetingDate":"10/02/2025"'))).toThrow(/meetingDate/);
    expect(() => reportEntry({ ...report, resolutionSha256: 'ABC' })).toThrow(/resolutionSha256/);
    expect(() => reportEntry({ ...report, unitId: 'constructor' })).toThrow(/unitId/);
    expect(() => reportEntry({ ...report, present: 1.5 })).toThrow(/safe integer|present/);
    expect(() => keyEntry({ action: 'enrol', keyId: 'k', unitId: 'u', publicKey: 'AAAA', approvedBy: 'o' })).toThrow(/publicKey/);
    // a non-canonical base64 spelling of 32 bytes (last character carries non-zero padding bits)
    const noncanon = PK.slice(0, 42) + 'd=';
    expect(Buffer.from(noncanon, 'base64').length).toBe(32);
    expect(() => keyEntry({ action: 'enrol', keyId: 'k', unitId: 'u', publicKey: noncanon, approvedBy: 'o' })).toThrow(/canonical base64/);
    expect(() =>
      parseEntry(utf8(canonicalize({ type: 'key', v: 1, action: 'revoke', keyId: 'k', unitId: 'u', approvedBy: 'o', publicKey: PK }))),
    ).toThrow(/invalid key entry/);
  });

  it('a roll part with unsorted units or part > parts is refused', () => {
    const base = { type: 'roll', v: 1, discussionId: 'd', part: 1, parts: 1 };
    expect(() => parseEntry(utf8(canonicalize({ ...base, units: [['b', null, 1], ['a', 'b', 1]] })))).toThrow(/sorted/);
    expect(() => parseEntry(utf8(canonicalize({ ...base, units: [['a', null, 1], ['a', null, 1]] })))).toThrow(/sorted/);
    expect(() => parseEntry(utf8(canonicalize({ ...base, part: 2, units: [] })))).toThrow(/part/);
  });
});

describe('size limits', () => {
  it('refuses entries over 65,535 bytes before parsing, and builders refuse to make them', () => {
    const big = utf8(canonicalize({ type: 'report', v: 1, pad: 'x'.repeat(MAX_ENTRY_BYTES) }));
    expect(() => parseEntry(big)).toThrow(/over the 65535-byte limit/);
    const many = Array.from({ length: 2000 }, (_, i) => ({
      id: `question-${i}-${'q'.repeat(40)}`,
      text: '',
      positions: [{ id: 'yes', title: '' }, { id: 'no', title: '' }],
    }));
    expect(() => discussionEntryFromDefinition({ ...definition, questions: many })).toThrow(/over the 65535-byte limit/);
  });

  it('a 100,000-unit roll splits into parts of at most 65,535 bytes that join back to the roll', () => {
    const units: RollUnit[] = Array.from({ length: 100_000 }, (_, i) => [`unit-${i}`, i === 0 ? null : `unit-${(i - 1) >> 3}`, i % 997]);
    const parts = rollEntries('congress-2025', units);
    expect(parts.length).toBe(Math.ceil(100_000 / ROLL_UNITS_PER_PART));
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    const joined = joinRollParts(parts.map((p) => parseEntry(p) as RollEntry));
    expect(joined.length).toBe(100_000);
    const byId = new Map(units.map((u) => [u[0], u]));
    for (const u of joined) expect(u).toEqual(byId.get(u[0]));
    // parts out of order or missing are refused
    const parsed = parts.map((p) => parseEntry(p) as RollEntry);
    expect(() => joinRollParts([parsed[1]!, parsed[0]!, ...parsed.slice(2)])).toThrow(/numbered/);
    expect(() => joinRollParts(parsed.slice(1))).toThrow(/parts/);
  });

  it('a worst-case roll part (64-character ids, counts of 100,000,000) still fits', () => {
    const id = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(58)}`;
    const units: RollUnit[] = Array.from({ length: ROLL_UNITS_PER_PART }, (_, i) => [id(i), id(999_999), 100_000_000]);
    const [part, ...rest] = rollEntries('d'.repeat(64), units);
    expect(rest).toEqual([]);
    expect(part!.length).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(part!.length).toBeGreaterThan(55_000);
  });
});

it('discussionEntry takes fields directly too', () => {
  const fields = {
    discussionId: 'd',
    titleSha256: sha256Hex('t'),
    questions: [],
    reportingClosesAt: '2025-01-01T00:00:00+01:00',
  };
  const bytes = discussionEntry({ ...fields, rules: { quorum: '0.5', majority: 'present', publicMinUnitSize: 5, witnesses: { required: 0, keys: [] } } });
  expect(parseEntry(bytes)).toMatchObject({ rules: { quorum: '0.5' } });
  for (const quorum of ['.5', '0.50', '1e-1', '01'])
    expect(() => discussionEntry({ ...fields, rules: { quorum, majority: 'present', publicMinUnitSize: 0, witnesses: { required: 0, keys: [] } } })).toThrow(/quorum/);
});
