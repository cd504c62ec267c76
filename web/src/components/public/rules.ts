/** The discussion's rules in words: which fractions have names in the catalogs. */
import { ceilFractionOf, fractionFromDecimal } from '../../../../src/domain/fraction.ts';

/** Catalog keys (public:rules.fraction.*) of the quorums people name in words; others are said as a percentage. */
const NAMED: [number, string][] = [
  [1 / 2, 'half'],
  [1 / 3, 'oneThird'],
  [2 / 3, 'twoThirds'],
  [1 / 4, 'oneQuarter'],
  [3 / 4, 'threeQuarters'],
  [1 / 5, 'oneFifth'],
];

export function quorumName(quorum: number): string | null {
  for (const [value, name] of NAMED) if (quorum === value) return name;
  return null;
}

/** The smallest attendance that is quorate in a unit of `roll` voting members — the server's exact rule. */
export function quorumFor(quorum: number, roll: number): number {
  return ceilFractionOf(fractionFromDecimal(quorum), roll);
}
