/**
 * The entries of the public record: what each log leaf says, as RFC 8785 canonical JSON (./canonical.ts), UTF-8.
 *
 * Every entry is a JSON object with `type` and `v: 1`, and no personal data — ids, counts, rule values, key ids,
 * SHA-256 hashes (lower-case hex) of texts that are served beside the log. An entry is at most 65,535 bytes: C2SP
 * tlog-tiles entry bundles prefix each entry with a uint16 length.
 *
 *   discussion  {type, v, discussionId, titleSha256, rules: {quorum, majority, publicMinUnitSize, witnesses:
 *               {required, keys}}, questions: [{id, positions: [positionId, …]}], reportingClosesAt}
 *               quorum is a decimal *string* ("0.5"): entries carry integers only. publicMinUnitSize is 0 when unset;
 *               witnesses {required: 0, keys: []} when none are required (keys: cosignature/v1 verifier keys).
 *   roll        {type, v, discussionId, part, parts, units: [[unitId, parentId | null, roll], …]}
 *               the frozen roll, units sorted by unitId (UTF-16 code units), cut into `parts` entries of at most
 *               ROLL_UNITS_PER_PART units; part runs 1..parts. With ids of at most 64 characters and counts of at
 *               most 100,000,000, a full part is under 60,000 bytes.
 *   report      {type, v, discussionId, unitId, version, supersedes, meetingDate, present,
 *               votes: {questionId: {positions: {positionId: n}, abstain: n}}, resolutionSha256, submittedAt, keyId,
 *               enteredBy: "unit" | "office", signature}
 *               signature: standard base64 of the 64-byte Ed25519 signature by key `keyId` over the report's
 *               statement (./signing.ts): "plenum-report/v1\n" followed by the canonical JSON of the entry without
 *               `signature` and `submittedAt` (the one field the server adds after signing).
 *   key         {type, v, action: "enrol", keyId, unitId, publicKey, approvedBy}
 *               {type, v, action: "rotate", keyId, unitId, publicKey, replaces, approvedBy}
 *               {type, v, action: "revoke", keyId, unitId, approvedBy}
 *               publicKey: standard base64 (with padding) of a 32-byte Ed25519 public key, canonical spelling.
 *   challenge   {type, v, discussionId, challengeId, unitId, version, reason, textSha256}
 *               a challenge to a unit's report version (who filed it is not logged).
 *   adjudication {type, v, discussionId, adjudicationId, challengeId | null, unitId, version, decision,
 *               criterionSha256, reasonSha256, struck: {present, votes} | null}
 *               the commission's decision on a report version (challengeId null: of its own motion); struck is set
 *               for decision "strike-votes" only.
 *   apportionment {type, v, discussionId, version, basis: "roll" | "reported", deciding, consultative | null,
 *               reasonSha256 | null, units: [[unitId, population, decidingSeats, consultativeSeats], …]}
 *               a conference's seat table as computed (rules: the apportionment engine's options, without absent
 *               members); population: the electing unit's subtree's voting members on the roll, or in units that had
 *               reported when it was computed.
 *   decision    {type, v, discussionId, decisionId, kind: "decision" | "erratum", corrects | null, effectiveDate,
 *               textsSha256, reasonSha256 | null, basedOn: {size, rootHash} | null, tally: {reported, adjudicated} |
 *               null, votes: [{questionId, motionId, for, against, abstain, result}]}
 *               the binding decision (textsSha256: of the canonical JSON of its texts by language), resting on the
 *               log's first `size` entries (rootHash: their tree's root, hex) and the root tally they give; an
 *               erratum corrects an earlier decision entry and carries no tally.
 *
 * `parseEntry` accepts exactly the bytes a builder produces: canonical (re-canonicalized and compared byte for byte),
 * a known type, v = 1, no unknown members, within the size limit.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Count, Id, IsoDate, IsoDateTime } from '../schemas/common.ts';
import { CanonicalError, canonicalBytes, compareUtf16, parseCanonical } from './canonical.ts';
import { scanReportEntry } from './report-scan.ts';

/** uint16 length prefix in tlog-tiles entry bundles. */
export const MAX_ENTRY_BYTES = 65_535;
/** Units per `roll` entry. 400 × at most 146 bytes per unit, plus the envelope, stays under MAX_ENTRY_BYTES. */
export const ROLL_UNITS_PER_PART = 400;
export const ENTRY_VERSION = 1;

export class EntryError extends Error {
  override name = 'EntryError';
}

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
const Decimal = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/, 'must be a decimal such as 0.5');
const PositiveInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const PublicKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be the base64 of a 32-byte key')
  .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, { message: 'must be canonical base64' });

const Signature = z
  .string()
  .regex(/^[A-Za-z0-9+/]{86}==$/, 'must be the base64 of a 64-byte Ed25519 signature')
  .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, { message: 'must be canonical base64' });

const Envelope = { v: z.literal(ENTRY_VERSION) };

const DiscussionEntrySchema = z.strictObject({
  type: z.literal('discussion'),
  ...Envelope,
  discussionId: Id,
  titleSha256: Sha256Hex,
  rules: z.strictObject({
    quorum: Decimal,
    majority: z.enum(['votes-cast', 'present']),
    publicMinUnitSize: Count,
    witnesses: z.strictObject({ required: Count, keys: z.array(z.string().min(1).max(300)).max(20) }),
  }),
  questions: z.array(z.strictObject({ id: Id, positions: z.array(Id) })),
  reportingClosesAt: IsoDateTime,
});

const RollEntrySchema = z
  .strictObject({
    type: z.literal('roll'),
    ...Envelope,
    discussionId: Id,
    part: PositiveInt,
    parts: PositiveInt,
    units: z.array(z.tuple([Id, Id.nullable(), Count])).max(ROLL_UNITS_PER_PART),
  })
  .refine((e) => e.part <= e.parts, { message: 'part must be at most parts' })
  .refine((e) => e.units.every((u, i) => i === 0 || compareUtf16(e.units[i - 1]![0], u[0]) < 0), {
    message: 'units must be sorted by unitId, without repeats',
  });

const QuestionVotesSchema = z.strictObject({ positions: z.record(Id, Count), abstain: Count });

const ReportEntrySchema = z.strictObject({
  type: z.literal('report'),
  ...Envelope,
  discussionId: Id,
  unitId: Id,
  version: PositiveInt,
  supersedes: PositiveInt.nullable(),
  meetingDate: IsoDate,
  present: Count,
  votes: z.record(Id, QuestionVotesSchema),
  resolutionSha256: Sha256Hex,
  submittedAt: IsoDateTime,
  keyId: Id,
  enteredBy: z.enum(['unit', 'office']),
  signature: Signature,
});

const KeyBase = { type: z.literal('key'), ...Envelope, keyId: Id, unitId: Id, approvedBy: Id };
const KeyEntrySchema = z.discriminatedUnion('action', [
  z.strictObject({ ...KeyBase, action: z.literal('enrol'), publicKey: PublicKey }),
  z.strictObject({ ...KeyBase, action: z.literal('rotate'), publicKey: PublicKey, replaces: Id }),
  z.strictObject({ ...KeyBase, action: z.literal('revoke') }),
]);

const ChallengeEntrySchema = z.strictObject({
  type: z.literal('challenge'),
  ...Envelope,
  discussionId: Id,
  challengeId: Id,
  unitId: Id,
  version: PositiveInt,
  reason: z.enum(['no-quorum', 'roll', 'counts', 'procedure', 'pressure', 'ballots', 'other']),
  textSha256: Sha256Hex,
});

const AdjudicationEntrySchema = z.strictObject({
  type: z.literal('adjudication'),
  ...Envelope,
  discussionId: Id,
  adjudicationId: Id,
  challengeId: Id.nullable(),
  unitId: Id,
  version: PositiveInt,
  decision: z.enum(['uphold', 'order-correction', 'strike', 'strike-votes']),
  criterionSha256: Sha256Hex,
  reasonSha256: Sha256Hex,
  struck: z.strictObject({ present: Count, votes: z.record(Id, QuestionVotesSchema) }).nullable(),
});

const SeatRuleSchema = z.strictObject({
  method: z.enum(['hare', 'dhondt', 'sainte-lague', 'huntington-hill', 'adams', 'per', 'stepped']),
  seats: Count.optional(),
  min: Count.optional(),
  max: Count.optional(),
  per: PositiveInt.optional(),
  first: PositiveInt.optional(),
  step: PositiveInt.optional(),
  tieBreak: z.discriminatedUnion('rule', [z.strictObject({ rule: z.literal('larger-population-then-id') }), z.strictObject({ rule: z.literal('lot'), seed: Count })]).optional(),
});

const ApportionmentEntrySchema = z.strictObject({
  type: z.literal('apportionment'),
  ...Envelope,
  discussionId: Id,
  version: PositiveInt,
  basis: z.enum(['roll', 'reported']),
  deciding: SeatRuleSchema,
  consultative: SeatRuleSchema.nullable(),
  reasonSha256: Sha256Hex.nullable(),
  units: z.array(z.tuple([Id, Count, Count, Count])).min(1),
});

const TallyFiguresSchema = z.strictObject({
  unitsTotal: Count,
  unitsReported: Count,
  unitsQuorate: Count,
  membersTotal: Count,
  membersReported: Count,
  present: Count,
  unitsOfficeSigned: Count,
  questions: z.record(
    Id,
    z.strictObject({ adopted: z.record(Id, z.strictObject({ units: Count, members: Count })), votes: z.record(Id, Count), abstain: Count }),
  ),
});

const DecisionEntrySchema = z.strictObject({
  type: z.literal('decision'),
  ...Envelope,
  discussionId: Id,
  decisionId: Id,
  kind: z.enum(['decision', 'erratum']),
  corrects: Id.nullable(),
  effectiveDate: IsoDate,
  textsSha256: Sha256Hex,
  reasonSha256: Sha256Hex.nullable(),
  basedOn: z.strictObject({ size: PositiveInt, rootHash: Sha256Hex }).nullable(),
  tally: z.strictObject({ reported: TallyFiguresSchema, adjudicated: TallyFiguresSchema }).nullable(),
  votes: z.array(z.strictObject({ questionId: Id, motionId: Id, for: Count, against: Count, abstain: Count, result: z.enum(['adopted', 'rejected']) })),
});

export type DiscussionEntry = z.infer<typeof DiscussionEntrySchema>;
export type DecisionEntry = z.infer<typeof DecisionEntrySchema>;
export type ApportionmentEntry = z.infer<typeof ApportionmentEntrySchema>;
export type TallyFigures = z.infer<typeof TallyFiguresSchema>;
export type ChallengeEntry = z.infer<typeof ChallengeEntrySchema>;
export type AdjudicationEntry = z.infer<typeof AdjudicationEntrySchema>;
export type RollEntry = z.infer<typeof RollEntrySchema>;
export type RollUnit = RollEntry['units'][number];
export type ReportEntry = z.infer<typeof ReportEntrySchema>;
export type KeyEntry = z.infer<typeof KeyEntrySchema>;
export type Entry = DiscussionEntry | RollEntry | ReportEntry | KeyEntry | ChallengeEntry | AdjudicationEntry | DecisionEntry | ApportionmentEntry;
export type EntryType = Entry['type'];

/** Distributes Omit over a union (so each key-entry action keeps its own fields). */
type Fields<T> = T extends unknown ? Omit<T, 'type' | 'v'> : never;

const SCHEMAS = {
  discussion: DiscussionEntrySchema,
  roll: RollEntrySchema,
  report: ReportEntrySchema,
  key: KeyEntrySchema,
  challenge: ChallengeEntrySchema,
  adjudication: AdjudicationEntrySchema,
  decision: DecisionEntrySchema,
  apportionment: ApportionmentEntrySchema,
} as const;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
}

function validate(value: unknown): Entry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EntryError('an entry is a JSON object');
  const { type, v } = value as { type?: unknown; v?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(SCHEMAS, type)) throw new EntryError(`unknown entry type ${JSON.stringify(type)}`);
  if (v !== ENTRY_VERSION) throw new EntryError(`unsupported ${type} entry version ${JSON.stringify(v)}`);
  const result = SCHEMAS[type as EntryType].safeParse(value);
  if (!result.success) throw new EntryError(`invalid ${type} entry: ${describe(result.error)}`);
  return result.data;
}

function encode(entry: Entry): Uint8Array {
  const checked = validate(entry);
  const bytes = canonicalBytes(checked);
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new EntryError(`${entry.type} entry is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
  }
  return bytes;
}

/** Decode a log entry, refusing anything a builder would not have produced byte for byte. */
export function parseEntry(bytes: Uint8Array): Entry {
  if (bytes.length > MAX_ENTRY_BYTES) throw new EntryError(`entry is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
  // The fast path for reports (./report-scan.ts): it only ever accepts; anything it does not goes the full way.
  return scanReportEntry(bytes) ?? parseEntryFully(bytes);
}

/** `parseEntry` without the report scanner: the definition the scanner is tested against. */
export function parseEntryFully(bytes: Uint8Array): Entry {
  if (bytes.length > MAX_ENTRY_BYTES) throw new EntryError(`entry is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
  let value: unknown;
  try {
    value = parseCanonical(bytes);
  } catch (e) {
    if (e instanceof CanonicalError) throw new EntryError(`entry refused: ${e.message}`);
    throw e;
  }
  return validate(value);
}

export function discussionEntry(fields: Fields<DiscussionEntry>): Uint8Array {
  return encode({ type: 'discussion', v: ENTRY_VERSION, ...fields });
}

/** The discussion entry of a definition as the domain holds it: the title is hashed, the quorum written as a decimal. */
export function discussionEntryFromDefinition(d: {
  id: string;
  title: string;
  reportingClosesAt: string;
  rules: { quorum: number; majority: 'votes-cast' | 'present'; publicMinUnitSize?: number | undefined; witnesses?: { required: number; keys: string[] } | undefined };
  questions: readonly { id: string; positions: readonly { id: string }[] }[];
}): Uint8Array {
  return discussionEntry({
    discussionId: d.id,
    titleSha256: sha256Hex(d.title),
    rules: {
      // String(n) is the shortest decimal that reads back as n, so the domain's exact reading is unchanged.
      quorum: String(d.rules.quorum),
      majority: d.rules.majority,
      publicMinUnitSize: d.rules.publicMinUnitSize ?? 0,
      witnesses: d.rules.witnesses ?? { required: 0, keys: [] },
    },
    questions: d.questions.map((q) => ({ id: q.id, positions: q.positions.map((p) => p.id) })),
    reportingClosesAt: d.reportingClosesAt,
  });
}

/** The frozen roll as `roll` entries: units sorted by id, ROLL_UNITS_PER_PART per entry, parts numbered from 1. */
export function rollEntries(discussionId: string, units: readonly RollUnit[]): Uint8Array[] {
  const sorted = [...units].sort((a, b) => compareUtf16(a[0], b[0]));
  const parts = Math.max(1, Math.ceil(sorted.length / ROLL_UNITS_PER_PART));
  const out: Uint8Array[] = [];
  for (let p = 0; p < parts; p++) {
    const slice = sorted.slice(p * ROLL_UNITS_PER_PART, (p + 1) * ROLL_UNITS_PER_PART).map((u) => [u[0], u[1], u[2]] as RollUnit);
    out.push(encode({ type: 'roll', v: ENTRY_VERSION, discussionId, part: p + 1, parts, units: slice }));
  }
  return out;
}

/**
 * Reassemble a roll from its parts, in order: same discussion, parts 1..parts each once, units strictly increasing
 * by id across the parts.
 */
export function joinRollParts(entries: readonly RollEntry[]): RollUnit[] {
  const first = entries[0];
  if (!first) throw new EntryError('a roll has at least one part');
  if (entries.length !== first.parts) throw new EntryError(`roll has ${entries.length} parts, expected ${first.parts}`);
  const units: RollUnit[] = [];
  entries.forEach((e, i) => {
    if (e.discussionId !== first.discussionId) throw new EntryError(`roll part ${i + 1} belongs to another discussion`);
    if (e.parts !== first.parts || e.part !== i + 1) throw new EntryError(`roll part ${i + 1} is numbered ${e.part}/${e.parts}`);
    for (const u of e.units) {
      const last = units[units.length - 1];
      if (last && compareUtf16(last[0], u[0]) >= 0) throw new EntryError(`roll unit ${u[0]} out of order or repeated`);
      units.push(u);
    }
  });
  return units;
}

export function reportEntry(fields: Fields<ReportEntry>): Uint8Array {
  return encode({ type: 'report', v: ENTRY_VERSION, ...fields });
}

export function challengeEntry(fields: Fields<ChallengeEntry>): Uint8Array {
  return encode({ type: 'challenge', v: ENTRY_VERSION, ...fields });
}

export function adjudicationEntry(fields: Fields<AdjudicationEntry>): Uint8Array {
  return encode({ type: 'adjudication', v: ENTRY_VERSION, ...fields });
}

export function apportionmentEntry(fields: Fields<ApportionmentEntry>): Uint8Array {
  return encode({ type: 'apportionment', v: ENTRY_VERSION, ...fields });
}

export function decisionEntry(fields: Fields<DecisionEntry>): Uint8Array {
  return encode({ type: 'decision', v: ENTRY_VERSION, ...fields });
}

export function keyEntry(fields: Fields<KeyEntry>): Uint8Array {
  return encode({ type: 'key', v: ENTRY_VERSION, ...fields } as KeyEntry);
}
