/**
 * Exact rationals for rules given as decimals. A quorum of 0.5 means exactly 1/2, 0.333 means exactly 333/1000:
 * comparing `present >= quorum * roll` in floating point would let 0.1 + 0.2-style errors decide a meeting.
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** The exact fraction a finite decimal number denotes as written (JavaScript's shortest round-trip form). */
export function fractionFromDecimal(value: number): Fraction {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/i.exec(text);
  if (!match) throw new RangeError(`cannot read ${text} as a decimal`);
  const [, sign, intPart, fracPart = '', expPart = '0'] = match;
  let num = BigInt(`${intPart}${fracPart}`);
  let den = 10n ** BigInt(fracPart.length);
  const exp = Number(expPart);
  if (exp > 0) num *= 10n ** BigInt(exp);
  if (exp < 0) den *= 10n ** BigInt(-exp);
  if (sign === '-') num = -num;
  const g = gcd(num < 0n ? -num : num, den);
  return { num: num / g, den: den / g };
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** a >= f * b, exactly. */
export function atLeastFractionOf(a: number, f: Fraction, b: number): boolean {
  return BigInt(a) * f.den >= f.num * BigInt(b);
}

/** The smallest integer n with n >= f * b: "at least 20 of 40". */
export function ceilFractionOf(f: Fraction, b: number): number {
  const prod = f.num * BigInt(b);
  const q = prod / f.den;
  return Number(q * f.den === prod ? q : q + 1n);
}
