/** The binding decision at the boundary (src/services/decisions.ts; docs/decisions.md). */
import { z } from 'zod';
import { Id, IsoDate, Text } from './common.ts';
import { QuestionTally } from './tally.ts';

const Language = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en, ru or pt-BR');
const ByLanguage = (max: number) => z.record(Language, Text(max, { min: 1 })).describe('the text in each language, keyed by language tag');

export const DecisionInput = z
  .object({
    languages: z.array(Language).min(1, 'name at least one language').max(20).describe('the languages the texts were adopted in; the first is the one the register lists it under'),
    title: ByLanguage(500),
    resolutions: z
      .array(z.object({ questionId: Id, motionId: Id.describe("the conference's adopted resolution"), text: ByLanguage(200_000) }).strict())
      .min(1, 'a decision adopts at least one resolution')
      .max(50),
    effectiveDate: IsoDate,
    reconstruction: z.boolean().optional().describe('a historical reconstruction (the 1924 demo): marked as such wherever it is shown'),
  })
  .strict()
  .meta({ id: 'DecisionPublication' });

export const ErratumInput = z
  .object({
    languages: z.array(Language).min(1, 'name at least one language').max(20),
    title: ByLanguage(500),
    text: ByLanguage(200_000),
    reason: Text(20_000, { min: 1 }).describe('why the erratum (public)'),
    effectiveDate: IsoDate,
  })
  .strict()
  .meta({ id: 'ErratumPublication' });

const TallyFigures = z.object({
  unitsTotal: z.number(),
  unitsReported: z.number(),
  unitsQuorate: z.number(),
  membersTotal: z.number(),
  membersReported: z.number(),
  present: z.number(),
  unitsOfficeSigned: z.number(),
  questions: z.record(z.string(), QuestionTally),
});

export const Provenance = z.object({
  checkpoint: z.object({ size: z.number(), rootHash: z.string().describe('hex'), note: z.string().describe('the signed checkpoint, with cosignatures') }),
  tally: z.object({ unitId: z.string(), provisional: z.boolean(), reported: TallyFigures, adjudicated: TallyFigures }),
  reports: z.array(z.object({ unitId: z.string(), version: z.number(), logIndex: z.number().nullable() })),
  adjudications: z.array(z.object({ id: z.string(), unitId: z.string(), version: z.number(), decision: z.string(), logIndex: z.number().nullable() })),
  votes: z.array(
    z.object({
      questionId: z.string(),
      motionId: z.string(),
      voteId: z.string(),
      method: z.enum(['count', 'roll-call']),
      for: z.number(),
      against: z.number(),
      abstain: z.number(),
      eligible: z.number(),
      result: z.enum(['adopted', 'rejected']),
      rule: z.string(),
    }),
  ),
  conference: z.object({ name: z.string(), apportionmentVersion: z.number() }).nullable(),
});

export const DecisionAct = z
  .object({
    id: z.string(),
    discussionId: z.string(),
    kind: z.enum(['decision', 'erratum']),
    corrects: z.string().nullable(),
    languages: z.array(z.string()),
    title: z.record(z.string(), z.string()),
    body: z.record(z.string(), z.unknown()).describe('a decision: {title, resolutions: [{questionId, motionId, text}]}; an erratum: {title, text}'),
    reason: z.string().nullable(),
    effectiveDate: z.string(),
    provenance: Provenance.nullable(),
    reconstruction: z.boolean(),
    publishedAt: z.string(),
    logIndex: z.number().nullable(),
  })
  .meta({ id: 'DecisionAct' });

export const DecisionDocument = z.object({ decision: DecisionAct, errata: z.array(DecisionAct) }).meta({ id: 'DecisionDocument' });

export const NoticeCounts = z.object({ pending: z.number(), sending: z.number(), sent: z.number(), failed: z.number(), noEmail: z.number(), total: z.number() });

export const MemberNotice = z.object({
  decisionId: z.string(),
  discussionId: z.string(),
  kind: z.enum(['decision', 'erratum']),
  title: z.record(z.string(), z.string()),
  languages: z.array(z.string()),
  publishedAt: z.string(),
  effectiveDate: z.string(),
  reconstruction: z.boolean(),
  readAt: z.string().nullable(),
});
