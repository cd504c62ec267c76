/**
 * Delegate apportionment (src/domain/apportionment.ts, docs/apportionment.md): a worked example per method with the
 * arithmetic written out, the published fixed-ratio rules, the errors, and the invariants as properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apportion,
  describeTie,
  DIVISOR_METHODS,
  formatDecimal,
  type Apportionment,
  type ApportionmentOptions,
  type DivisorMethod,
  type PopulationEntry,
  type TieBreak,
} from '../../src/domain/apportionment.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Fraction } from '../../src/domain/fraction.ts';

/** Units a, b, c, … with these populations. */
const named = (...pops: number[]): PopulationEntry[] => pops.map((population, i) => ({ id: String.fromCharCode(97 + i), population }));
const seatsOf = (r: Apportionment) => r.units.map((u) => u.seats);
const seats = (pops: number[], o: ApportionmentOptions) => seatsOf(apportion(named(...pops), o));
const refusal = (entries: PopulationEntry[], o: ApportionmentOptions): DomainError => {
  try {
    apportion(entries, o);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a refusal');
};

// The four-party example used in most textbooks: 230,000 members, 8 seats.
const FOUR = [100_000, 80_000, 30_000, 20_000];

describe('largest remainder (Hare-Niemeyer)', () => {
  it('floors the quotas, then gives the seats left to the largest remainders', () => {
    // 100,000 members, 10 seats: quota_i = p_i·10/100,000.
    //   a 47,000 → 4.70   b 16,000 → 1.60   c 15,800 → 1.58   d 12,000 → 1.20   e 6,100 → 0.61   f 3,100 → 0.31
    //   floors 4 + 1 + 1 + 1 + 0 + 0 = 7; 3 seats left to the largest remainders .70 (a), .61 (e), .60 (b).
    const r = apportion(named(47_000, 16_000, 15_800, 12_000, 6_100, 3_100), { method: 'hare', seats: 10 });
    expect(seatsOf(r)).toEqual([5, 2, 1, 1, 1, 0]);
    expect(r.units[0]!.quota).toEqual({ num: 47n, den: 10n });
    expect(r.units.map((u) => formatDecimal(u.quota, 2))).toEqual(['4.70', '1.60', '1.58', '1.20', '0.61', '0.31']);
    expect(r.ties).toEqual([]);
    // The four-party example: quotas 3.478, 2.783, 1.043, 0.696 → floors 3, 2, 1, 0 (6); remainders .783 (b), .696 (d).
    expect(seats(FOUR, { method: 'hare', seats: 8 })).toEqual([3, 3, 1, 1]);
  });

  it('shows the Alabama paradox: one more seat in the house, one seat fewer for c (6, 6, 2)', () => {
    // 10 seats: quotas 60/14 = 4.286, 4.286, 20/14 = 1.429 → floors 4, 4, 1 (9); the one left: largest remainder .429 (c).
    expect(seats([6, 6, 2], { method: 'hare', seats: 10 })).toEqual([4, 4, 2]);
    // 11 seats: quotas 66/14 = 4.714, 4.714, 22/14 = 1.571 → floors 4, 4, 1 (9); two left: .714 (a), .714 (b).
    expect(seats([6, 6, 2], { method: 'hare', seats: 11 })).toEqual([5, 5, 1]);
  });

  it('breaks an equal remainder by the stated rule and reports the tie', () => {
    // 7, 4, 1 at 6 seats: quotas 3.5, 2, 0.5 → floors 3, 2, 0 (5); remainders ½ (a) and ½ (c) for the one seat left.
    const r = apportion(named(7, 4, 1), { method: 'hare', seats: 6 });
    expect(seatsOf(r)).toEqual([4, 2, 0]);
    expect(r.tieBreak).toEqual({ rule: 'larger-population-then-id' });
    expect(r.ties).toEqual([{ by: 'remainder', value: { num: 1n, den: 2n }, seats: 1, among: ['a', 'c'], awarded: ['a'] }]);
    expect(describeTie(r.ties[0]!, r.tieBreak)).toBe('1 seat tied between a, c (equal remainder 1/2); awarded to a — larger population first, then smaller id');
  });

  it('fixes units whose share falls below the minimum at the minimum and re-apportions the rest, until stable', () => {
    // 50, 22, 20, 1 at 10 seats, min 2. Quotas (P = 93): 5.38, 2.37, 2.15, 0.11.
    // Round 1: d (0.11) < 2 → fixed at 2; 8 seats among 92 members: a 4.35, b 1.91, c 1.74.
    // Round 2: b and c < 2 → fixed at 2; 4 seats among a's 50 → a 4. Stable: shares 4, 2, 2, 2.
    // In one step: shares clamp(p·λ, 2, ∞) with λ = 4/50 (b: 22·0.08 = 1.76 < 2, c: 1.6, d: 0.08).
    const r = apportion(named(50, 22, 20, 1), { method: 'hare', seats: 10, min: 2 });
    expect(seatsOf(r)).toEqual([4, 2, 2, 2]);
    expect(r.units.map((u) => u.share)).toEqual([4n, 2n, 2n, 2n].map((num) => ({ num, den: 1n })));
    // An SPD-style minimum of one: 1000, 500, 30, 20 at 10 seats. Without it: quotas 6.45, 3.23, 0.19, 0.13 → 7, 3, 0, 0.
    expect(seats([1000, 500, 30, 20], { method: 'hare', seats: 10 })).toEqual([7, 3, 0, 0]);
    // With min 1: c, d fixed at 1; 8 seats among 1,500: a 5.333, b 2.667 → floors 5, 2; the seat left to b (.667).
    const m = apportion(named(1000, 500, 30, 20), { method: 'hare', seats: 10, min: 1 });
    expect(seatsOf(m)).toEqual([5, 3, 1, 1]);
    expect(m.units[0]!.share).toEqual({ num: 16n, den: 3n });
  });

  it('caps a unit at the maximum and shares the rest among the others', () => {
    // 80, 10, 10 at 10 seats, max 5: a's quota 8 > 5 → a fixed at 5; 5 among b, c: 2.5, 2.5 → floors 2, 2;
    // the seat left is a tie of equal remainders ½: equal populations, so the smaller id (b) wins.
    const r = apportion(named(80, 10, 10), { method: 'hare', seats: 10, max: 5 });
    expect(seatsOf(r)).toEqual([5, 3, 2]);
    expect(r.ties).toEqual([{ by: 'remainder', value: { num: 1n, den: 2n }, seats: 1, among: ['b', 'c'], awarded: ['b'] }]);
  });
});

describe('highest averages (divisor methods)', () => {
  it("D'Hondt (Jefferson): divisors 1, 2, 3, …", () => {
    // Quotients p/(n+1) (thousands):
    //        /1    /2    /3     /4   /5
    //   a   100    50   33.3    25   20
    //   b    80    40   26.7    20   16
    //   c    30    15   10     7.5    6
    //   d    20    10    6.7     5    4
    // The 8 largest: 100 a, 80 b, 50 a, 40 b, 33.3 a, 30 c, 26.7 b, 25 a → a 4, b 3, c 1, d 0 (next: 20, a b d, no tie).
    const r = apportion(named(...FOUR), { method: 'dhondt', seats: 8 });
    expect(seatsOf(r)).toEqual([4, 3, 1, 0]);
    expect(r.ties).toEqual([]);
  });

  it('Sainte-Laguë (Webster): divisors n + ½', () => {
    // Quotients p/(n+½) (thousands):
    //        /0.5   /1.5   /2.5   /3.5
    //   a    200    66.7    40    28.6
    //   b    160    53.3    32    22.9
    //   c     60    20      12
    //   d     40    13.3
    // The 8 largest: 200 a, 160 b, 66.7 a, 60 c, 53.3 b, 40 a, 40 d, 32 b → a 3, b 3, c 1, d 1.
    // (40 a and 40 d are equal but both win a seat: a tie that decides nothing is not reported.)
    const r = apportion(named(...FOUR), { method: 'sainte-lague', seats: 8 });
    expect(seatsOf(r)).toEqual([3, 3, 1, 1]);
    expect(r.ties).toEqual([]);
  });

  it('Sainte-Laguë: a tie for the last seat is broken by the rule and reported', () => {
    // 7, 4, 1 at 6 seats. Quotients p/(n+½): a 14, 4.67, 2.8, 2; b 8, 2.67, 1.6; c 2.
    // Five seats: 14 a, 8 b, 4.67 a, 2.8 a, 2.67 b; the sixth: 2 (a's fourth) = 2 (c's first) → a, the larger.
    const r = apportion(named(7, 4, 1), { method: 'sainte-lague', seats: 6 });
    expect(seatsOf(r)).toEqual([4, 2, 0]);
    expect(r.ties).toEqual([{ by: 'quotient', value: { num: 2n, den: 1n }, seats: 1, among: ['a', 'c'], awarded: ['a'] }]);
    // The same tie by lot: the order drawn with seed 5 puts c before a (seed 1 puts a first). Reproducible anywhere.
    const byLot = (seed: number) => apportion(named(7, 4, 1), { method: 'sainte-lague', seats: 6, tieBreak: { rule: 'lot', seed } });
    const lot = byLot(5);
    expect(lot.tieBreak).toEqual({ rule: 'lot', seed: 5 });
    expect(seatsOf(lot)).toEqual([3, 2, 1]);
    expect(lot.ties).toEqual([{ by: 'quotient', value: { num: 2n, den: 1n }, seats: 1, among: ['c', 'a'], awarded: ['c'] }]);
    expect(describeTie(lot.ties[0]!, lot.tieBreak)).toBe('1 seat tied between c, a (equal quotient 2); awarded to c — by lot (seed 5)');
    expect(seatsOf(byLot(1))).toEqual([4, 2, 0]);
  });

  it('Huntington-Hill (equal proportions): divisors √(n(n+1)), every unit with members seated first', () => {
    // Each unit starts with 1 seat (√(0·1) = 0: an infinite claim). Then p/√(n(n+1)) (thousands):
    //        /√2    /√6    /√12
    //   a   70.7   40.8    28.9
    //   b   56.6   32.7    23.1
    //   c   21.2
    //   d   14.1
    // Seats 5–8: 70.7 a, 56.6 b, 40.8 a, 32.7 b → a 3, b 3, c 1, d 1.
    // Compared exactly, squared: a's claim at n=2 beats b's at n=2 since 100²·(2·3) > 80²·(2·3).
    expect(seats(FOUR, { method: 'huntington-hill', seats: 8 })).toEqual([3, 3, 1, 1]);
    // 7, 4, 1 at 6: 1 each; claims squared p²/(n(n+1)): a 49/2, b 16/2, c 1/2 → a (now 49/6 = 8.17);
    // a 8.17 > b 8 → a (now 49/12); b 8 → b. Seats 3, 2, 1 (Hare and D'Hondt give c nothing).
    expect(seats([7, 4, 1], { method: 'huntington-hill', seats: 6 })).toEqual([3, 2, 1]);
    // 6, 6, 2 at 11: from 4, 4, 2 the claims are a, b 36/20 = 1.8, c 4/6 → a tie of a and b, broken by id.
    const r = apportion(named(6, 6, 2), { method: 'huntington-hill', seats: 11 });
    expect(seatsOf(r)).toEqual([5, 4, 2]);
    expect(r.ties).toEqual([{ by: 'quotient', seats: 1, among: ['a', 'b'], awarded: ['a'] }]);
  });

  it('Adams: divisors n (every unit with members gets a seat)', () => {
    // 1 each, then p/n (thousands): a 100, b 80 → a (now 50); b 80 → b (now 40); a 50 → a (33.3); b 40 → b.
    // a 3, b 3, c 1, d 1 — where D'Hondt gave d nothing.
    expect(seats(FOUR, { method: 'adams', seats: 8 })).toEqual([3, 3, 1, 1]);
    // 12, 5, 1 at 7: 1 each, then p/n: 12 a (→6), 6 a (→4), 5 b (→2.5), 4 a (→3) → 4, 2, 1.
    expect(seats([12, 5, 1], { method: 'adams', seats: 7 })).toEqual([4, 2, 1]);
  });

  it('seats each unit at its minimum first, then continues the sequence; a unit at its maximum takes no more', () => {
    // D'Hondt, min 1: a, b, c, d start at 1 each; then p/(n+1): 50 a, 40 b, 33.3 a, 26.7 b → a 3, b 3, c 1, d 1.
    expect(seats(FOUR, { method: 'dhondt', seats: 8, min: 1 })).toEqual([3, 3, 1, 1]);
    // D'Hondt, max 3: the sequence 100 a, 80 b, 50 a, 40 b, 33.3 a (a full), 30 c, 26.7 b (b full), 20 d (a's 25 skipped).
    expect(seats(FOUR, { method: 'dhondt', seats: 8, max: 3 })).toEqual([3, 3, 1, 1]);
  });

  it('gives a unit with population 0 no seat, whatever the minimum', () => {
    for (const method of ['hare', ...DIVISOR_METHODS] as const) {
      expect(seats([10, 0, 5], { method, seats: 4, min: 1 })[1]).toBe(0);
    }
    expect(seats([10, 0, 5], { method: 'per', per: 3, min: 3 })).toEqual([4, 0, 3]);
  });
});

describe('fixed-ratio rules', () => {
  it("Labour (rule C3.I.1.B): 1 for the first 749 members or part thereof, +1 per further 250 or part thereof, at most 6", () => {
    // 1 + ⌈max(0, p − 749)/250⌉: 749 → 1; 750 → 1 + ⌈1/250⌉ = 2; 999 → 1 + ⌈250/250⌉ = 2; 1000 → 1 + ⌈251/250⌉ = 3;
    // so a delegate is added at 750, 1000, 1250, 1500 and 1750 members, and 1750 reaches the cap of 6.
    const pops = [0, 1, 749, 750, 999, 1000, 1249, 1250, 1499, 1500, 1749, 1750, 5000];
    const r = apportion(named(...pops), { method: 'stepped', first: 749, step: 250, max: 6 });
    expect(seatsOf(r)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(r).toMatchObject({ first: 749, step: 250, max: 6, seats: 42, ties: [] });
    // Without the cap, 5000 members: 1 + ⌈4251/250⌉ = 1 + 18 = 19.
    expect(seats([5000], { method: 'stepped', first: 749, step: 250 })).toEqual([19]);
  });

  it("UNISON: 1 per 1,000 members or part thereof; CSU: 1 per started 200", () => {
    // ⌈p/1000⌉: 1 → 1, 1000 → 1, 1001 → 2, 2500 → 3.
    expect(seats([0, 1, 999, 1000, 1001, 2500], { method: 'per', per: 1000 })).toEqual([0, 1, 1, 1, 2, 3]);
    expect(seats([199, 200, 201, 400, 401], { method: 'per', per: 200 })).toEqual([1, 1, 2, 2, 3]);
    const r = apportion(named(1000, 1001), { method: 'per', per: 1000, max: 1 });
    expect(r).toMatchObject({ seats: 2, per: 1000 });
    // The quota shown is each unit's proportional share of the seats that resulted: 1000·2/2001.
    expect(r.units[0]!.quota).toEqual({ num: 2000n, den: 2001n });
  });
});

describe('refusals name the field and the rule', () => {
  const cases: Array<[string, PopulationEntry[], ApportionmentOptions, string, RegExp]> = [
    ['no units', [], { method: 'hare', seats: 3 }, 'units', /no units/],
    ['a duplicate id', [{ id: 'a', population: 1 }, { id: 'a', population: 2 }], { method: 'hare', seats: 3 }, 'id', /unit id 'a' appears more than once/],
    ['a fractional population', [{ id: 'a', population: 12.5 }], { method: 'hare', seats: 3 }, 'population', /population of unit 'a' must be a whole number ≥ 0.*got 12\.5/],
    ['a negative population', [{ id: 'a', population: -1 }], { method: 'hare', seats: 3 }, 'population', /whole number ≥ 0/],
    ['a population past 2^53', [{ id: 'a', population: 2n ** 60n }], { method: 'hare', seats: 3 }, 'population', /at most 9007199254740991/],
    ['total population 0', named(0, 0), { method: 'dhondt', seats: 3 }, 'population', /total population is 0, so 3 seats cannot be apportioned/],
    ['seats below the minimums', named(5, 5, 5), { method: 'hare', seats: 5, min: 2 }, 'seats', /seats \(5\) is less than the minimums require \(3 units with population > 0 × min 2 = 6\)/],
    ['seats above the caps', named(5, 5, 0), { method: 'sainte-lague', seats: 7, max: 3 }, 'seats', /seats \(7\) exceed what the cap allows \(2 units with population > 0 × max 3 = 6\)/],
    ['Adams with fewer seats than units', named(5, 4, 3, 0), { method: 'adams', seats: 2 }, 'seats', /adams gives every unit with population > 0 at least one seat.*seats \(2\) must be at least the number of such units \(3\)/],
    ['Huntington-Hill likewise', named(5, 4, 3), { method: 'huntington-hill', seats: 2 }, 'seats', /huntington-hill gives every unit/],
    ['max below min', named(5), { method: 'hare', seats: 3, min: 3, max: 2 }, 'max', /max \(2\) is less than min \(3\)/],
    ['no seats for a proportional method', named(5), { method: 'dhondt' }, 'seats', /method dhondt needs seats: the total to share/],
    ['a negative number of seats', named(5), { method: 'dhondt', seats: -1 }, 'seats', /seats must be a whole number ≥ 0, got -1/],
    ['stepped without its step', named(5), { method: 'stepped', first: 749 }, 'step', /method stepped needs step/],
    ['seats for a fixed-ratio rule', named(5), { method: 'per', per: 10, seats: 3 }, 'seats', /seats applies only to the proportional methods.*per derives the seats/],
    ['per 0', named(5), { method: 'per', per: 0 }, 'per', /per must be a whole number ≥ 1/],
    ['step for another method', named(5), { method: 'hare', seats: 1, step: 3 }, 'step', /step applies only to method stepped/],
    ['an unknown method', named(5), { method: 'borda' as never, seats: 1 }, 'method', /method must be one of hare, dhondt/],
    ['a lot without a usable seed', named(5), { method: 'hare', seats: 1, tieBreak: { rule: 'lot', seed: -1 } }, 'seed', /seed must be a whole number from 0/],
  ];
  for (const [name, entries, options, field, message] of cases) {
    it(name, () => {
      const e = refusal(entries, options);
      expect(e.code).toBe('invalid_input');
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    });
  }
});

describe('decimal rendering', () => {
  it('rounds the exact fraction half up to fixed digits', () => {
    expect(formatDecimal({ num: 10n, den: 3n }, 3)).toBe('3.333');
    expect(formatDecimal({ num: 2n, den: 3n }, 4)).toBe('0.6667');
    expect(formatDecimal({ num: 1n, den: 2n }, 0)).toBe('1');
    expect(formatDecimal({ num: 5n, den: 1n }, 2)).toBe('5.00');
    expect(formatDecimal({ num: 1n, den: 8n }, 2)).toBe('0.13');
    expect(formatDecimal({ num: -1n, den: 8n }, 2)).toBe('-0.13');
    expect(formatDecimal({ num: 1n, den: 3000n }, 2)).toBe('0.00');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Properties.

const PROPORTIONAL = ['hare', ...DIVISOR_METHODS] as const;
type Proportional = (typeof PROPORTIONAL)[number];

/** 1–12 units, populations 0–5,000 (some zero, some equal, so ties happen). */
const unitsArb = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(0, 1, 6, 100, 1000)), { minLength: 1, maxLength: 12 })
  .map((pops) => pops.map((population, i) => ({ id: `u${i}`, population })));

const tieBreakArb: fc.Arbitrary<TieBreak> = fc.oneof(
  fc.constant({ rule: 'larger-population-then-id' } as const),
  fc.integer({ min: 0, max: 0xffffffff }).map((seed) => ({ rule: 'lot', seed }) as const),
);

/** A feasible problem: seats within what the minimums, caps and (for Adams / Huntington-Hill) first seats allow. */
const problemArb = fc
  .record({
    units: unitsArb,
    method: fc.constantFrom(...PROPORTIONAL),
    min: fc.integer({ min: 0, max: 3 }),
    extra: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    pick: fc.integer({ min: 0, max: 1_000_000 }),
    tieBreak: tieBreakArb,
  })
  .filter(({ units }) => units.some((u) => u.population > 0))
  .map(({ units, method, min, extra, pick, tieBreak }) => {
    const occupied = units.filter((u) => u.population > 0).length;
    const max = extra === undefined ? undefined : Math.max(min, 1) + extra;
    const least = occupied * (method === 'adams' || method === 'huntington-hill' ? Math.max(min, 1) : min);
    const most = max === undefined ? least + 60 : occupied * max;
    return { units, options: { method, seats: least + (pick % (most - least + 1)), min, ...(max === undefined ? {} : { max }), tieBreak } };
  });

const cmp = (a: Fraction, b: Fraction) => Math.sign(Number(a.num * b.den - b.num * a.den));
const floorOf = (f: Fraction) => f.num / f.den;
const ceilOf = (f: Fraction) => (f.num + f.den - 1n) / f.den;

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** p/d(n) for the divisor methods, squared for Huntington-Hill; den 0 is an infinite claim. */
function claim(method: DivisorMethod, p: bigint, n: number): Fraction {
  const b = BigInt(n);
  return { dhondt: { num: p, den: b + 1n }, 'sainte-lague': { num: 2n * p, den: 2n * b + 1n }, adams: { num: p, den: b }, 'huntington-hill': { num: p * p, den: b * (b + 1n) } }[method];
}
const beats = (a: Fraction, b: Fraction) => a.num * b.den > b.num * a.den;

describe('properties', () => {
  it('every proportional method gives seats summing to the total, within the minimum and the maximum', () => {
    fc.assert(
      fc.property(problemArb, ({ units, options }) => {
        const r = apportion(units, options);
        expect(r.seats).toBe(options.seats);
        expect(seatsOf(r).reduce((a, b) => a + b, 0)).toBe(options.seats);
        for (const u of r.units) {
          if (u.population === 0n) expect(u.seats).toBe(0);
          else {
            expect(u.seats).toBeGreaterThanOrEqual(options.min);
            if (options.max !== undefined) expect(u.seats).toBeLessThanOrEqual(options.max);
            if (options.method === 'adams' || options.method === 'huntington-hill') expect(u.seats).toBeGreaterThanOrEqual(1);
          }
        }
        for (const t of r.ties) {
          expect(t.awarded.length).toBe(t.seats);
          expect(t.among.length).toBeGreaterThan(t.seats);
          expect(t.awarded.every((id) => t.among.includes(id))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('D\'Hondt, Sainte-Laguë, Huntington-Hill and Adams are house-monotone: one more seat never takes one away (no Alabama paradox)', () => {
    fc.assert(
      fc.property(problemArb, fc.constantFrom(...DIVISOR_METHODS), ({ units, options }, method) => {
        const o = { ...options, method };
        const occupied = units.filter((u) => u.population > 0).length;
        const least = occupied * (method === 'adams' || method === 'huntington-hill' ? Math.max(o.min, 1) : o.min);
        const seats = Math.max(o.seats, least);
        if (o.max !== undefined && seats + 1 > occupied * o.max) return;
        const before = seatsOf(apportion(units, { ...o, seats }));
        const after = seatsOf(apportion(units, { ...o, seats: seats + 1 }));
        after.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(before[i]!));
      }),
      { numRuns: 500 },
    );
  });

  it('Hare can show the Alabama paradox (it is not house-monotone): 6, 6, 2 at 10 and 11 seats', () => {
    const ten = seats([6, 6, 2], { method: 'hare', seats: 10 });
    const eleven = seats([6, 6, 2], { method: 'hare', seats: 11 });
    expect(eleven[2]).toBeLessThan(ten[2]!);
  });

  it('the divisor methods are what they say: every claim that won a seat ≥ every claim that did not', () => {
    fc.assert(
      fc.property(problemArb, fc.constantFrom(...DIVISOR_METHODS), ({ units, options }, method) => {
        const occupied = units.filter((u) => u.population > 0).length;
        const base = method === 'adams' || method === 'huntington-hill' ? Math.max(options.min, 1) : options.min;
        const r = apportion(units, { ...options, method, seats: Math.max(options.seats, occupied * base) });
        const live = r.units.filter((u) => u.population > 0n);
        // The weakest claim that won (a seat beyond the base) and the strongest that lost (a unit below its cap).
        const won = live.filter((u) => u.seats > base).map((u) => claim(method, u.population, u.seats - 1));
        const lost = live.filter((u) => options.max === undefined || u.seats < options.max).map((u) => claim(method, u.population, u.seats));
        for (const w of won) for (const l of lost) expect(beats(l, w)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('Hare keeps to quota: each unit gets its quota rounded down or up (its share, when a bound binds)', () => {
    fc.assert(
      fc.property(problemArb, ({ units, options }) => {
        const free = apportion(units, { method: 'hare', seats: options.seats, tieBreak: options.tieBreak });
        for (const u of free.units) {
          expect(u.share).toEqual(u.quota);
          expect(BigInt(u.seats) >= floorOf(u.quota) && BigInt(u.seats) <= ceilOf(u.quota)).toBe(true);
        }
        const bounded = apportion(units, { ...options, method: 'hare' });
        const total = bounded.units.reduce((acc, u) => ({ num: acc.num * u.share!.den + u.share!.num * acc.den, den: acc.den * u.share!.den }), { num: 0n, den: 1n });
        expect(total.num).toBe(BigInt(options.seats) * total.den);
        for (const u of bounded.units) {
          expect(BigInt(u.seats) >= floorOf(u.share!) && BigInt(u.seats) <= ceilOf(u.share!)).toBe(true);
        }
        // The seats left after the floors went to the largest remainders: every remainder that won ≥ every one that lost.
        const rem = (f: Fraction): Fraction => ({ num: f.num % f.den, den: f.den });
        const fractional = bounded.units.filter((u) => u.share!.num % u.share!.den !== 0n);
        const won = fractional.filter((u) => BigInt(u.seats) > floorOf(u.share!)).map((u) => rem(u.share!));
        const lost = fractional.filter((u) => BigInt(u.seats) === floorOf(u.share!)).map((u) => rem(u.share!));
        for (const w of won) for (const l of lost) expect(cmp(l, w)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('Hare with a minimum is the fixed point of "fix the units below the minimum, re-apportion the rest, repeat"', () => {
    fc.assert(
      fc.property(problemArb, ({ units, options }) => {
        const { seats: S, min } = options;
        const r = apportion(units, { method: 'hare', seats: S, min, tieBreak: options.tieBreak });
        // The iteration, in fractions: fixed units get min; the others p·S'/P'.
        const fixed = new Set(units.filter((u) => u.population === 0).map((u) => u.id));
        const share = new Map<string, Fraction>();
        for (;;) {
          const freeUnits = units.filter((u) => !fixed.has(u.id));
          const left = BigInt(S - (fixed.size - units.filter((u) => u.population === 0).length) * min);
          const P = freeUnits.reduce((a, u) => a + BigInt(u.population), 0n);
          const below = freeUnits.filter((u) => P === 0n || BigInt(u.population) * left < BigInt(min) * P);
          for (const u of freeUnits) share.set(u.id, P === 0n ? { num: BigInt(min), den: 1n } : { num: BigInt(u.population) * left, den: P });
          if (below.length === 0 || P === 0n) break;
          for (const u of below) fixed.add(u.id);
        }
        for (const u of r.units) {
          const want = u.population === 0n ? { num: 0n, den: 1n } : fixed.has(u.id) ? { num: BigInt(min), den: 1n } : share.get(u.id)!;
          expect(cmp(u.share!, want)).toBe(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order of the input (ties are broken by population and id, or by the seeded lot)', () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 0, max: 2 ** 30 }), ({ units, options }, seed) => {
        const bySeats = (r: Apportionment) => Object.fromEntries(r.units.map((u) => [u.id, u.seats]));
        const a = apportion(units, options);
        const b = apportion(shuffled(units, seed), options);
        expect(bySeats(b)).toEqual(bySeats(a));
        expect(b.ties).toEqual(a.ties);
        expect(b.units.map((u) => u.id)).toEqual(shuffled(units, seed).map((u) => u.id)); // the output keeps the input order
      }),
      { numRuns: 300 },
    );
  });

  it('reports a tie whenever the tie-break rule decided a seat', () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 0, max: 0xffffffff }), ({ units, options }, seed) => {
        const a = apportion(units, { ...options, tieBreak: { rule: 'larger-population-then-id' } });
        const b = apportion(units, { ...options, tieBreak: { rule: 'lot', seed } });
        if (seatsOf(a).some((s, i) => s !== seatsOf(b)[i])) {
          expect(a.ties).toHaveLength(1);
          expect(b.ties).toHaveLength(1);
          expect(b.ties[0]!.among.slice().sort()).toEqual(a.ties[0]!.among.slice().sort());
        }
        if (a.ties.length === 0) expect(b.ties).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('scaling every population by the same factor changes nothing', () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 2, max: 1000 }), ({ units, options }, c) => {
        const scaled = units.map((u) => ({ ...u, population: u.population * c }));
        const a = apportion(units, options);
        const b = apportion(scaled, options);
        expect(seatsOf(b)).toEqual(seatsOf(a));
        expect(b.units.map((u) => u.quota)).toEqual(a.units.map((u) => u.quota));
      }),
      { numRuns: 300 },
    );
  });

  it('the fixed-ratio rules are monotone in the population and respect the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 10 }), (p, a, b, cap) => {
        const at = (q: number) => seats([q, q + 1], { method: 'stepped', first: a, step: b, max: cap });
        const [s, s1] = at(p);
        expect(s1!).toBeGreaterThanOrEqual(s!);
        expect(s1! - s!).toBeLessThanOrEqual(1);
        expect(s!).toBeLessThanOrEqual(cap);
        // Uncapped, p ≥ 1 members get exactly the seats whose thresholds 1, a+1, a+b+1, … they reach.
        const [u] = seats([p], { method: 'stepped', first: a, step: b });
        expect(u).toBe(p === 0 ? 0 : p <= a ? 1 : 1 + Math.ceil((p - a) / b));
        const [per] = seats([p], { method: 'per', per: b });
        expect(per! * b >= p && (per! - 1) * b < Math.max(p, 1)).toBe(true);
      }),
    );
  });
});
