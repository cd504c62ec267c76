/**
 * The membership-weighted tally. A tally is a sum of per-unit contributions over a subtree, so it is maintained by
 * adding the difference between a unit's new and old contribution to the unit and each of its ancestors — and it must
 * always equal the from-scratch sum (`recount`), which the property tests check.
 */
import { NO_POSITION, type DiscussionDefinition } from './discussion.ts';
import type { QuestionVotes, ReportOutcome } from './report.ts';

export interface UnitsAndMembers {
  units: number;
  members: number;
}

export interface QuestionTally {
  /** For every position and for `none`: the reported units that adopted it, and the sum of their frozen rolls. */
  adopted: Record<string, UnitsAndMembers>;
  /** Votes cast for each position, summed over current reports. */
  votes: Record<string, number>;
  abstain: number;
}

export interface TallyCounts {
  unitsTotal: number;
  unitsReported: number;
  unitsQuorate: number;
  membersTotal: number;
  membersReported: number;
  present: number;
  /**
   * Reported units whose current report rests on the office's signature rather than the unit's own key: paper minutes
   * the office entered, or a report sent without a personal key (docs/verifiable-record.md).
   */
  unitsOfficeSigned: number;
  questions: Record<string, QuestionTally>;
}

/** What a unit's current report says, as far as the tally is concerned. */
export interface CountedReport {
  present: number;
  votes: Record<string, QuestionVotes>;
  outcome: ReportOutcome;
  /** Signed by the office's key, not the unit's own (absent: false). */
  officeSigned?: boolean | undefined;
}

export function emptyTally(discussion: Pick<DiscussionDefinition, 'questions'>): TallyCounts {
  const questions: Record<string, QuestionTally> = {};
  for (const q of discussion.questions) {
    const adopted: Record<string, UnitsAndMembers> = {};
    const votes: Record<string, number> = {};
    for (const p of q.positions) {
      adopted[p.id] = { units: 0, members: 0 };
      votes[p.id] = 0;
    }
    adopted[NO_POSITION] = { units: 0, members: 0 };
    questions[q.id] = { adopted, votes, abstain: 0 };
  }
  return { unitsTotal: 0, unitsReported: 0, unitsQuorate: 0, membersTotal: 0, membersReported: 0, present: 0, unitsOfficeSigned: 0, questions };
}

/**
 * One unit's part of every tally that includes it. Units whose frozen roll is 0 count for nothing: they may not report
 * and are not among `unitsTotal`.
 */
export function contributionOf(discussion: Pick<DiscussionDefinition, 'questions'>, roll: number, report: CountedReport | null): TallyCounts {
  const t = emptyTally(discussion);
  if (roll < 1) return t;
  t.unitsTotal = 1;
  t.membersTotal = roll;
  if (!report) return t;
  t.unitsReported = 1;
  t.membersReported = roll;
  t.unitsQuorate = report.outcome.quorate ? 1 : 0;
  t.present = report.present;
  t.unitsOfficeSigned = report.officeSigned ? 1 : 0;
  for (const q of discussion.questions) {
    const qt = t.questions[q.id]!;
    const adopted = (Object.hasOwn(report.outcome.adopted, q.id) ? report.outcome.adopted[q.id] : null) ?? NO_POSITION;
    qt.adopted[adopted] = { units: 1, members: roll };
    const v = Object.hasOwn(report.votes, q.id) ? report.votes[q.id] : undefined;
    if (v) {
      for (const [p, n] of Object.entries(v.positions)) qt.votes[p] = n;
      qt.abstain = v.abstain;
    }
  }
  return t;
}

/** into += sign × other, in place. Both must have the discussion's shape. */
export function addInto(into: TallyCounts, other: TallyCounts, sign: 1 | -1 = 1): TallyCounts {
  into.unitsTotal += sign * other.unitsTotal;
  into.unitsReported += sign * other.unitsReported;
  into.unitsQuorate += sign * other.unitsQuorate;
  into.membersTotal += sign * other.membersTotal;
  into.membersReported += sign * other.membersReported;
  into.present += sign * other.present;
  into.unitsOfficeSigned += sign * other.unitsOfficeSigned;
  for (const [qid, oq] of Object.entries(other.questions)) {
    const iq = into.questions[qid];
    if (!iq) throw new Error(`tally has no question ${qid}`);
    for (const [p, am] of Object.entries(oq.adopted)) {
      const cur = iq.adopted[p] ?? { units: 0, members: 0 };
      iq.adopted[p] = { units: cur.units + sign * am.units, members: cur.members + sign * am.members };
    }
    for (const [p, n] of Object.entries(oq.votes)) iq.votes[p] = (iq.votes[p] ?? 0) + sign * n;
    iq.abstain += sign * oq.abstain;
  }
  return into;
}

/** The change a new report (or a correction) makes to every tally above the unit. */
export function tallyDelta(
  discussion: Pick<DiscussionDefinition, 'questions'>,
  roll: number,
  before: CountedReport | null,
  after: CountedReport | null,
): TallyCounts {
  return addInto(contributionOf(discussion, roll, after), contributionOf(discussion, roll, before), -1);
}

/** From scratch: the tally of a set of units is the sum of their contributions. */
export function recount(
  discussion: Pick<DiscussionDefinition, 'questions'>,
  units: Iterable<{ roll: number; report: CountedReport | null }>,
): TallyCounts {
  const t = emptyTally(discussion);
  for (const u of units) addInto(t, contributionOf(discussion, u.roll, u.report));
  return t;
}

export function isZeroDelta(t: TallyCounts): boolean {
  if (t.unitsTotal || t.unitsReported || t.unitsQuorate || t.membersTotal || t.membersReported || t.present || t.unitsOfficeSigned) return false;
  for (const q of Object.values(t.questions)) {
    if (q.abstain) return false;
    if (Object.values(q.votes).some((n) => n !== 0)) return false;
    if (Object.values(q.adopted).some((am) => am.units !== 0 || am.members !== 0)) return false;
  }
  return true;
}
