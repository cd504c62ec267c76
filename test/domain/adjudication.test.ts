/**
 * The commission's decisions as the tally sees them, as properties: striking a report changes every tally above it by
 * exactly that report's contribution; striking counts leaves exactly the counts minus what was struck, judged afresh
 * under the rules; a strike beyond what remains is refused naming the field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjudicatedReport, strikeCounts, type Adjudicated } from '../../src/domain/adjudication.ts';
import { isDomainError } from '../../src/domain/errors.ts';
import { deriveOutcome } from '../../src/domain/report.ts';
import { addInto, contributionOf, emptyTally, recount, type TallyCounts } from '../../src/domain/tally.ts';
import { discussionDef } from '../support/factories.ts';

const D = discussionDef();

/** A unit's roll and a valid report: present ≤ roll, votes + abstentions ≤ present on q1 (and q2 if given). */
const unitArb = fc.integer({ min: 1, max: 200 }).chain((roll) =>
  fc.integer({ min: 0, max: roll }).chain((present) =>
    fc
      .tuple(fc.integer({ min: 0, max: present }), fc.integer({ min: 0, max: present }), fc.integer({ min: 0, max: present }), fc.boolean())
      .map(([a, b, c, reported]) => {
        const cc = Math.min(a, present);
        const opp = Math.min(b, present - cc);
        const abstain = Math.min(c, present - cc - opp);
        return { roll, report: reported ? { present, votes: { q1: { positions: { cc, opp }, abstain } } } : null };
      }),
  ),
);

const counted = (roll: number, r: { present: number; votes: Record<string, { positions: Record<string, number>; abstain: number }> }) => ({ ...r, outcome: deriveOutcome(r, roll, D), officeSigned: false });

function minus(a: TallyCounts, b: TallyCounts): TallyCounts {
  const neg = structuredClone(b);
  for (const k of ['unitsTotal', 'unitsReported', 'unitsQuorate', 'membersTotal', 'membersReported', 'present', 'unitsOfficeSigned'] as const) neg[k] = -neg[k];
  for (const q of Object.values(neg.questions)) {
    for (const p of Object.keys(q.votes)) q.votes[p] = -q.votes[p]!;
    q.abstain = -q.abstain;
    for (const p of Object.keys(q.adopted)) q.adopted[p] = { units: -q.adopted[p]!.units, members: -q.adopted[p]!.members };
  }
  const out = structuredClone(a);
  addInto(out, neg);
  return out;
}

describe('adjudication, as properties', () => {
  it('a struck report changes the tally by exactly its contribution (it counts as not reported)', () => {
    fc.assert(
      fc.property(fc.array(unitArb, { minLength: 1, maxLength: 12 }), fc.nat(), (units, pick) => {
        const reported = units.map((u) => ({ roll: u.roll, report: u.report ? counted(u.roll, u.report) : null }));
        const k = pick % units.length;
        const struck: Adjudicated[] = [{ decision: 'strike', struck: null }];
        const adjudicated = reported.map((u, i) => {
          if (i !== k || !u.report) return u;
          const left = adjudicatedReport(u.report, u.roll, struck, D);
          return { roll: u.roll, report: left ? { ...left, officeSigned: false } : null };
        });
        const before = recount(D, reported);
        const after = recount(D, adjudicated);
        const removed = minus(contributionOf(D, reported[k]!.roll, reported[k]!.report), contributionOf(D, reported[k]!.roll, null));
        expect(after).toEqual(minus(before, removed));
      }),
    );
  });

  it('striking counts leaves the counts minus what was struck, and the outcome judged afresh', () => {
    fc.assert(
      fc.property(unitArb, fc.nat(), fc.nat(), fc.nat(), (u, s1, s2, s3) => {
        if (!u.report) return;
        const v = u.report.votes.q1;
        const cc = s1 % (v.positions.cc + 1);
        const abstain = s2 % (v.abstain + 1);
        // Strike attendance only as far as the votes left still fit.
        const leftVotes = v.positions.cc - cc + v.positions.opp + v.abstain - abstain;
        const present = s3 % (u.report.present - leftVotes + 1);
        if (cc + abstain + present === 0) return;
        const struck = { present, votes: { q1: { positions: { cc }, abstain } } };
        const left = adjudicatedReport(u.report, u.roll, [{ decision: 'uphold', struck: null }, { decision: 'strike-votes', struck }], D)!;
        expect(left.present).toBe(u.report.present - present);
        expect(left.votes.q1).toEqual({ positions: { cc: v.positions.cc - cc, opp: v.positions.opp }, abstain: v.abstain - abstain });
        expect(left.outcome).toEqual(deriveOutcome(left, u.roll, D));
      }),
    );
  });

  it('refuses a strike beyond what remains, naming the field', () => {
    const version = { present: 10, votes: { q1: { positions: { cc: 6, opp: 3 }, abstain: 1 } } };
    const fieldOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        if (isDomainError(e)) return e.field;
        throw e;
      }
      return 'no error';
    };
    expect(fieldOf(() => strikeCounts(version, { present: 0, votes: { q1: { positions: { cc: 7 }, abstain: 0 } } }, D))).toBe('struck.votes.q1.positions.cc');
    expect(fieldOf(() => strikeCounts(version, { present: 0, votes: { q1: { positions: {}, abstain: 2 } } }, D))).toBe('struck.votes.q1.abstain');
    expect(fieldOf(() => strikeCounts(version, { present: 11, votes: {} }, D))).toBe('struck.present');
    // Striking attendance below the votes that remain is refused: strike those votes too.
    expect(fieldOf(() => strikeCounts(version, { present: 2, votes: {} }, D))).toBe('struck.present');
    expect(fieldOf(() => strikeCounts(version, { present: 0, votes: { q9: { positions: {}, abstain: 1 } } }, D))).toBe('struck.votes.q9');
    expect(fieldOf(() => strikeCounts(version, { present: 0, votes: {} }, D))).toBe('struck');
    // Two strikes on one version add up; the second is checked against what the first left.
    const once = strikeCounts(version, { present: 0, votes: { q1: { positions: { cc: 4 }, abstain: 0 } } }, D);
    expect(fieldOf(() => strikeCounts(once, { present: 0, votes: { q1: { positions: { cc: 3 }, abstain: 0 } } }, D))).toBe('struck.votes.q1.positions.cc');
    expect(emptyTally(D).questions.q1).toBeDefined();
  });
});
