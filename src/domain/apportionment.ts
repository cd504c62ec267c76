/**
 * Delegate apportionment: how many seats (delegates) each unit gets from its population (members), by a named method.
 * The rules, with worked examples, are in docs/apportionment.md.
 *
 * Every comparison is exact integer arithmetic on bigint: a quota p·S/P is a fraction, a highest-averages priority
 * p/d(n) is compared with another by cross-multiplying, Huntington-Hill's √(n(n+1)) is compared squared. Floating
 * point would let rounding decide a seat.
 *
 * - Proportional methods, given a total S: `hare` (largest remainder, Hare-Niemeyer) and the divisor methods
 *   `dhondt` (Jefferson, d(n) = n+1), `sainte-lague` (Webster, n+½), `huntington-hill` (equal proportions, √(n(n+1)))
 *   and `adams` (d(n) = n).
 * - Fixed-ratio rules, no total: `per` ("1 per N members or part thereof": ⌈p/N⌉) and `stepped` ("1 for the first A,
 *   +1 per further B or part thereof": 1 + ⌈max(0, p−A)/B⌉; Labour rule C3.I.1.B is first 749, step 250, max 6).
 * - A unit with population 0 gets 0 seats under every method, whatever the minimum: it has no one to send.
 * - `min` / `max` bound every unit with population > 0. Divisor methods seat every unit at its minimum first and then
 *   continue the sequence (a unit at `max` takes no more seats). Hare gives each unit the share clamp(p·λ, min, max),
 *   with the one λ that makes the shares sum to S (the fixed point of "fix the units below the minimum at the minimum,
 *   those above the maximum at the maximum, re-apportion the rest, repeat"), then floors and largest remainders.
 * - Ties are broken by a stated rule, and a tie that decided a seat is reported in the result.
 */
import { DomainError } from './errors.ts';
import { gcd, type Fraction } from './fraction.ts';
import { mulberry32 } from './random.ts';

/** The largest assembly apportioned: seats are handed out one at a time. */
export const MAX_SEATS = 1_000_000;

export const APPORTIONMENT_METHODS = ['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams', 'per', 'stepped'] as const;
export type ApportionmentMethod = (typeof APPORTIONMENT_METHODS)[number];

/** The methods that share a given total of seats; `per` and `stepped` derive the total from the populations. */
export const PROPORTIONAL_METHODS = ['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams'] as const;
export type ProportionalMethod = (typeof PROPORTIONAL_METHODS)[number];
export type DivisorMethod = Exclude<ProportionalMethod, 'hare'>;
export const DIVISOR_METHODS: readonly DivisorMethod[] = ['dhondt', 'sainte-lague', 'huntington-hill', 'adams'];

export const TIE_BREAK_RULES = ['larger-population-then-id', 'lot'] as const;
/**
 * - `larger-population-then-id`: the unit with the larger population wins; equal populations, the smaller id (plain
 *   string comparison, by UTF-16 code units, independent of locale).
 * - `lot`: one order of all units is drawn in advance from the seed — Fisher–Yates over the units sorted by id, with
 *   mulberry32(seed) — and the unit earlier in it wins. The same seed gives the same draw on every machine.
 */
export type TieBreak = { rule: 'larger-population-then-id' } | { rule: 'lot'; seed: number };
export const DEFAULT_TIE_BREAK: TieBreak = { rule: 'larger-population-then-id' };

export interface PopulationEntry {
  id: string;
  /** A whole number ≥ 0 (at most 2^53 − 1). */
  population: number | bigint;
}

export interface ApportionmentOptions {
  method: ApportionmentMethod;
  /** The total to share (proportional methods only). */
  seats?: number;
  /** The fewest seats a unit with population > 0 gets (default 0). */
  min?: number;
  /** The most seats a unit gets (no cap by default); for `stepped` the "at most C". */
  max?: number;
  /** `per`: one seat per this many members or part thereof. */
  per?: number;
  /** `stepped`: the first seat covers this many members… */
  first?: number;
  /** …and every further this many (or part thereof) add one. */
  step?: number;
  tieBreak?: TieBreak;
}

export interface ApportionedUnit {
  id: string;
  population: bigint;
  /** The Hare quota p·S/P (S the seats apportioned, P the total population), exact. */
  quota: Fraction;
  /** Hare only: the share the seats were rounded from, clamp(p·λ, min, max) — the quota when no bound binds. */
  share?: Fraction;
  seats: number;
}

/** A tie that decided seats: `among` had equal claims (in the tie-break's order), `awarded` got the contested seats. */
export interface BrokenTie {
  /** What was equal: the remainders (hare) or the divisor-method quotients p/d(n). */
  by: 'remainder' | 'quotient';
  /** The equal value (absent for huntington-hill, whose quotients are irrational). */
  value?: Fraction;
  seats: number;
  among: string[];
  awarded: string[];
}

export interface Apportionment {
  method: ApportionmentMethod;
  /** Seats apportioned (the given total for proportional methods, the sum for `per` / `stepped`). */
  seats: number;
  population: bigint;
  min: number;
  max?: number;
  per?: number;
  first?: number;
  step?: number;
  tieBreak: TieBreak;
  ties: BrokenTie[];
  /** In the order given. */
  units: ApportionedUnit[];
}

const MAX_POPULATION = BigInt(Number.MAX_SAFE_INTEGER);

function bad(field: string, message: string): DomainError {
  return new DomainError('invalid_input', message, { field });
}

function wholeNumber(field: string, v: unknown, least: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < least) throw bad(field, `${field} must be a whole number ≥ ${least}, got ${String(v)}`);
  return v;
}

export function fraction(num: bigint, den: bigint): Fraction {
  if (den === 0n) throw new RangeError('zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num < 0n ? -num : num, den);
  return { num: num / g, den: den / g };
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b; // a ≥ 0, b > 0

/** Apportions seats among units. Throws a DomainError naming the field and the rule when the input cannot be. */
export function apportion(entries: readonly PopulationEntry[], options: ApportionmentOptions): Apportionment {
  const { method } = options;
  if (!(APPORTIONMENT_METHODS as readonly string[]).includes(method)) {
    throw bad('method', `method must be one of ${APPORTIONMENT_METHODS.join(', ')}, got '${String(method)}'`);
  }
  const units = checkUnits(entries);
  const min = options.min === undefined ? 0 : wholeNumber('min', options.min, 0);
  const max = options.max === undefined ? undefined : wholeNumber('max', options.max, 1);
  if (max !== undefined && max < min) throw bad('max', `max (${max}) is less than min (${min})`);
  const tieBreak = checkTieBreak(options.tieBreak ?? DEFAULT_TIE_BREAK);
  const proportional = (PROPORTIONAL_METHODS as readonly string[]).includes(method);
  const onlyFor = (field: 'seats' | 'per' | 'first' | 'step', methods: string) => {
    if (options[field] !== undefined) throw bad(field, `${field} applies only to ${methods}, not to method ${method}`);
  };
  if (method !== 'per') onlyFor('per', 'method per');
  if (method !== 'stepped') {
    onlyFor('first', 'method stepped');
    onlyFor('step', 'method stepped');
  }
  if (!proportional) onlyFor('seats', `the proportional methods (${PROPORTIONAL_METHODS.join(', ')}); ${method} derives the seats from the populations`);

  const pops = units.map((u) => u.population);
  const total = pops.reduce((a, b) => a + b, 0n);
  const rank = tieBreakRanks(units, tieBreak);
  const common = { method, min, ...(max === undefined ? {} : { max }), tieBreak };

  if (method === 'per' || method === 'stepped') {
    const needs = (field: 'per' | 'first' | 'step', what: string) => {
      if (options[field] === undefined) throw bad(field, `method ${method} needs ${field}: ${what}`);
    };
    if (method === 'per') needs('per', 'one seat per that many members or part thereof');
    else {
      needs('first', 'the members the first seat covers');
      needs('step', 'the members each further seat covers');
    }
    const per = method === 'per' ? BigInt(wholeNumber('per', options.per, 1)) : 0n;
    const first = method === 'stepped' ? BigInt(wholeNumber('first', options.first, 1)) : 0n;
    const step = method === 'stepped' ? BigInt(wholeNumber('step', options.step, 1)) : 0n;
    const seats = pops.map((p) => {
      if (p === 0n) return 0;
      // per: "1 per N or part thereof"; stepped: "1 for the first A (or part thereof), +1 per further B or part thereof".
      let n = method === 'per' ? ceilDiv(p, per) : 1n + (p > first ? ceilDiv(p - first, step) : 0n);
      if (n < BigInt(min)) n = BigInt(min);
      if (max !== undefined && n > BigInt(max)) n = BigInt(max);
      return Number(n);
    });
    const sum = seats.reduce((a, b) => a + b, 0);
    return {
      ...common,
      seats: sum,
      population: total,
      ...(method === 'per' ? { per: Number(per) } : { first: Number(first), step: Number(step) }),
      ties: [],
      units: units.map((u, i) => ({ id: u.id, population: u.population, quota: quotaOf(u.population, sum, total), seats: seats[i]! })),
    };
  }

  if (options.seats === undefined) throw bad('seats', `method ${method} needs seats: the total to share`);
  const S = wholeNumber('seats', options.seats, 0);
  // Seats are handed out one at a time (O(S log n)); no assembly has more than this.
  if (S > MAX_SEATS) throw bad('seats', `seats (${S}) must be at most ${MAX_SEATS.toLocaleString('en')}`);
  const occupied = pops.filter((p) => p > 0n).length;
  if (total === 0n && S > 0) throw bad('population', `the total population is 0, so ${S} seats cannot be apportioned`);
  // Adams and Huntington-Hill divide by 0 for a unit's first seat (d(0) = 0, √(0·1) = 0): its claim is infinite,
  // so every unit with members gets one before any unit gets a second.
  const base = method === 'adams' || method === 'huntington-hill' ? Math.max(min, 1) : min;
  if (base > min && S < occupied) {
    throw bad('seats', `${method} gives every unit with population > 0 at least one seat (its first divisor is 0): seats (${S}) must be at least the number of such units (${occupied})`);
  }
  if (S < occupied * min) throw bad('seats', `seats (${S}) is less than the minimums require (${occupied} units with population > 0 × min ${min} = ${occupied * min})`);
  if (max !== undefined && S > occupied * max) {
    throw bad('seats', `seats (${S}) exceed what the cap allows (${occupied} units with population > 0 × max ${max} = ${occupied * max})`);
  }

  const result = method === 'hare' ? largestRemainder(pops, S, min, max, rank) : highestAverages(method, pops, S, base, max, rank);
  const idOf = (i: number) => units[i]!.id;
  return {
    ...common,
    seats: S,
    population: total,
    ties: result.ties.map((t) => ({ ...t, among: t.among.map(idOf), awarded: t.awarded.map(idOf) })),
    units: units.map((u, i) => ({
      id: u.id,
      population: u.population,
      quota: quotaOf(u.population, S, total),
      ...(result.shares ? { share: result.shares[i]! } : {}),
      seats: result.seats[i]!,
    })),
  };
}

function quotaOf(p: bigint, seats: number, total: bigint): Fraction {
  return total === 0n ? { num: 0n, den: 1n } : fraction(p * BigInt(seats), total);
}

function checkUnits(entries: readonly PopulationEntry[]): Array<{ id: string; population: bigint }> {
  if (!Array.isArray(entries) || entries.length === 0) throw bad('units', 'there are no units to apportion seats among');
  const seen = new Set<string>();
  return entries.map((e, i) => {
    const id = e?.id;
    if (typeof id !== 'string' || id === '') throw bad('id', `unit ${i + 1}: id must be a non-empty string`);
    if (seen.has(id)) throw bad('id', `unit id '${id}' appears more than once`);
    seen.add(id);
    const p = e.population;
    const whole = typeof p === 'bigint' ? p : typeof p === 'number' && Number.isSafeInteger(p) ? BigInt(p) : undefined;
    if (whole === undefined || whole < 0n || whole > MAX_POPULATION) {
      throw bad('population', `population of unit '${id}' must be a whole number ≥ 0 (at most ${Number.MAX_SAFE_INTEGER}), got ${String(p)}`);
    }
    return { id, population: whole };
  });
}

function checkTieBreak(t: TieBreak): TieBreak {
  if (t?.rule === 'larger-population-then-id') return { rule: t.rule };
  if (t?.rule === 'lot') {
    if (!Number.isSafeInteger(t.seed) || t.seed < 0 || t.seed > 0xffffffff) throw bad('seed', `the lot's seed must be a whole number from 0 to 4294967295, got ${String(t.seed)}`);
    return { rule: 'lot', seed: t.seed };
  }
  throw bad('tieBreak', `the tie-break rule must be one of ${TIE_BREAK_RULES.join(', ')}, got '${String((t as { rule?: unknown })?.rule)}'`);
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** rank[i]: unit i's place in the tie-break order (lower wins). A total order, independent of the input order. */
function tieBreakRanks(units: ReadonlyArray<{ id: string; population: bigint }>, t: TieBreak): number[] {
  const idx = units.map((_, i) => i);
  if (t.rule === 'larger-population-then-id') {
    idx.sort((a, b) => {
      const pa = units[a]!.population;
      const pb = units[b]!.population;
      return pa !== pb ? (pa > pb ? -1 : 1) : byId(units[a]!.id, units[b]!.id);
    });
  } else {
    idx.sort((a, b) => byId(units[a]!.id, units[b]!.id));
    const rng = mulberry32(t.seed);
    for (let i = idx.length - 1; i > 0; i--) {
      // mulberry32 yields k / 2^32 exactly; recover k so the draw is integer arithmetic.
      const j = (rng() * 4294967296) % (i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
  }
  const rank = new Array<number>(units.length);
  idx.forEach((u, r) => (rank[u] = r));
  return rank;
}

interface RawResult {
  seats: number[];
  shares?: Fraction[];
  ties: Array<Omit<BrokenTie, 'among' | 'awarded'> & { among: number[]; awarded: number[] }>;
}

/**
 * Hare-Niemeyer with bounds. Share_i = clamp(p_i·λ, min, max) for the λ with Σ share_i = S (λ = S/P without bounds,
 * so share = quota); floors first, the seats left to the largest remainders.
 */
function largestRemainder(pops: bigint[], seats: number, min: number, max: number | undefined, rank: number[]): RawResult {
  const S = BigInt(seats);
  const lo = BigInt(min);
  const hi = max === undefined ? undefined : BigInt(max);
  const live = pops.map((_, i) => i).filter((i) => pops[i]! > 0n);
  const lambda = solveLambda(live.map((i) => pops[i]!), S, lo, hi);

  const shares: Fraction[] = pops.map(() => ({ num: 0n, den: 1n }));
  const floors = pops.map(() => 0n);
  const remainders = pops.map(() => 0n); // over the common denominator lambda.den
  for (const i of live) {
    const num = pops[i]! * lambda.num;
    if (num <= lo * lambda.den) (shares[i] = { num: lo, den: 1n }), (floors[i] = lo);
    else if (hi !== undefined && num >= hi * lambda.den) (shares[i] = { num: hi, den: 1n }), (floors[i] = hi);
    else {
      shares[i] = fraction(num, lambda.den);
      floors[i] = num / lambda.den;
      remainders[i] = num % lambda.den;
    }
  }
  const seatsOf = floors.map(Number);
  const left = seats - seatsOf.reduce((a, b) => a + b, 0);
  const order = live.filter((i) => remainders[i]! > 0n).sort((a, b) => (remainders[a] !== remainders[b] ? (remainders[a]! > remainders[b]! ? -1 : 1) : rank[a]! - rank[b]!));
  // Σ shares = S, so the seats left are Σ of fractional parts < the number of units having one: never short.
  for (const i of order.slice(0, left)) seatsOf[i]! += 1;
  const ties: RawResult['ties'] = [];
  if (left > 0 && left < order.length) {
    const last = remainders[order[left - 1]!]!;
    if (remainders[order[left]!] === last) {
      const among = order.filter((i) => remainders[i] === last);
      const awarded = among.filter((i) => order.indexOf(i) < left);
      ties.push({ by: 'remainder', value: fraction(last, lambda.den), seats: awarded.length, among, awarded });
    }
  }
  return { seats: seatsOf, shares, ties };
}

/**
 * The λ ≥ 0 with Σ clamp(p·λ, lo, hi) = S (lo·k ≤ S ≤ hi·k checked by the caller). g(λ) = Σ clamp is continuous,
 * non-decreasing and linear between the breakpoints lo/p and hi/p; sweep them in order until g reaches S.
 */
function solveLambda(pops: bigint[], S: bigint, lo: bigint, hi: bigint | undefined): Fraction {
  const k = BigInt(pops.length);
  let A = k * lo; // the clamped units' seats
  let B = 0n; // the free units' population: g(λ) = A + λ·B on the current segment
  if (A >= S) return { num: 0n, den: 1n };
  const events: Array<{ at: Fraction; p: bigint; freed: boolean }> = [];
  for (const p of pops) {
    events.push({ at: fraction(lo, p), p, freed: true });
    if (hi !== undefined) events.push({ at: fraction(hi, p), p, freed: false });
  }
  const cmp = (x: Fraction, y: Fraction) => {
    const l = x.num * y.den;
    const r = y.num * x.den;
    return l < r ? -1 : l > r ? 1 : 0;
  };
  events.sort((x, y) => cmp(x.at, y.at));
  for (const e of events) {
    if (B > 0n && A * e.at.den + e.at.num * B >= S * e.at.den) return fraction(S - A, B);
    if (e.freed) (A -= lo), (B += e.p);
    else (A += hi!), (B -= e.p);
  }
  return fraction(S - A, B); // no cap: every unit free past the last breakpoint (B > 0)
}

/** A priority p/d(n) as num/den (den 0 would be infinite; never reached, units start at their base seats). */
function priority(method: DivisorMethod, p: bigint, n: number): Fraction {
  const b = BigInt(n);
  switch (method) {
    case 'dhondt':
      return { num: p, den: b + 1n };
    case 'sainte-lague':
      return { num: 2n * p, den: 2n * b + 1n };
    case 'adams':
      return { num: p, den: b };
    case 'huntington-hill':
      // p/√(n(n+1)) compared squared: p_a²·n_b(n_b+1) vs p_b²·n_a(n_a+1).
      return { num: p * p, den: b * (b + 1n) };
  }
}

/**
 * Highest averages: every unit with members starts at `base` seats (its minimum; at least 1 for adams and
 * huntington-hill), then each further seat goes to the unit with the greatest p/d(n), ties by rank; a unit at `max`
 * takes no more. A binary heap makes it O(S log k).
 */
function highestAverages(method: DivisorMethod, pops: bigint[], seats: number, base: number, max: number | undefined, rank: number[]): RawResult {
  const n = pops.map((p) => (p > 0n ? base : 0));
  const prio = pops.map((p, i) => priority(method, p, n[i]!));
  const before = (a: number, b: number) => {
    const l = prio[a]!.num * prio[b]!.den;
    const r = prio[b]!.num * prio[a]!.den;
    return l !== r ? l > r : rank[a]! < rank[b]!;
  };
  const heap: number[] = [];
  const push = (i: number) => {
    heap.push(i);
    for (let c = heap.length - 1; c > 0; ) {
      const parent = (c - 1) >> 1;
      if (!before(heap[c]!, heap[parent]!)) break;
      [heap[c], heap[parent]] = [heap[parent]!, heap[c]!];
      c = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let c = 0; ; ) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === c) break;
        [heap[c], heap[m]] = [heap[m]!, heap[c]!];
        c = m;
      }
    }
    return top;
  };
  const open = (i: number) => pops[i]! > 0n && (max === undefined || n[i]! < max);
  pops.forEach((_, i) => open(i) && push(i));

  let left = seats - n.reduce((a, b) => a + b, 0);
  let lastValue: Fraction | undefined;
  let run: number[] = []; // the units that won a seat at exactly lastValue (the end of the sequence)
  const equal = (x: Fraction, y: Fraction) => x.num * y.den === y.num * x.den;
  for (; left > 0; left--) {
    const i = pop(); // never empty: S ≤ k·max was checked
    const value = prio[i]!;
    if (lastValue && equal(value, lastValue)) run.push(i);
    else (lastValue = value), (run = [i]);
    n[i]! += 1;
    prio[i] = priority(method, pops[i]!, n[i]!);
    if (open(i)) push(i);
  }
  const ties: RawResult['ties'] = [];
  if (lastValue) {
    const losers = heap.filter((i) => equal(prio[i]!, lastValue));
    if (losers.length > 0) {
      const among = [...run, ...losers].sort((a, b) => rank[a]! - rank[b]!);
      const value = method === 'huntington-hill' ? {} : { value: fraction(lastValue.num, lastValue.den) };
      ties.push({ by: 'quotient', ...value, seats: run.length, among, awarded: [...run].sort((a, b) => rank[a]! - rank[b]!) });
    }
  }
  return { seats: n, ties };
}

/** An exact fraction as a decimal with `digits` places, rounded half up: 10/3 → "3.333". */
export function formatDecimal(f: Fraction, digits = 4): string {
  const negative = f.num < 0n !== f.den < 0n;
  const num = f.num < 0n ? -f.num : f.num;
  const den = f.den < 0n ? -f.den : f.den;
  const scaled = (num * 10n ** BigInt(digits) * 2n + den) / (2n * den);
  const text = scaled.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const sign = negative && scaled !== 0n ? '-' : '';
  return digits > 0 ? `${sign}${whole}.${text.slice(text.length - digits)}` : `${sign}${whole}`;
}

/** "60/7", or "3" when whole. */
export function formatFraction(f: Fraction): string {
  return f.den === 1n ? f.num.toString() : `${f.num}/${f.den}`;
}

export function describeTieBreak(t: TieBreak): string {
  return t.rule === 'lot' ? `by lot (seed ${t.seed})` : 'larger population first, then smaller id';
}

/** "1 seat tied between a, b (equal remainder 2/7); awarded to a — larger population first, then smaller id". */
export function describeTie(tie: BrokenTie, t: TieBreak): string {
  const value = tie.value ? ` ${formatFraction(tie.value)}` : '';
  const seats = `${tie.seats} seat${tie.seats === 1 ? '' : 's'}`;
  return `${seats} tied between ${tie.among.join(', ')} (equal ${tie.by}${value}); awarded to ${tie.awarded.join(', ')} — ${describeTieBreak(t)}`;
}
