import { z } from 'zod';

const UnitsAndMembers = z.object({ units: z.number().int(), members: z.number().int() });

export const QuestionTally = z.object({
  adopted: z.record(z.string(), UnitsAndMembers).describe('for each position and for "none": reported units that adopted it and the sum of their frozen rolls'),
  votes: z.record(z.string(), z.number().int()),
  abstain: z.number().int(),
});

export const Tally = z
  .object({
    discussionId: z.string(),
    unitId: z.string(),
    asOf: z.string().describe('when this subtree last changed (the opening, or the latest accepted report)'),
    provisional: z.boolean().describe('true while reporting is still open'),
    unitsTotal: z.number().int(),
    unitsReported: z.number().int(),
    unitsQuorate: z.number().int().nullable().describe('null when withheld'),
    membersTotal: z.number().int(),
    membersReported: z.number().int(),
    present: z.number().int().nullable().describe('null when withheld'),
    unitsOfficeSigned: z
      .number()
      .int()
      .describe("reported units whose current report rests on the office's signature (paper minutes it entered, or sent without the unit's own key) rather than the unit's own key"),
    questions: z.record(z.string(), QuestionTally).nullable().describe('null when withheld'),
    withheld: z
      .boolean()
      .describe("true when the unit (with its subtree) has fewer voting members than the discussion's publicMinUnitSize and the reader may not read its reports: only coverage is shown"),
  })
  .meta({ id: 'Tally' });
export type Tally = z.infer<typeof Tally>;

/** One unit of the drill-down (GET …/units), with its tally as this reader may see it. */
export const ListedUnit = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  parentId: z.string().nullable(),
  ancestors: z.array(z.string()).describe('root first; the unit itself is not among them'),
  roll: z.number().int().describe("voting members on this unit's own frozen roll (its subtree's are tally.membersTotal)"),
  reported: z.boolean(),
  tally: Tally,
});
export type ListedUnit = z.infer<typeof ListedUnit>;

export const UnitPage = z.object({ parent: ListedUnit.omit({ reported: true }), items: z.array(ListedUnit), next: z.string().nullable() });
export type UnitPage = z.infer<typeof UnitPage>;

export const PublishedTallies = z
  .object({
    discussionId: z.string(),
    logSize: z.number().int().describe('the log entries these figures account for: 0 … logSize − 1'),
    asOf: z.string(),
    provisional: z.boolean(),
    units: z.array(Tally).describe('every unit of the frozen tree, by id, as an anonymous reader sees it'),
  })
  .meta({ id: 'PublishedTallies' });
