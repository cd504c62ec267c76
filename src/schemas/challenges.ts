/** Challenges and adjudications at the boundary (src/services/challenges.ts; docs/challenges.md). */
import { z } from 'zod';
import { CHALLENGE_REASONS, DECISIONS } from '../domain/adjudication.ts';
import { Count, Id, Text } from './common.ts';
import { QuestionVotesInput } from './report.ts';
import { Tally } from './tally.ts';

export const ChallengeReason = z.enum(CHALLENGE_REASONS, { error: `must be one of ${CHALLENGE_REASONS.join(', ')}` });
export const DecisionKind = z.enum(DECISIONS, { error: `must be one of ${DECISIONS.join(', ')}` });

export const ChallengeInput = z
  .object({
    version: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 or more').max(100_000_000, 'is implausibly large').describe("the report version challenged: the unit's current one"),
    reason: ChallengeReason,
    text: Text(20_000, { min: 1 }).describe('what happened, for the commission (goes to the commission, the office and those who read the unit’s reports)'),
    evidence: z
      .object({
        name: Text(200, { min: 1 }),
        mediaType: z.enum(['application/pdf', 'image/jpeg', 'image/png', 'text/plain'], { error: 'must be application/pdf, image/jpeg, image/png or text/plain' }),
        contentBase64: z.string().max(7_200_000, 'the file is over 5 MiB').describe('the file, standard base64'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'ChallengeFiling' });

export const Struck = z
  .object({
    present: Count.default(0).describe('attendance struck (people counted present who were not entitled)'),
    votes: z.record(Id, QuestionVotesInput).default({}).describe('votes struck per question: per position and abstentions'),
  })
  .strict();

export const DecisionInput = z
  .object({
    decision: DecisionKind,
    criterion: Text(500, { min: 1 }).describe('the stated criterion applied, e.g. "ballots cast before the meeting opened"; public, no names'),
    reason: Text(20_000, { min: 1 }).describe("the commission's written reason; public, no names"),
    struck: Struck.optional().describe('decision strike-votes only: the counts struck'),
  })
  .strict()
  .meta({ id: 'AdjudicationDecision' });

const DecisionFields = {
  id: z.string(),
  decision: DecisionKind,
  criterion: z.string(),
  reason: z.string(),
  struck: z.object({ present: z.number(), votes: z.record(z.string(), z.object({ positions: z.record(z.string(), z.number()), abstain: z.number() })) }).nullable(),
  decidedAt: z.string(),
  logIndex: z.number().nullable(),
};

export const Adjudication = z
  .object({ ...DecisionFields, unitId: z.string(), reportVersion: z.number(), challengeId: z.string().nullable() })
  .meta({ id: 'Adjudication' });

export const Challenge = z
  .object({
    id: z.string(),
    unitId: z.string(),
    version: z.number(),
    reason: ChallengeReason,
    filedAs: z.string(),
    filedAt: z.string(),
    state: z.enum(['open', 'decided']),
    logIndex: z.number().nullable(),
    text: z.string().nullable().describe("null unless you may read the unit's reports"),
    filedBy: z.string().nullable().describe('the commission and the office only'),
    evidence: z.object({ name: z.string(), mediaType: z.string(), sha256: z.string(), size: z.number() }).nullable(),
    decision: z.object(DecisionFields).nullable(),
  })
  .meta({ id: 'Challenge' });

export const ChallengeList = z.object({ challenges: z.array(Challenge), adjudications: z.array(Adjudication) });

export const AdjudicatedTally = z
  .object({
    discussionId: z.string(),
    unitId: z.string(),
    reported: Tally.describe('as the units reported it'),
    adjudicated: Tally.describe("as the commission's decisions leave it"),
    applied: z.array(Adjudication),
  })
  .meta({ id: 'AdjudicatedTally' });
