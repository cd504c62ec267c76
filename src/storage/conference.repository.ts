/**
 * The conference's tables (migration 2026-11-27T01-00-conference): the definition, apportionment runs and their seat
 * tables, delegates, motions, votes and roll-call ballots. Rows in, records out; the rules are in
 * src/services/conference.ts.
 */
import type { ApportionmentOptions, BrokenTie } from '../domain/apportionment.ts';
import type { Fraction } from '../domain/fraction.ts';
import { chunks } from './batch.ts';
import { isPostgres, type Db } from './db.ts';
import type { ConferenceVotesTable, DelegatesTable } from './schema.ts';

export type ConferenceState = 'draft' | 'apportioned' | 'in-session' | 'closed';
export type Basis = 'roll' | 'reported';
export type SeatKind = 'deciding' | 'consultative';
export type ElectingLevel = { kind: string } | { depth: number };
/** An apportionment rule as defined: the engine's options (method, seats, min, max, per, first, step, tieBreak). */
export type SeatRule = ApportionmentOptions;

export interface ConferenceRecord {
  discussionId: string;
  name: string;
  electingLevel: ElectingLevel;
  basis: Basis;
  deciding: SeatRule;
  consultative: SeatRule | null;
  state: ConferenceState;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConferenceDefinition {
  name: string;
  electingLevel: ElectingLevel;
  basis: Basis;
  deciding: SeatRule;
  consultative: SeatRule | null;
}

const levelColumns = (l: ElectingLevel) => ('kind' in l ? { electing_kind: l.kind, electing_depth: null } : { electing_kind: null, electing_depth: l.depth });

export async function findConference(db: Db, discussionId: string, opts: { lock?: boolean } = {}): Promise<ConferenceRecord | undefined> {
  let q = db.selectFrom('conferences').selectAll().where('discussion_id', '=', discussionId);
  // Every conference write locks its row first (PostgreSQL; SQLite has one writer): seat counts, states and
  // version numbers are checked and changed by one writer at a time.
  if (opts.lock && isPostgres(db)) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return (
    r && {
      discussionId: r.discussion_id,
      name: r.name,
      electingLevel: r.electing_kind !== null ? { kind: r.electing_kind } : { depth: r.electing_depth! },
      basis: r.basis as Basis,
      deciding: JSON.parse(r.deciding_rule) as SeatRule,
      consultative: r.consultative_rule === null ? null : (JSON.parse(r.consultative_rule) as SeatRule),
      state: r.state as ConferenceState,
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }
  );
}

export async function insertConference(db: Db, discussionId: string, def: ConferenceDefinition, by: string, now: string): Promise<void> {
  await db
    .insertInto('conferences')
    .values({
      discussion_id: discussionId,
      name: def.name,
      ...levelColumns(def.electingLevel),
      basis: def.basis,
      deciding_rule: JSON.stringify(def.deciding),
      consultative_rule: def.consultative === null ? null : JSON.stringify(def.consultative),
      state: 'draft',
      created_by: by,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateConferenceDefinition(db: Db, discussionId: string, def: ConferenceDefinition, now: string): Promise<void> {
  await db
    .updateTable('conferences')
    .set({
      name: def.name,
      ...levelColumns(def.electingLevel),
      basis: def.basis,
      deciding_rule: JSON.stringify(def.deciding),
      consultative_rule: def.consultative === null ? null : JSON.stringify(def.consultative),
      updated_at: now,
    })
    .where('discussion_id', '=', discussionId)
    .execute();
}

/** Moves the conference to `to` if it is in one of `from`; false otherwise. */
export async function setConferenceState(db: Db, discussionId: string, from: readonly ConferenceState[], to: ConferenceState, now: string): Promise<boolean> {
  const r = await db.updateTable('conferences').set({ state: to, updated_at: now }).where('discussion_id', '=', discussionId).where('state', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- apportionment runs -------------------------------------------------------------------------------------------

export interface SeatCell {
  quota: Fraction;
  /** Hare only, when it differs from nothing: the share rounded from (clamp(p·λ, min, max)). */
  share: Fraction | null;
  seats: number;
}

export interface SeatRow {
  unitId: string;
  /** The unit's name in the frozen tree (public: a unit, not a person). */
  name: string;
  population: number;
  deciding: SeatCell;
  consultative: SeatCell | null;
}

export interface ApportionmentRun {
  version: number;
  basis: Basis;
  /** The definition the run was computed under. */
  rules: { electingLevel: ElectingLevel; deciding: SeatRule; consultative: SeatRule | null };
  population: number;
  outside: number;
  decidingSeats: number;
  consultativeSeats: number | null;
  ties: { deciding: BrokenTie[]; consultative: BrokenTie[] };
  reason: string | null;
  computedBy: string;
  computedAt: string;
}

export interface ApportionmentTable extends ApportionmentRun {
  units: SeatRow[];
}

// Ties hold fractions (bigint): stored as { num, den } strings.
const tiesToJson = (t: ApportionmentRun['ties']) =>
  JSON.stringify(t, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const tiesFromJson = (s: string): ApportionmentRun['ties'] => {
  const raw = JSON.parse(s) as { deciding: Array<BrokenTie & { value?: { num: string; den: string } }>; consultative: Array<BrokenTie & { value?: { num: string; den: string } }> };
  const fix = (ts: typeof raw.deciding): BrokenTie[] => ts.map((t) => ({ ...t, ...(t.value ? { value: { num: BigInt(t.value.num), den: BigInt(t.value.den) } } : {}) }));
  return { deciding: fix(raw.deciding), consultative: fix(raw.consultative) };
};
const fractionText = (f: Fraction | null) => (f === null ? null : `${f.num}/${f.den}`);
const fractionOf = (s: string | null): Fraction | null => {
  if (s === null) return null;
  const [num, den] = s.split('/');
  return { num: BigInt(num!), den: BigInt(den!) };
};

export async function latestApportionmentVersion(db: Db, discussionId: string): Promise<number> {
  const r = await db
    .selectFrom('conference_apportionments')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('discussion_id', '=', discussionId)
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

export async function insertApportionment(db: Db, discussionId: string, run: ApportionmentRun, rows: readonly Omit<SeatRow, 'name'>[]): Promise<void> {
  await db
    .insertInto('conference_apportionments')
    .values({
      discussion_id: discussionId,
      version: run.version,
      basis: run.basis,
      rules: JSON.stringify(run.rules),
      population: run.population,
      outside: run.outside,
      deciding_seats: run.decidingSeats,
      consultative_seats: run.consultativeSeats,
      ties: tiesToJson(run.ties),
      reason: run.reason,
      computed_by: run.computedBy,
      computed_at: run.computedAt,
    })
    .execute();
  for (const chunk of chunks(rows, 12)) {
    await db
      .insertInto('conference_seats')
      .values(
        chunk.map((r) => ({
          discussion_id: discussionId,
          version: run.version,
          unit_id: r.unitId,
          population: r.population,
          deciding_quota_num: r.deciding.quota.num.toString(),
          deciding_quota_den: r.deciding.quota.den.toString(),
          deciding_share: fractionText(r.deciding.share),
          deciding: r.deciding.seats,
          consultative_quota_num: r.consultative?.quota.num.toString() ?? null,
          consultative_quota_den: r.consultative?.quota.den.toString() ?? null,
          consultative_share: r.consultative ? fractionText(r.consultative.share) : null,
          consultative: r.consultative?.seats ?? null,
        })),
      )
      .execute();
  }
}

function runOf(r: {
  version: number;
  basis: string;
  rules: string;
  population: number;
  outside: number;
  deciding_seats: number;
  consultative_seats: number | null;
  ties: string;
  reason: string | null;
  computed_by: string;
  computed_at: string;
}): ApportionmentRun {
  return {
    version: r.version,
    basis: r.basis as Basis,
    rules: JSON.parse(r.rules) as ApportionmentRun['rules'],
    population: r.population,
    outside: r.outside,
    decidingSeats: r.deciding_seats,
    consultativeSeats: r.consultative_seats,
    ties: tiesFromJson(r.ties),
    reason: r.reason,
    computedBy: r.computed_by,
    computedAt: r.computed_at,
  };
}

/** Every run, oldest first (headers only). */
export async function listApportionments(db: Db, discussionId: string): Promise<ApportionmentRun[]> {
  const rows = await db.selectFrom('conference_apportionments').selectAll().where('discussion_id', '=', discussionId).orderBy('version').execute();
  return rows.map(runOf);
}

/** One run with its table (the latest when `version` is absent), units in id order. */
export async function findApportionment(db: Db, discussionId: string, version?: number): Promise<ApportionmentTable | undefined> {
  const v = version ?? (await latestApportionmentVersion(db, discussionId));
  const head = await db.selectFrom('conference_apportionments').selectAll().where('discussion_id', '=', discussionId).where('version', '=', v).executeTakeFirst();
  if (!head) return undefined;
  const rows = await db
    .selectFrom('conference_seats as s')
    .leftJoin('discussion_units as u', (j) => j.onRef('u.discussion_id', '=', 's.discussion_id').onRef('u.unit_id', '=', 's.unit_id'))
    .selectAll('s')
    .select('u.name')
    .where('s.discussion_id', '=', discussionId)
    .where('s.version', '=', v)
    .orderBy('s.unit_id')
    .execute();
  return {
    ...runOf(head),
    units: rows.map((r) => ({
      unitId: r.unit_id,
      name: r.name ?? r.unit_id,
      population: r.population,
      deciding: { quota: { num: BigInt(r.deciding_quota_num), den: BigInt(r.deciding_quota_den) }, share: fractionOf(r.deciding_share), seats: r.deciding },
      consultative:
        r.consultative === null
          ? null
          : { quota: { num: BigInt(r.consultative_quota_num!), den: BigInt(r.consultative_quota_den!) }, share: fractionOf(r.consultative_share), seats: r.consultative },
    })),
  };
}

// ---- delegates ------------------------------------------------------------------------------------------------------

export type DelegateState = 'pending' | 'confirmed' | 'rejected';

export interface DelegateRecord {
  id: string;
  discussionId: string;
  unitId: string;
  memberId: string;
  vote: SeatKind;
  electedAt: string;
  electedMeeting: string;
  state: DelegateState;
  recordedBy: string;
  recordedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

const delegateOf = (r: DelegatesTable): DelegateRecord => ({
  id: r.id,
  discussionId: r.discussion_id,
  unitId: r.unit_id,
  memberId: r.member_id,
  vote: r.vote as SeatKind,
  electedAt: r.elected_at,
  electedMeeting: r.elected_meeting,
  state: r.state as DelegateState,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  reason: r.reason,
});

export async function insertDelegate(db: Db, d: DelegateRecord): Promise<void> {
  await db
    .insertInto('delegates')
    .values({
      id: d.id,
      discussion_id: d.discussionId,
      unit_id: d.unitId,
      member_id: d.memberId,
      vote: d.vote,
      elected_at: d.electedAt,
      elected_meeting: d.electedMeeting,
      state: d.state,
      recorded_by: d.recordedBy,
      recorded_at: d.recordedAt,
      decided_by: d.decidedBy,
      decided_at: d.decidedAt,
      reason: d.reason,
    })
    .execute();
}

export async function findDelegate(db: Db, discussionId: string, id: string): Promise<DelegateRecord | undefined> {
  const r = await db.selectFrom('delegates').selectAll().where('discussion_id', '=', discussionId).where('id', '=', id).executeTakeFirst();
  return r && delegateOf(r);
}

/** The member's mandate in this conference that is not rejected (pending or confirmed), if any. */
export async function findStandingDelegateOfMember(db: Db, discussionId: string, memberId: string): Promise<DelegateRecord | undefined> {
  const r = await db
    .selectFrom('delegates')
    .selectAll()
    .where('discussion_id', '=', discussionId)
    .where('member_id', '=', memberId)
    .where('state', '!=', 'rejected')
    .executeTakeFirst();
  return r && delegateOf(r);
}

/** Every delegate, with the member's name from the roll (for the credentials committee), by unit then record time. */
export async function listDelegates(db: Db, discussionId: string): Promise<Array<DelegateRecord & { memberName: string | null }>> {
  const rows = await db
    .selectFrom('delegates as d')
    .leftJoin('members as m', 'm.id', 'd.member_id')
    .selectAll('d')
    .select('m.name as member_name')
    .where('d.discussion_id', '=', discussionId)
    .orderBy('d.unit_id')
    .orderBy('d.recorded_at')
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({ ...delegateOf(r), memberName: r.member_name }));
}

/** Delegates per (unit, vote, state): the public view's counts. */
export async function countDelegates(db: Db, discussionId: string): Promise<Array<{ unitId: string; vote: SeatKind; state: DelegateState; n: number }>> {
  const rows = await db
    .selectFrom('delegates')
    .select((eb) => ['unit_id', 'vote', 'state', eb.fn.countAll<number>().as('n')])
    .where('discussion_id', '=', discussionId)
    .groupBy(['unit_id', 'vote', 'state'])
    .execute();
  return rows.map((r) => ({ unitId: r.unit_id, vote: r.vote as SeatKind, state: r.state as DelegateState, n: Number(r.n) }));
}

/** Confirmed delegates with a deciding vote: who may vote. */
export async function countConfirmedDeciding(db: Db, discussionId: string): Promise<number> {
  const r = await db
    .selectFrom('delegates')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('discussion_id', '=', discussionId)
    .where('vote', '=', 'deciding')
    .where('state', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Decides a pending mandate; false if it was no longer pending. */
export async function decideDelegate(db: Db, discussionId: string, id: string, to: 'confirmed' | 'rejected', decided: { by: string; at: string; reason: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('delegates')
    .set({ state: to, decided_by: decided.by, decided_at: decided.at, reason: decided.reason })
    .where('discussion_id', '=', discussionId)
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A member on the (live) roll, and whether her status votes. */
export async function findMemberStanding(db: Db, memberId: string): Promise<{ id: string; unitId: string; status: string; votes: boolean } | undefined> {
  const r = await db
    .selectFrom('members')
    .leftJoin('member_statuses', 'member_statuses.status', 'members.status')
    .select(['members.id', 'members.unit_id', 'members.status', 'member_statuses.votes'])
    .where('members.id', '=', memberId)
    .executeTakeFirst();
  return r && { id: r.id, unitId: r.unit_id, status: r.status, votes: r.votes === 1 };
}

// ---- motions ----------------------------------------------------------------------------------------------------------

export type MotionKind = 'resolution' | 'amendment';
export type MotionState = 'proposed' | 'adopted' | 'rejected';

export interface MotionRecord {
  id: string;
  discussionId: string;
  questionId: string | null;
  kind: MotionKind;
  amends: string | null;
  title: string;
  text: string;
  /** A delegate id, or `office`. */
  proposedBy: string;
  createdBy: string;
  createdAt: string;
  state: MotionState;
}

export async function insertMotion(db: Db, m: MotionRecord): Promise<void> {
  await db
    .insertInto('conference_motions')
    .values({
      id: m.id,
      discussion_id: m.discussionId,
      question_id: m.questionId,
      kind: m.kind,
      amends: m.amends,
      title: m.title,
      text: m.text,
      proposed_by: m.proposedBy,
      created_by: m.createdBy,
      created_at: m.createdAt,
      state: m.state,
    })
    .execute();
}

const motionOf = (r: {
  id: string;
  discussion_id: string;
  question_id: string | null;
  kind: string;
  amends: string | null;
  title: string;
  text: string;
  proposed_by: string;
  created_by: string;
  created_at: string;
  state: string;
}): MotionRecord => ({
  id: r.id,
  discussionId: r.discussion_id,
  questionId: r.question_id,
  kind: r.kind as MotionKind,
  amends: r.amends,
  title: r.title,
  text: r.text,
  proposedBy: r.proposed_by,
  createdBy: r.created_by,
  createdAt: r.created_at,
  state: r.state as MotionState,
});

export async function findMotion(db: Db, discussionId: string, id: string): Promise<MotionRecord | undefined> {
  const r = await db.selectFrom('conference_motions').selectAll().where('discussion_id', '=', discussionId).where('id', '=', id).executeTakeFirst();
  return r && motionOf(r);
}

export async function listMotions(db: Db, discussionId: string): Promise<MotionRecord[]> {
  const rows = await db.selectFrom('conference_motions').selectAll().where('discussion_id', '=', discussionId).orderBy('created_at').orderBy('id').execute();
  return rows.map(motionOf);
}

/** Sets a proposed motion's result; false if it was no longer proposed. */
export async function setMotionResult(db: Db, discussionId: string, id: string, to: 'adopted' | 'rejected'): Promise<boolean> {
  const r = await db
    .updateTable('conference_motions')
    .set({ state: to })
    .where('discussion_id', '=', discussionId)
    .where('id', '=', id)
    .where('state', '=', 'proposed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- votes and ballots ------------------------------------------------------------------------------------------------

export type VoteMethod = 'count' | 'roll-call';
export type Choice = 'for' | 'against' | 'abstain';

export interface VoteRecord {
  id: string;
  discussionId: string;
  motionId: string;
  method: VoteMethod;
  state: 'open' | 'closed';
  for: number | null;
  against: number | null;
  abstain: number | null;
  eligible: number | null;
  result: 'adopted' | 'rejected' | null;
  rule: string | null;
  recordedBy: string;
  recordedAt: string;
  closedBy: string | null;
  closedAt: string | null;
}

const voteOf = (r: ConferenceVotesTable): VoteRecord => ({
  id: r.id,
  discussionId: r.discussion_id,
  motionId: r.motion_id,
  method: r.method as VoteMethod,
  state: r.state as VoteRecord['state'],
  for: r.votes_for,
  against: r.votes_against,
  abstain: r.votes_abstain,
  eligible: r.eligible,
  result: r.result as VoteRecord['result'],
  rule: r.rule,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  closedBy: r.closed_by,
  closedAt: r.closed_at,
});

export async function insertVote(db: Db, v: VoteRecord): Promise<void> {
  await db
    .insertInto('conference_votes')
    .values({
      id: v.id,
      discussion_id: v.discussionId,
      motion_id: v.motionId,
      method: v.method,
      state: v.state,
      votes_for: v.for,
      votes_against: v.against,
      votes_abstain: v.abstain,
      eligible: v.eligible,
      result: v.result,
      rule: v.rule,
      recorded_by: v.recordedBy,
      recorded_at: v.recordedAt,
      closed_by: v.closedBy,
      closed_at: v.closedAt,
    })
    .execute();
}

export async function findVote(db: Db, discussionId: string, id: string): Promise<VoteRecord | undefined> {
  const r = await db.selectFrom('conference_votes').selectAll().where('discussion_id', '=', discussionId).where('id', '=', id).executeTakeFirst();
  return r && voteOf(r);
}

export async function findVoteOfMotion(db: Db, discussionId: string, motionId: string): Promise<VoteRecord | undefined> {
  const r = await db.selectFrom('conference_votes').selectAll().where('discussion_id', '=', discussionId).where('motion_id', '=', motionId).executeTakeFirst();
  return r && voteOf(r);
}

export async function listVotes(db: Db, discussionId: string): Promise<VoteRecord[]> {
  const rows = await db.selectFrom('conference_votes').selectAll().where('discussion_id', '=', discussionId).orderBy('recorded_at').orderBy('id').execute();
  return rows.map(voteOf);
}

export async function countOpenVotes(db: Db, discussionId: string): Promise<number> {
  const r = await db
    .selectFrom('conference_votes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('discussion_id', '=', discussionId)
    .where('state', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Closes an open vote with its result, once; false if it was no longer open. */
export async function closeVoteRow(
  db: Db,
  discussionId: string,
  id: string,
  c: { for: number; against: number; abstain: number; eligible: number; result: 'adopted' | 'rejected'; rule: string; by: string; at: string },
): Promise<boolean> {
  const r = await db
    .updateTable('conference_votes')
    .set({ state: 'closed', votes_for: c.for, votes_against: c.against, votes_abstain: c.abstain, eligible: c.eligible, result: c.result, rule: c.rule, closed_by: c.by, closed_at: c.at })
    .where('discussion_id', '=', discussionId)
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface BallotRecord {
  voteId: string;
  delegateId: string;
  choice: Choice;
  recordedBy: string;
  recordedAt: string;
}

/** One ballot; the primary key (vote, delegate) refuses a second one from the same delegate. */
export async function insertBallot(db: Db, b: BallotRecord): Promise<void> {
  await db
    .insertInto('conference_ballots')
    .values({ vote_id: b.voteId, delegate_id: b.delegateId, choice: b.choice, recorded_by: b.recordedBy, recorded_at: b.recordedAt })
    .execute();
}

export async function listBallots(db: Db, voteId: string): Promise<BallotRecord[]> {
  const rows = await db.selectFrom('conference_ballots').selectAll().where('vote_id', '=', voteId).orderBy('recorded_at').orderBy('delegate_id').execute();
  return rows.map((r) => ({ voteId: r.vote_id, delegateId: r.delegate_id, choice: r.choice as Choice, recordedBy: r.recorded_by, recordedAt: r.recorded_at }));
}

export async function countBallots(db: Db, voteId: string): Promise<Record<Choice, number>> {
  const rows = await db
    .selectFrom('conference_ballots')
    .select((eb) => ['choice', eb.fn.countAll<number>().as('n')])
    .where('vote_id', '=', voteId)
    .groupBy('choice')
    .execute();
  const out: Record<Choice, number> = { for: 0, against: 0, abstain: 0 };
  for (const r of rows) out[r.choice as Choice] = Number(r.n);
  return out;
}

// ---- populations --------------------------------------------------------------------------------------------------------

/**
 * The stored subtree totals (voting members on the frozen roll, and those in units that reported) of some units, in
 * one statement. Units without units below them have no stored row (src/storage/tally.repository.ts); the caller
 * computes theirs from the unit's own roll and report.
 */
export async function readSubtreeMembers(db: Db, discussionId: string, unitIds: readonly string[]): Promise<Map<string, { membersTotal: number; membersReported: number }>> {
  const out = new Map<string, { membersTotal: number; membersReported: number }>();
  for (const chunk of chunks(unitIds, 1)) {
    if (chunk.length === 0) continue;
    const rows = await db
      .selectFrom('tally_units')
      .select(['unit_id', 'members_total', 'members_reported'])
      .where('discussion_id', '=', discussionId)
      .where('unit_id', 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.unit_id, { membersTotal: r.members_total, membersReported: r.members_reported });
  }
  return out;
}
