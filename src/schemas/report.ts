import { z } from 'zod';
import { Count, Id, IsoDate, Text } from './common.ts';

export const QuestionVotesInput = z.object({
  positions: z.record(Id, Count),
  abstain: Count,
}).strict();

export const ReportInput = z
  .object({
    unitId: Id,
    meetingDate: IsoDate,
    present: Count,
    votes: z.record(Id, QuestionVotesInput),
    resolution: Text(100_000),
    supersedes: z.number().int('must be a whole number').min(1, 'must be a version number (1 or more)').nullable().optional(),
    signature: z
      .object({
        keyId: Id,
        value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be the standard base64 of a 64-byte Ed25519 signature'),
      })
      .strict()
      .optional()
      .describe("the unit secretary's signature over the report's statement (docs/verifiable-record.md), by her approved key; without it the office key vouches for the report"),
  })
  .strict()
  .meta({ id: 'ReportInput' });
export type ReportInput = z.infer<typeof ReportInput>;

export const ReportAccepted = z
  .object({
    unitId: z.string(),
    version: z.number().int(),
    quorate: z.boolean(),
    adopted: z.record(z.string(), z.string().nullable()),
    logIndex: z
      .number()
      .int()
      .nullable()
      .optional()
      .describe("the version's index in the discussion's public log; its receipt is GET …/units/:unitId/reports/:version/receipt"),
  })
  .meta({ id: 'ReportAccepted' });
export type ReportAccepted = z.infer<typeof ReportAccepted>;

export const ReportVersion = z
  .object({
    unitId: z.string(),
    version: z.number().int(),
    current: z.boolean(),
    meetingDate: z.string(),
    present: z.number().int().nullable().describe('null when withheld'),
    votes: z.record(z.string(), z.object({ positions: z.record(z.string(), z.number().int()), abstain: z.number().int() })).nullable().describe('null when withheld'),
    resolution: z
      .string()
      .nullable()
      .describe("the resolution's text, for those who may read this unit's reports (its members and secretary, committees above it, observers, the office and the commission); null for others"),
    resolutionSha256: z.string().describe('SHA-256 of the resolution text (UTF-8), hex: anyone can check a text shown elsewhere against it'),
    quorate: z.boolean().nullable().describe('null when withheld'),
    adopted: z.record(z.string(), z.string().nullable()).nullable().describe('null when withheld'),
    withheld: z.boolean().describe("true when the unit has fewer voting members than the discussion's publicMinUnitSize and the reader may not read its reports"),
    submittedAt: z.string(),
    roll: z.number().int(),
  })
  .meta({ id: 'ReportVersion' });
export type ReportVersion = z.infer<typeof ReportVersion>;
