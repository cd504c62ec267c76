/**
 * Challenges to branch reports and the commission's decisions on them (docs/challenges.md) — the rules, pure.
 *
 * A challenge names one version of a unit's report, with a reason from `CHALLENGE_REASONS` and a text. It may be filed
 * within the discussion's challenge window after that version was accepted (`challengeDeadline`). The commission
 * decides, with a stated criterion and a written reason:
 *   uphold            the report stands as it is;
 *   order-correction  the report stands until the unit sends a corrected version (which supersedes it as any
 *                     correction does);
 *   strike            the whole report is struck: the unit counts as not reported in the adjudicated tally;
 *   strike-votes      some counts are struck (`struck`: present and/or votes per position and abstentions).
 * An adjudication applies to the version it names: a later version is a new report, judged afresh. Nothing is edited:
 * the tally as reported stays, and the adjudicated tally is computed beside it (`adjudicatedReport`).
 */
import type { DiscussionDefinition } from './discussion.ts';
import { DomainError } from './errors.ts';
import { deriveOutcome, type QuestionVotes, type ReportOutcome } from './report.ts';

export const CHALLENGE_REASONS = [
  'no-quorum', // fewer present than the quorum, or members counted who were not there
  'roll', // people voted who are not on the unit's frozen roll, or members were kept out
  'counts', // the counts in the report are not those of the meeting
  'procedure', // the meeting was not called or run by the rules (notice, chair, agenda)
  'pressure', // violence or pressure at the meeting
  'ballots', // irregular ballots: cast early, outside the meeting, non-conforming
  'other',
] as const;
export type ChallengeReason = (typeof CHALLENGE_REASONS)[number];

export const DECISIONS = ['uphold', 'order-correction', 'strike', 'strike-votes'] as const;
export type Decision = (typeof DECISIONS)[number];

/** What a strike-votes decision removes from a report version's counts. */
export interface Struck {
  present: number;
  votes: Record<string, QuestionVotes>;
}

/** Hours after a version is accepted during which it may be challenged, unless the rules say otherwise. */
export const DEFAULT_CHALLENGE_WINDOW_HOURS = 72;

/** The last moment a version accepted at `acceptedAt` may be challenged (ISO 8601 UTC). */
export function challengeDeadline(acceptedAt: string, windowHours: number | undefined): string {
  return new Date(Date.parse(acceptedAt) + (windowHours ?? DEFAULT_CHALLENGE_WINDOW_HOURS) * 3_600_000).toISOString();
}

export interface CountedVersion {
  present: number;
  votes: Record<string, QuestionVotes>;
}

export interface Adjudicated {
  decision: Decision;
  struck: Struck | null;
}

/**
 * The counts a strike-votes decision leaves, checked: every struck count must be at most what remains after the
 * decisions already taken on this version. Throws DomainError naming the field (`struck.votes.q1.positions.cc`).
 */
export function strikeCounts(version: CountedVersion, struck: Struck, discussion: DiscussionDefinition): CountedVersion {
  if (struck.present > version.present) {
    throw new DomainError('invalid_input', `struck.present: ${struck.present} struck, but only ${version.present} remain present`, { field: 'struck.present' });
  }
  const questions = new Map(discussion.questions.map((q) => [q.id, q]));
  const votes: Record<string, QuestionVotes> = structuredClone(version.votes);
  let struckAny = struck.present > 0;
  for (const [qid, s] of Object.entries(struck.votes)) {
    const q = questions.get(qid);
    if (!q) throw new DomainError('invalid_input', `struck.votes.${qid}: no such question in this discussion`, { field: `struck.votes.${qid}` });
    const v = votes[qid];
    if (!v) throw new DomainError('invalid_input', `struck.votes.${qid}: the report has no votes on this question to strike`, { field: `struck.votes.${qid}` });
    for (const [pid, n] of Object.entries(s.positions)) {
      const have = v.positions[pid] ?? 0;
      if (!q.positions.some((p) => p.id === pid)) {
        throw new DomainError('invalid_input', `struck.votes.${qid}.positions.${pid}: no such position on ${qid}`, { field: `struck.votes.${qid}.positions.${pid}` });
      }
      if (n > have) {
        throw new DomainError('invalid_input', `struck.votes.${qid}.positions.${pid}: ${n} struck, but the report has ${have} votes for it`, { field: `struck.votes.${qid}.positions.${pid}` });
      }
      if (n > 0) {
        v.positions[pid] = have - n;
        struckAny = true;
      }
    }
    if (s.abstain > v.abstain) {
      throw new DomainError('invalid_input', `struck.votes.${qid}.abstain: ${s.abstain} struck, but the report has ${v.abstain} abstentions`, { field: `struck.votes.${qid}.abstain` });
    }
    if (s.abstain > 0) struckAny = true;
    v.abstain -= s.abstain;
  }
  if (!struckAny) throw new DomainError('invalid_input', 'struck: a strike-votes decision strikes at least one count', { field: 'struck' });
  const present = version.present - struck.present;
  for (const [qid, v] of Object.entries(votes)) {
    const cast = Object.values(v.positions).reduce((a, b) => a + b, 0);
    if (cast + v.abstain > present) {
      throw new DomainError('invalid_input', `struck.present: ${present} would remain present, fewer than the ${cast + v.abstain} votes that remain on ${qid}: strike those votes too`, {
        field: 'struck.present',
      });
    }
  }
  return { present, votes };
}

/**
 * A report version as the commission's decisions on it leave it: null if struck, else its counts with every
 * strike-votes decision applied (in the order given) and the outcome derived afresh under the rules. Uphold and
 * order-correction leave it as it is.
 */
export function adjudicatedReport(
  version: CountedVersion,
  roll: number,
  decisions: readonly Adjudicated[],
  discussion: DiscussionDefinition,
): (CountedVersion & { outcome: ReportOutcome }) | null {
  let counts: CountedVersion = version;
  for (const d of decisions) {
    if (d.decision === 'strike') return null;
    if (d.decision === 'strike-votes' && d.struck) counts = strikeCounts(counts, d.struck, discussion);
  }
  return { ...counts, outcome: deriveOutcome(counts, roll, discussion) };
}
