import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';

export const PositionInput = z
  .object({
    id: Id,
    title: Text(500, { min: 1 }),
    text: Text(200_000).optional(),
  })
  .strict();

export const QuestionInput = z.object({
  id: Id,
  text: Text(10_000, { min: 1 }),
  positions: z.array(PositionInput).min(1, 'a question needs at least one position').max(50),
}).strict();

export const RulesInput = z.object({
  quorum: z.number({ error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  majority: z.enum(['votes-cast', 'present'], { error: "must be 'votes-cast' or 'present'" }),
  publicMinUnitSize: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(10_000, 'must be at most 10,000')
    .optional()
    .describe("units with fewer voting members than this show their figures only to those who may read their reports; 0 or absent: all public"),
  witnesses: z
    .object({
      required: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 or more'),
      keys: z.array(z.string().max(300, 'must be at most 300 characters')).min(1, 'name at least one witness').max(20, 'at most 20 witnesses'),
    })
    .strict()
    .optional()
    .describe("the final figure needs cosignatures of `required` of these witnesses (cosignature/v1 verifier keys, `name+keyid+base64`); plenum verify enforces it"),
  challengeWindowHours: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(24 * 365, 'must be at most a year (8760)')
    .optional()
    .describe('hours after a report version is accepted during which members of its unit and observers may challenge it; absent: 72'),
}).strict();

export const DiscussionInput = z
  .object({
    id: Id,
    title: Text(500, { min: 1 }),
    description: Text(200_000).optional(),
    reportingClosesAt: IsoDateTime,
    rules: RulesInput,
    questions: z.array(QuestionInput).min(1, 'a discussion needs at least one question').max(50),
  })
  .strict();
export type DiscussionInput = z.infer<typeof DiscussionInput>;

export const Discussion = DiscussionInput.extend({
  state: z.enum(['draft', 'open']),
  openedAt: z.string().nullable(),
  rootUnitId: z.string().nullable(),
  reportingOpen: z.boolean(),
}).meta({ id: 'Discussion' });
export type Discussion = z.infer<typeof Discussion>;
