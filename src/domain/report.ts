/**
 * A branch report and what follows from it. The derived facts — quorate, adopted — are never typed in: they are
 * computed here, from the counts and the discussion's rules, and nowhere else.
 */
import type { DiscussionDefinition, Rules } from './discussion.ts';
import { DomainError } from './errors.ts';
import { atLeastFractionOf, fractionFromDecimal } from './fraction.ts';

export interface QuestionVotes {
  positions: Record<string, number>;
  abstain: number;
}

export interface ReportInput {
  unitId: string;
  meetingDate: string;
  present: number;
  votes: Record<string, QuestionVotes>;
  resolution: string;
  supersedes?: number | null | undefined;
  /** The unit secretary's signature over the report's statement (src/log/statement.ts), by her approved key. */
  signature?: { keyId: string; value: string } | undefined;
}

export interface ReportOutcome {
  quorate: boolean;
  /** For every question of the discussion: the adopted position's id, or null. */
  adopted: Record<string, string | null>;
}

/** Quorate iff present >= quorum × frozen roll, in exact rational arithmetic. */
export function isQuorate(present: number, roll: number, rules: Rules): boolean {
  return atLeastFractionOf(present, fractionFromDecimal(rules.quorum), roll);
}

/**
 * The position a quorate meeting adopted on one question, or null. A position is adopted iff its votes × 2 exceed the
 * base: the sum of all position votes (majority "votes-cast", abstentions not counted) or the number present
 * (majority "present"). At most one position can pass a strict majority.
 */
export function adoptedPosition(votes: QuestionVotes, present: number, rules: Rules): string | null {
  const cast = Object.values(votes.positions).reduce((a, b) => a + b, 0);
  const base = rules.majority === 'present' ? present : cast;
  for (const [position, n] of Object.entries(votes.positions)) {
    if (n * 2 > base) return position;
  }
  return null;
}

export function deriveOutcome(report: Pick<ReportInput, 'present' | 'votes'>, roll: number, discussion: DiscussionDefinition): ReportOutcome {
  const quorate = isQuorate(report.present, roll, discussion.rules);
  const adopted: Record<string, string | null> = {};
  for (const q of discussion.questions) {
    const v = Object.hasOwn(report.votes, q.id) ? report.votes[q.id] : undefined;
    adopted[q.id] = quorate && v ? adoptedPosition(v, report.present, discussion.rules) : null;
  }
  return { quorate, adopted };
}

/**
 * The rules a report's counts must meet, given the discussion and the unit's frozen roll. Types and ranges are the
 * boundary schema's job (src/schemas/report.ts); these are the rules that need the discussion.
 */
export function checkReportCounts(report: Pick<ReportInput, 'unitId' | 'present' | 'votes'>, roll: number, discussion: DiscussionDefinition): void {
  if (roll < 1) {
    throw new DomainError('invalid_input', `unit '${report.unitId}' has no voting members on the frozen roll, so it may not report`, {
      field: 'unitId',
    });
  }
  if (report.present > roll) {
    throw new DomainError('invalid_input', `present (${report.present}) exceeds the unit's voting roll (${roll})`, { field: 'present' });
  }
  const questions = new Map(discussion.questions.map((q) => [q.id, q]));
  for (const [questionId, v] of Object.entries(report.votes)) {
    const q = questions.get(questionId);
    if (!q) {
      throw new DomainError('invalid_input', `unknown question '${questionId}'; this discussion asks ${[...questions.keys()].join(', ')}`, {
        field: `votes.${questionId}`,
      });
    }
    const known = new Set(q.positions.map((p) => p.id));
    for (const positionId of Object.keys(v.positions)) {
      if (!known.has(positionId)) {
        throw new DomainError('invalid_input', `unknown position '${positionId}' for question '${questionId}'; its positions are ${[...known].join(', ')}`, {
          field: `votes.${questionId}.positions.${positionId}`,
        });
      }
    }
    const cast = Object.values(v.positions).reduce((a, b) => a + b, 0);
    if (cast + v.abstain > report.present) {
      throw new DomainError(
        'invalid_input',
        `votes on '${questionId}' (${cast} for positions + ${v.abstain} abstaining = ${cast + v.abstain}) exceed those present (${report.present})`,
        { field: `votes.${questionId}` },
      );
    }
  }
}

/**
 * Whether a report's counts meet `checkReportCounts`'s rules, for many reports of one discussion (the verifier's walk
 * over a log): the questions and their positions are looked up once, and nothing is built for a report within them.
 */
export function reportCountsWithin(discussion: DiscussionDefinition): (report: Pick<ReportInput, 'present' | 'votes'>, roll: number) => boolean {
  const positionsOf = new Map(discussion.questions.map((q) => [q.id, new Set(q.positions.map((p) => p.id))]));
  return (report, roll) => {
    if (roll < 1 || report.present > roll) return false;
    for (const questionId of Object.keys(report.votes)) {
      const known = positionsOf.get(questionId);
      if (!known) return false;
      const v = report.votes[questionId]!;
      let cast = 0;
      for (const positionId of Object.keys(v.positions)) {
        if (!known.has(positionId)) return false;
        cast += v.positions[positionId]!;
      }
      if (cast + v.abstain > report.present) return false;
    }
    return true;
  };
}

/**
 * `checkReportCounts` the quick way for many reports of one discussion (`reportCountsWithin`); a report outside the
 * rules is handed to `checkReportCounts` itself, so it is refused with the very same error.
 */
export function reportCountsChecker(discussion: DiscussionDefinition): (report: Pick<ReportInput, 'unitId' | 'present' | 'votes'>, roll: number) => void {
  const within = reportCountsWithin(discussion);
  return (report, roll) => {
    if (!within(report, roll)) checkReportCounts(report, roll, discussion);
  };
}
