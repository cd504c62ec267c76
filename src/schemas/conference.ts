/**
 * The conference at the boundary (docs/conference.md): definitions, the seat table, delegates, motions, votes.
 * Component ids never end in `Input`: the OpenAPI generator names every schema's input side `<id>Input`.
 */
import { z } from 'zod';
import { APPORTIONMENT_METHODS } from '../domain/apportionment.ts';
import { Count, Id, IsoDate, Text } from './common.ts';

const Whole = (least: number) => z.number({ error: 'must be a number' }).int('must be a whole number').min(least, `must be ${least} or more`).max(1_000_000, 'is implausibly large');

export const TieBreak = z.discriminatedUnion(
  'rule',
  [
    z.object({ rule: z.literal('larger-population-then-id') }).strict(),
    z.object({ rule: z.literal('lot'), seed: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(0xffffffff, 'must be at most 4294967295') }).strict(),
  ],
  { error: "must be { rule: 'larger-population-then-id' } or { rule: 'lot', seed }" },
);

/** One kind of seat's rule: the engine's options (src/domain/apportionment.ts; docs/apportionment.md). */
export const SeatRule = z
  .object({
    method: z.enum(APPORTIONMENT_METHODS, { error: `must be one of ${APPORTIONMENT_METHODS.join(', ')}` }),
    seats: Whole(0).optional().describe('the total to share (hare, dhondt, sainte-lague, huntington-hill, adams)'),
    min: Whole(0).optional().describe('the fewest seats an electing unit with members gets (default 0)'),
    max: Whole(1).optional().describe('the most seats an electing unit gets'),
    per: Whole(1).optional().describe('method per: one seat per this many members or part thereof'),
    first: Whole(1).optional().describe('method stepped: one seat for the first this many members…'),
    step: Whole(1).optional().describe('…and one more per further this many or part thereof'),
    tieBreak: TieBreak.optional().describe('default: larger population first, then smaller id'),
  })
  .strict()
  .meta({ id: 'SeatRule' });

export const ElectingLevel = z.union(
  [z.object({ kind: Text(100, { min: 1 }) }).strict(), z.object({ depth: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100) }).strict()],
  { error: "must be { kind: '<unit kind>' } or { depth: <n> } (the root is depth 0)" },
);

export const Basis = z.enum(['roll', 'reported'], { error: "must be 'roll' (the frozen roll) or 'reported' (members of units that reported)" });

export const ConferenceInput = z
  .object({
    name: Text(500, { min: 1 }),
    electingLevel: ElectingLevel.describe('the units that elect delegates: every unit of this kind, or at this depth, of the frozen tree'),
    basis: Basis,
    deciding: SeatRule.describe('how the seats with a deciding vote are apportioned'),
    consultative: SeatRule.nullable().optional().describe('how the seats with a consultative vote are apportioned (absent: none)'),
  })
  .strict()
  .meta({ id: 'ConferenceDefinition' });
export type ConferenceInput = z.infer<typeof ConferenceInput>;

export const ApportionInput = z
  .object({ reason: Text(2000, { min: 1 }).optional().describe('required when re-apportioning: why the current table is replaced') })
  .strict();

const FractionText = z.string().describe("an exact fraction: '60/7', or '3' when whole");

const SeatCell = z.object({
  quota: FractionText.describe('the Hare quota p·S/P, exact'),
  quotaDecimal: z.string().describe('the quota to 4 decimal places, rounded half up'),
  share: FractionText.nullable().describe('hare, when a minimum or maximum bound it: the share the seats were rounded from (clamp(p·λ, min, max)); null otherwise'),
  seats: z.number().int(),
});

const Tie = z.object({
  by: z.enum(['remainder', 'quotient']),
  value: FractionText.nullable(),
  seats: z.number().int(),
  among: z.array(z.string()),
  awarded: z.array(z.string()),
  text: z.string(),
});

const KindSummary = z.object({ seats: z.number().int(), method: z.string(), tieBreak: z.string(), ties: z.array(Tie) });

const RuleOut = z.object({
  method: z.string(),
  seats: z.number().int().optional(),
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  per: z.number().int().optional(),
  first: z.number().int().optional(),
  step: z.number().int().optional(),
  tieBreak: z.object({ rule: z.string(), seed: z.number().int().optional() }).optional(),
});
const LevelOut = z.union([z.object({ kind: z.string() }), z.object({ depth: z.number().int() })]);

export const SeatTable = z
  .object({
    version: z.number().int(),
    basis: Basis,
    reason: z.string().nullable(),
    computedAt: z.string(),
    rules: z.object({ electingLevel: LevelOut, deciding: RuleOut, consultative: RuleOut.nullable() }),
    population: z.number().int().describe('members of the basis in the electing units'),
    outside: z.number().int().describe('members of the basis in no electing unit (not represented)'),
    deciding: KindSummary,
    consultative: KindSummary.nullable(),
    units: z.array(z.object({ unitId: z.string(), name: z.string(), population: z.number().int(), deciding: SeatCell, consultative: SeatCell.nullable() })),
  })
  .meta({ id: 'SeatTable' });

export const ConferenceState = z.enum(['draft', 'apportioned', 'in-session', 'closed']);

export const Conference = z
  .object({
    discussionId: z.string(),
    name: z.string(),
    electingLevel: LevelOut,
    basis: Basis,
    deciding: RuleOut,
    consultative: RuleOut.nullable(),
    state: ConferenceState,
    createdAt: z.string(),
    updatedAt: z.string(),
    voteRule: z.string().describe('how a motion is decided'),
    apportionment: SeatTable.nullable().describe('the current table (the latest run), or null before the first'),
    versions: z.array(z.object({ version: z.number().int(), computedAt: z.string(), reason: z.string().nullable() })),
  })
  .meta({ id: 'Conference' });

export const SeatKind = z.enum(['deciding', 'consultative'], { error: "must be 'deciding' or 'consultative'" });
export const DelegateState = z.enum(['pending', 'confirmed', 'rejected']);

export const DelegateInput = z
  .object({
    unitId: Id.describe('the electing unit'),
    memberId: Id.describe("the delegate: a member on the roll of the electing unit or a unit below it"),
    vote: SeatKind,
    electedAt: IsoDate.describe('the date of the meeting that elected the delegate'),
    electedMeeting: Text(1000, { min: 1 }).describe('which meeting: "Gubernia conference, 2nd session"'),
  })
  .strict()
  .meta({ id: 'DelegateElection' });

export const Delegate = z
  .object({
    id: z.string(),
    unitId: z.string(),
    memberId: z.string(),
    memberName: z.string().nullable().optional().describe('for the credentials committee only'),
    vote: SeatKind,
    electedAt: z.string(),
    electedMeeting: z.string(),
    state: DelegateState,
    recordedBy: z.string(),
    recordedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'Delegate' });

const Counts = z.object({ seats: z.number().int().nullable(), pending: z.number().int(), confirmed: z.number().int(), rejected: z.number().int() });
export const Delegates = z
  .object({
    discussionId: z.string(),
    units: z.array(z.object({ unitId: z.string(), name: z.string(), deciding: Counts, consultative: Counts })),
    totals: z.object({ deciding: Counts, consultative: Counts }),
    items: z.array(Delegate).optional().describe('each mandate with the member: for the office and the commission only'),
  })
  .meta({ id: 'Delegates' });

export const DelegateConfirm = z.object({ reason: Text(2000).optional() }).strict();
export const DelegateReject = z.object({ reason: Text(2000, { min: 1 }) }).strict();

export const MotionInput = z
  .discriminatedUnion(
    'kind',
    [
      z
        .object({
          kind: z.literal('resolution'),
          questionId: Id.optional().describe("the discussion's question it resolves"),
          title: Text(500, { min: 1 }),
          text: Text(200_000, { min: 1 }),
        })
        .strict(),
      z
        .object({
          kind: z.literal('amendment'),
          amends: Id.describe('the resolution it amends'),
          title: Text(500, { min: 1 }),
          text: Text(200_000, { min: 1 }),
          delegateId: Id.optional().describe('the office recording an amendment moved from the floor: the delegate who moved it'),
        })
        .strict(),
    ],
    { error: "kind must be 'resolution' or 'amendment'" },
  )
  .meta({ id: 'MotionProposal' });
export type MotionInput = z.infer<typeof MotionInput>;

export const Choice = z.enum(['for', 'against', 'abstain'], { error: "must be 'for', 'against' or 'abstain'" });

export const Vote = z
  .object({
    id: z.string(),
    motionId: z.string(),
    method: z.enum(['count', 'roll-call']),
    state: z.enum(['open', 'closed']),
    for: z.number().int().nullable(),
    against: z.number().int().nullable(),
    abstain: z.number().int().nullable(),
    eligible: z.number().int().nullable().describe('confirmed delegates with a deciding vote when the result was taken'),
    result: z.enum(['adopted', 'rejected']).nullable(),
    rule: z.string().nullable(),
    recordedAt: z.string(),
    closedAt: z.string().nullable(),
    ballotsCast: z.number().int(),
    ballots: z.array(z.object({ delegateId: z.string(), choice: Choice, recordedAt: z.string() })).optional().describe('roll call, for the office and the commission'),
  })
  .meta({ id: 'ConferenceVote' });

export const Motion = z
  .object({
    id: z.string(),
    questionId: z.string().nullable(),
    kind: z.enum(['resolution', 'amendment']),
    amends: z.string().nullable(),
    title: z.string(),
    text: z.string(),
    proposedBy: z.enum(['office', 'delegate']),
    proposerUnitId: z.string().nullable().describe("a delegate's electing unit"),
    delegateId: z.string().nullable().optional().describe('for the office and the commission'),
    createdAt: z.string(),
    state: z.enum(['proposed', 'adopted', 'rejected']),
    vote: Vote.nullable(),
  })
  .meta({ id: 'Motion' });

export const VoteInput = z
  .discriminatedUnion(
    'method',
    [
      z.object({ method: z.literal('count'), for: Count, against: Count, abstain: Count }).strict(),
      z.object({ method: z.literal('roll-call') }).strict(),
    ],
    { error: "method must be 'count' (with for, against, abstain) or 'roll-call'" },
  )
  .meta({ id: 'ConferenceVoteRequest' });
export type VoteInput = z.infer<typeof VoteInput>;

export const BallotInput = z.object({ delegateId: Id, choice: Choice }).strict().meta({ id: 'BallotRequest' });
export const Ballot = z.object({ voteId: z.string(), delegateId: z.string(), choice: Choice, recordedAt: z.string() });
