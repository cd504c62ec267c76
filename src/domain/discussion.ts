/**
 * A discussion as the rules see it: its questions, their positions, and the rules a branch meeting is judged by.
 * Pure types and checks; storage keeps the same shape as JSON.
 */
import { DomainError } from './errors.ts';

/** The tally's key for units that adopted no position on a question; no position may take this id. */
export const NO_POSITION = 'none';

export type Majority = 'votes-cast' | 'present';

export interface Rules {
  /** Fraction of the unit's frozen voting roll that must attend, given as a decimal and read exactly. */
  quorum: number;
  /** Whose majority adopts a position: of the votes cast for positions (abstentions not counted) or of those present. */
  majority: Majority;
  /**
   * Privacy of small units: the figures (attendance, votes, what was adopted) of a unit whose frozen voting roll —
   * for a tally, the subtree's — is below this size are shown only to those who may read its reports, never publicly.
   * 0 or absent: every unit's figures are public.
   */
  publicMinUnitSize?: number | undefined;
  /**
   * The witnesses whose cosignatures the final figure needs: `required` of the cosignature verifier keys in `keys`
   * (docs/verifiable-record.md, "Witnesses"). Absent: none required.
   */
  witnesses?: { required: number; keys: string[] } | undefined;
  /**
   * Hours after a report version is accepted during which it may be challenged (docs/challenges.md). Absent: 72.
   */
  challengeWindowHours?: number | undefined;
}

/**
 * Whether a unit's figures are withheld from a viewer who may not read its reports: only when the discussion sets a
 * minimum and the unit (or subtree) has fewer voting members. Aggregates of many units are shown; note that
 * subtracting published sibling figures from a parent's can still narrow a small unit down (docs/security.md).
 */
export function isSmallUnitWithheld(rules: Pick<Rules, 'publicMinUnitSize'>, votingMembers: number): boolean {
  const min = rules.publicMinUnitSize ?? 0;
  return min > 0 && votingMembers < min;
}

export interface Position {
  id: string;
  title: string;
  text?: string | undefined;
}

export interface Question {
  id: string;
  text: string;
  positions: Position[];
}

export interface DiscussionDefinition {
  id: string;
  title: string;
  description?: string | undefined;
  reportingClosesAt: string;
  rules: Rules;
  questions: Question[];
}

export type DiscussionState = 'draft' | 'open';

/** Rules a definition must meet beyond its types: unique question and position ids; a witness policy that can be met. */
export function checkDiscussionDefinition(d: DiscussionDefinition): void {
  const w = d.rules.witnesses;
  if (w) {
    if (new Set(w.keys).size !== w.keys.length) throw new DomainError('invalid_input', 'rules.witnesses.keys: a witness key appears twice', { field: 'rules.witnesses.keys' });
    if (w.required > w.keys.length) {
      throw new DomainError('invalid_input', `rules.witnesses.required: ${w.required} witnesses cannot be required of the ${w.keys.length} named`, { field: 'rules.witnesses.required' });
    }
  }
  const questionIds = new Set<string>();
  d.questions.forEach((q, qi) => {
    if (questionIds.has(q.id)) {
      throw new DomainError('invalid_input', `question id '${q.id}' appears twice`, { field: `questions.${qi}.id` });
    }
    questionIds.add(q.id);
    const positionIds = new Set<string>();
    q.positions.forEach((p, pi) => {
      if (positionIds.has(p.id)) {
        throw new DomainError('invalid_input', `position id '${p.id}' appears twice in question '${q.id}'`, {
          field: `questions.${qi}.positions.${pi}.id`,
        });
      }
      if (p.id === NO_POSITION) {
        throw new DomainError('invalid_input', `position id '${NO_POSITION}' is reserved for "adopted nothing" in the tally`, {
          field: `questions.${qi}.positions.${pi}.id`,
        });
      }
      positionIds.add(p.id);
    });
  });
}
