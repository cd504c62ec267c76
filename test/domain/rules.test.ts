import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fractionFromDecimal, ceilFractionOf } from '../../src/domain/fraction.ts';
import { adoptedPosition, checkReportCounts, deriveOutcome, isQuorate, reportCountsChecker } from '../../src/domain/report.ts';
import { discussionDef, report } from '../support/factories.ts';

describe('quorum, in exact arithmetic', () => {
  it('reads a decimal quorum as the exact fraction it denotes', () => {
    expect(fractionFromDecimal(0.5)).toEqual({ num: 1n, den: 2n });
    expect(fractionFromDecimal(0.333)).toEqual({ num: 333n, den: 1000n });
    expect(fractionFromDecimal(0.1)).toEqual({ num: 1n, den: 10n });
    expect(fractionFromDecimal(1)).toEqual({ num: 1n, den: 1n });
    expect(fractionFromDecimal(1e-7)).toEqual({ num: 1n, den: 10000000n });
  });

  it('is quorate iff present ≥ quorum × roll', () => {
    const rules = { quorum: 0.5, majority: 'votes-cast' as const };
    expect(isQuorate(20, 40, rules)).toBe(true);
    expect(isQuorate(19, 40, rules)).toBe(false);
    expect(isQuorate(2, 3, rules)).toBe(true);
    expect(isQuorate(1, 3, rules)).toBe(false);
    // 0.1 × 30 is 3.0000000000000004 in floating point: 3 present must still be quorate.
    expect(isQuorate(3, 30, { quorum: 0.1, majority: 'votes-cast' })).toBe(true);
    // 0.7 × 10 = 7.000000000000001 in floating point.
    expect(isQuorate(7, 10, { quorum: 0.7, majority: 'votes-cast' })).toBe(true);
  });

  it('agrees with integer arithmetic for every quorum in thousandths (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (milli, roll, present) => {
        const quorum = milli / 1000;
        expect(isQuorate(present, roll, { quorum, majority: 'votes-cast' })).toBe(present * 1000 >= milli * roll);
        expect(ceilFractionOf(fractionFromDecimal(quorum), roll)).toBe(Math.floor((milli * roll + 999) / 1000));
      }),
    );
  });
});

describe('majority', () => {
  it('votes-cast: more than half of the votes cast for positions, abstentions not counted', () => {
    const rules = { quorum: 0.5, majority: 'votes-cast' as const };
    expect(adoptedPosition({ positions: { cc: 20, opp: 2 }, abstain: 1 }, 23, rules)).toBe('cc');
    expect(adoptedPosition({ positions: { cc: 10, opp: 10 }, abstain: 3 }, 23, rules)).toBeNull();
    expect(adoptedPosition({ positions: { cc: 3, opp: 2 }, abstain: 18 }, 23, rules)).toBe('cc');
    expect(adoptedPosition({ positions: { cc: 0, opp: 0 }, abstain: 5 }, 23, rules)).toBeNull();
  });

  it('present: more than half of those present', () => {
    const rules = { quorum: 0.5, majority: 'present' as const };
    expect(adoptedPosition({ positions: { cc: 3, opp: 2 }, abstain: 18 }, 23, rules)).toBeNull();
    expect(adoptedPosition({ positions: { cc: 12, opp: 2 }, abstain: 9 }, 23, rules)).toBe('cc');
    expect(adoptedPosition({ positions: { cc: 11, opp: 2 }, abstain: 9 }, 22, rules)).toBeNull();
  });

  it('adopts nothing when not quorate or not voted', () => {
    const d = discussionDef();
    expect(deriveOutcome({ present: 19, votes: { q1: { positions: { cc: 19, opp: 0 }, abstain: 0 } } }, 40, d)).toEqual({
      quorate: false,
      adopted: { q1: null, q2: null },
    });
    expect(deriveOutcome({ present: 20, votes: { q2: { positions: { opp: 11 }, abstain: 0 } } }, 40, d)).toEqual({
      quorate: true,
      adopted: { q1: null, q2: 'opp' },
    });
  });

  it('never adopts two positions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 6 }), fc.nat(1000), fc.constantFrom('votes-cast' as const, 'present' as const), (votes, abstain, majority) => {
        const positions = Object.fromEntries(votes.map((v, i) => [`p${i}`, v]));
        const present = votes.reduce((a, b) => a + b, 0) + abstain;
        const adopted = adoptedPosition({ positions, abstain }, present, { quorum: 0, majority });
        const winners = votes.filter((v) => v * 2 > (majority === 'present' ? present : votes.reduce((a, b) => a + b, 0)));
        expect(winners.length).toBeLessThanOrEqual(1);
        expect(adopted === null).toBe(winners.length === 0);
      }),
    );
  });
});

describe('report counts', () => {
  const d = discussionDef();
  const check = (over: Parameters<typeof report>[0], roll = 40) => () => checkReportCounts(report(over), roll, d);

  it('accepts a report within the roll', () => expect(check({})).not.toThrow());
  it('refuses more present than the frozen roll, naming the field and both numbers', () => {
    expect(check({ present: 41 })).toThrow(/present \(41\) exceeds the unit's voting roll \(40\)/);
  });
  it('refuses more votes than present', () => {
    expect(check({ present: 10, votes: { q1: { positions: { cc: 8, opp: 2 }, abstain: 1 } } })).toThrow(/exceed those present \(10\)/);
  });
  it('refuses unknown questions and positions', () => {
    expect(check({ votes: { q9: { positions: { cc: 1 }, abstain: 0 } } })).toThrow(/unknown question 'q9'/);
    expect(check({ votes: { q1: { positions: { xx: 1 }, abstain: 0 } } })).toThrow(/unknown position 'xx'/);
  });
  it('refuses a unit with an empty frozen roll', () => {
    expect(check({ present: 0, votes: {} }, 0)).toThrow(/no voting members/);
  });
  it('names the field in the error', () => {
    expect(check({ votes: { q1: { positions: { xx: 1 }, abstain: 0 } } })).toThrow(expect.objectContaining({ field: 'votes.q1.positions.xx' }));
  });

  it('refuses with the same error by reportCountsChecker, the many-reports way, as by checkReportCounts (property)', () => {
    const checker = reportCountsChecker(d);
    const outcome = (f: () => void) => {
      try {
        f();
        return 'accepted';
      } catch (e) {
        return `${(e as Error).message} [${(e as { field?: string }).field}]`;
      }
    };
    const ids = fc.constantFrom('q1', 'q2', 'q9', 'cc', 'opp', 'xx', 'toString', '__proto__');
    const votes = fc.dictionary(ids, fc.record({ positions: fc.dictionary(ids, fc.nat({ max: 30 })), abstain: fc.nat({ max: 30 }) }), { maxKeys: 3 });
    fc.assert(
      fc.property(fc.nat({ max: 50 }), votes, fc.integer({ min: -1, max: 50 }), (present, v, roll) => {
        const r = { unitId: 'b1', present, votes: v };
        expect(outcome(() => checker(r, roll))).toBe(outcome(() => checkReportCounts(r, roll, d)));
      }),
      { numRuns: 3000 },
    );
  });
});
