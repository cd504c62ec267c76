/**
 * The conference that turns a discussion's count into a decision (issue 6; docs/conference.md).
 *
 * - The office defines it (name, electing level, basis, a rule per kind of seat) and apportions the seats over the
 *   electing units with src/domain/apportionment.ts, from each unit's subtree totals in the tally. Every run is kept;
 *   the latest is the current table; a new run after the first needs a reason; once the conference is in session the
 *   table is fixed.
 * - Each electing unit records its delegates (its secretary, a committee at or above it, or the office): members on
 *   its roll, never more of a kind than its seats. The credentials committee (office, commission) confirms or rejects
 *   each mandate, a rejection with a reason.
 * - In session: the office moves resolutions, confirmed delegates move amendments; votes are by count or roll call
 *   (each confirmed deciding delegate once); the result is computed under CONFERENCE_VOTE_RULE and never edited.
 *
 * Every write is one transaction that first locks the conference row, and records one audit event.
 */
import { CONFERENCE_VOTE_RULE, conferenceVoteResult } from '../domain/conference.ts';
import { apportionmentEntry, EntryError, sha256Hex, type ApportionmentEntry } from '../log/entries.ts';
import { lockLogHead } from '../storage/log.repository.ts';
import { appendEntry } from './log.ts';
import { randomBytes } from 'node:crypto';
import {
  apportion,
  DEFAULT_TIE_BREAK,
  describeTie,
  describeTieBreak,
  formatDecimal,
  formatFraction,
  type Apportionment,
  type BrokenTie,
  type PopulationEntry,
} from '../domain/apportionment.ts';
import type { Actor } from '../domain/audit.ts';
import { DomainError, invalid, notFound } from '../domain/errors.ts';
import type { Fraction } from '../domain/fraction.ts';
import { authorize, authorizeOnUnit, hasRole, mayActOnUnit, PERMISSIONS, type Principal } from '../domain/policy.ts';
import { findAccount } from '../storage/accounts.repository.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import {
  closeVoteRow,
  countBallots,
  countConfirmedDeciding,
  countDelegates,
  countOpenVotes,
  decideDelegate as decideDelegateRow,
  findApportionment,
  findConference,
  findDelegate,
  findMemberStanding,
  findMotion,
  findStandingDelegateOfMember,
  findVote,
  findVoteOfMotion,
  insertApportionment,
  insertBallot,
  insertConference,
  insertDelegate,
  insertMotion,
  insertVote,
  latestApportionmentVersion,
  listApportionments,
  listBallots,
  listDelegates,
  listMotions,
  readSubtreeMembers,
  setConferenceState,
  setMotionResult,
  updateConferenceDefinition,
  type ApportionmentRun,
  type ApportionmentTable,
  type Basis,
  type Choice,
  type ConferenceDefinition,
  type ConferenceRecord,
  type ConferenceState,
  type DelegateRecord,
  type ElectingLevel,
  type MotionRecord,
  type SeatCell,
  type SeatKind,
  type SeatRule,
  type VoteRecord,
} from '../storage/conference.repository.ts';
import { engine, type Db } from '../storage/db.ts';
import { findFrozenUnit, listFrozenUnits, type DiscussionRecord, type FrozenUnit } from '../storage/discussions.repository.ts';
import { openDiscussionRecord, tallyOf } from './tally.ts';

export type { Basis, ElectingLevel, SeatKind, SeatRule } from '../storage/conference.repository.ts';

const who = (p: Principal) => `${p.kind}:${p.id}`;
/**
 * Ids that sort in the order they were made (milliseconds, then a per-process counter, then randomness), so motions
 * and votes made in the same millisecond still list in order.
 */
let counter = 0;
function newId(): string {
  counter = (counter + 1) % 1_679_616;
  return `${Date.now().toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
}
const conflict = (message: string, field?: string) => new DomainError('conflict', message, field === undefined ? {} : { field });

export { CONFERENCE_VOTE_RULE, conferenceVoteResult } from '../domain/conference.ts';

/** Whether the principal is on the credentials committee (and so sees delegates' names and roll-call ballots). */
export function mayReadCredentials(p: Principal | null): boolean {
  return p?.grants.some((g) => PERMISSIONS['credentials:decide'].includes(g.role)) ?? false;
}

// ---- views ------------------------------------------------------------------------------------------------------------

const cellView = (c: SeatCell) => ({ quota: formatFraction(c.quota), quotaDecimal: formatDecimal(c.quota, 4), share: c.share ? formatFraction(c.share) : null, seats: c.seats });

function tiesView(rule: SeatRule, ties: BrokenTie[]) {
  const tb = rule.tieBreak ?? DEFAULT_TIE_BREAK;
  return ties.map((t) => ({ by: t.by, value: t.value ? formatFraction(t.value) : null, seats: t.seats, among: t.among, awarded: t.awarded, text: describeTie(t, tb) }));
}

export function seatTableView(t: ApportionmentTable) {
  const summary = (rule: SeatRule, seats: number, ties: BrokenTie[]) => ({ seats, method: rule.method, tieBreak: describeTieBreak(rule.tieBreak ?? DEFAULT_TIE_BREAK), ties: tiesView(rule, ties) });
  return {
    version: t.version,
    basis: t.basis,
    reason: t.reason,
    computedAt: t.computedAt,
    rules: t.rules,
    population: t.population,
    outside: t.outside,
    deciding: summary(t.rules.deciding, t.decidingSeats, t.ties.deciding),
    consultative: t.rules.consultative ? summary(t.rules.consultative, t.consultativeSeats ?? 0, t.ties.consultative) : null,
    units: t.units.map((u) => ({ unitId: u.unitId, name: u.name, population: u.population, deciding: cellView(u.deciding), consultative: u.consultative ? cellView(u.consultative) : null })),
  };
}

async function conferenceView(db: Db, c: ConferenceRecord) {
  const [table, runs] = await Promise.all([findApportionment(db, c.discussionId), listApportionments(db, c.discussionId)]);
  return {
    discussionId: c.discussionId,
    name: c.name,
    electingLevel: c.electingLevel,
    basis: c.basis,
    deciding: c.deciding,
    consultative: c.consultative,
    state: c.state,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    voteRule: CONFERENCE_VOTE_RULE,
    apportionment: table ? seatTableView(table) : null,
    versions: runs.map((r) => ({ version: r.version, computedAt: r.computedAt, reason: r.reason })),
  };
}

async function conferenceOf(db: Db, discussionId: string, opts: { lock?: boolean } = {}): Promise<ConferenceRecord> {
  const c = await findConference(db, discussionId, opts);
  if (!c) throw new DomainError('not_found', `discussion '${discussionId}' has no conference; the office defines one with PUT /api/v1/discussions/${discussionId}/conference`);
  return c;
}

function requireState(c: ConferenceRecord, allowed: readonly ConferenceState[], what: string): void {
  if (!allowed.includes(c.state)) {
    throw conflict(`${what} only while the conference is ${allowed.map((s) => `'${s}'`).join(' or ')}; it is '${c.state}'`, 'state');
  }
}

// ---- definition and apportionment -------------------------------------------------------------------------------------

const RULE_FIELDS = new Set(['method', 'seats', 'min', 'max', 'per', 'first', 'step', 'tieBreak', 'seed']);

/** Runs the engine on one kind of seat; its refusals name the field of the definition (`deciding.seats`). */
/** A rule as the log carries it: the engine's options without the absent ones (canonical JSON has no undefined). */
function loggedRule(rule: SeatRule): ApportionmentEntry['deciding'] {
  return Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)) as ApportionmentEntry['deciding'];
}

function runRule(kind: SeatKind, rule: SeatRule, entries: PopulationEntry[]): Apportionment {
  try {
    return apportion(entries, rule);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'invalid_input') {
      const f = e.field ?? '';
      const field = RULE_FIELDS.has(f) ? `${kind}.${f === 'seed' ? 'tieBreak.seed' : f}` : 'basis';
      throw new DomainError('invalid_input', `${field}: ${e.message}`, { field });
    }
    throw e;
  }
}

/** The electing units of the frozen tree: every unit of the kind, or at the depth; none may lie inside another. */
function electingUnitsOf(units: readonly FrozenUnit[], level: ElectingLevel): FrozenUnit[] {
  const chosen = units.filter((u) => ('kind' in level ? u.kind === level.kind : u.depth === level.depth)).sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  if (chosen.length === 0) {
    const kinds = [...new Set(units.map((u) => u.kind))].sort().join(', ');
    const depth = Math.max(...units.map((u) => u.depth));
    throw invalid('electingLevel', 'kind' in level
      ? `electingLevel: no unit of kind '${level.kind}' in the discussion's frozen tree (its kinds: ${kinds})`
      : `electingLevel: no unit at depth ${level.depth} in the discussion's frozen tree (the root is 0, the deepest ${depth})`);
  }
  const ids = new Set(chosen.map((u) => u.unitId));
  for (const u of chosen) {
    const outer = u.ancestors.find((a) => ids.has(a));
    if (outer) throw invalid('electingLevel', `electingLevel: electing units must not contain one another, but '${u.unitId}' lies inside '${outer}' (both at this level)`);
  }
  return chosen;
}

/** Each electing unit's voting members on the frozen roll, summed over its subtree, in memory (for checking a definition). */
function rollPopulations(units: readonly FrozenUnit[], electing: readonly FrozenUnit[]): PopulationEntry[] {
  const sums = new Map(electing.map((e) => [e.unitId, 0]));
  for (const u of units) {
    for (const id of [u.unitId, ...u.ancestors]) if (sums.has(id)) sums.set(id, sums.get(id)! + u.roll);
  }
  return electing.map((e) => ({ id: e.unitId, population: sums.get(e.unitId)! }));
}

const definitionOf = (input: { name: string; electingLevel: ElectingLevel; basis: Basis; deciding: SeatRule; consultative?: SeatRule | null | undefined }): ConferenceDefinition => {
  const clean = (r: SeatRule) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as SeatRule;
  return { name: input.name, electingLevel: input.electingLevel, basis: input.basis, deciding: clean(input.deciding), consultative: input.consultative ? clean(input.consultative) : null };
};

/**
 * Defines (or, before the session, redefines) a discussion's conference. The rules are checked by a trial run on the
 * frozen roll, so a definition that cannot be apportioned is refused now, naming the field. Redefining leaves the
 * current table as it is: only a new apportionment (with a reason) replaces it.
 */
export async function defineConference(
  db: Db,
  actor: Actor,
  discussionId: string,
  input: { name: string; electingLevel: ElectingLevel; basis: Basis; deciding: SeatRule; consultative?: SeatRule | null | undefined },
  now: string,
) {
  authorize(actor.principal, 'discussion:write');
  const def = definitionOf(input);
  return db.transaction().execute(async (trx) => {
    await openDiscussionRecord(trx, discussionId);
    const existing = await findConference(trx, discussionId, { lock: true });
    if (existing) requireState(existing, ['draft', 'apportioned'], 'the conference can be redefined');
    const units = await listFrozenUnits(trx, discussionId);
    const electing = electingUnitsOf(units, def.electingLevel);
    const trial = rollPopulations(units, electing);
    runRule('deciding', def.deciding, trial);
    if (def.consultative) runRule('consultative', def.consultative, trial);
    if (existing) await updateConferenceDefinition(trx, discussionId, def, now);
    else await insertConference(trx, discussionId, def, who(actor.principal), now);
    await recordAudit(trx, actor, 'conference.define', `conference:${discussionId}`, { ...def, electingUnits: electing.length, redefined: existing !== undefined }, now);
    return conferenceView(trx, (await findConference(trx, discussionId))!);
  });
}

export async function getConference(db: Db, discussionId: string) {
  return conferenceView(db, await conferenceOf(db, discussionId));
}

/** One apportionment run's table (kept for ever; the latest is current). */
export async function getApportionment(db: Db, discussionId: string, version: number) {
  await conferenceOf(db, discussionId);
  const t = await findApportionment(db, discussionId, version);
  if (!t) throw notFound('apportionment version', String(version), 'version');
  return seatTableView(t);
}

/** Each electing unit's population under the basis, from the tally's subtree totals; and the root's. */
async function populationsOf(db: Db, d: DiscussionRecord, basis: Basis, electing: readonly FrozenUnit[], now: string): Promise<{ entries: PopulationEntry[]; root: number }> {
  const root = d.rootUnitId!;
  const stored = await readSubtreeMembers(db, d.definition.id, [root, ...electing.map((e) => e.unitId)]);
  const of = async (unitId: string) => {
    // A unit with no units below it has no stored row: its tally is its own roll and report.
    const t = stored.get(unitId) ?? (await tallyOf(db, d, unitId, now));
    return basis === 'roll' ? t.membersTotal : t.membersReported;
  };
  const entries: PopulationEntry[] = [];
  for (const e of electing) entries.push({ id: e.unitId, population: await of(e.unitId) });
  return { entries, root: await of(root) };
}

const cellOf = (a: Apportionment, i: number): SeatCell => {
  const u = a.units[i]!;
  const sameAsQuota = (f: Fraction | undefined) => f === undefined || (f.num === u.quota.num && f.den === u.quota.den);
  return { quota: u.quota, share: sameAsQuota(u.share) ? null : u.share!, seats: u.seats };
};

/**
 * Computes the seat table from the frozen roll or the reported members and stores it as a new run. The first run
 * needs no reason; every later one does, and keeps the earlier tables. Refused if a unit would be left with more
 * standing (pending or confirmed) delegates of a kind than its new seats.
 */
export async function apportionConference(db: Db, actor: Actor, discussionId: string, reason: string | null, now: string) {
  authorize(actor.principal, 'discussion:write');
  return db.transaction().execute(async (trx) => {
    const d = await openDiscussionRecord(trx, discussionId);
    const c = await conferenceOf(trx, discussionId, { lock: true });
    requireState(c, ['draft', 'apportioned'], 'seats can be apportioned');
    const previous = await latestApportionmentVersion(trx, discussionId);
    if (previous > 0 && !reason?.trim()) {
      throw invalid('reason', `reason: re-apportioning replaces table version ${previous} as the current one (it is kept); say why`);
    }
    // The log's append lock first: the populations read next are those of every entry before this run's.
    await lockLogHead(trx, discussionId);
    const electing = electingUnitsOf(await listFrozenUnits(trx, discussionId), c.electingLevel);
    const { entries, root } = await populationsOf(trx, d, c.basis, electing, now);
    const deciding = runRule('deciding', c.deciding, entries);
    const consultative = c.consultative ? runRule('consultative', c.consultative, entries) : null;

    const seatsOf = new Map(electing.map((e, i) => [e.unitId, { deciding: deciding.units[i]!.seats, consultative: consultative?.units[i]!.seats ?? 0 }]));
    const standing = new Map<string, { unitId: string; vote: SeatKind; n: number }>();
    for (const k of await countDelegates(trx, discussionId)) {
      if (k.state === 'rejected') continue;
      const key = `${k.unitId}\u0000${k.vote}`;
      const s = standing.get(key) ?? { unitId: k.unitId, vote: k.vote, n: 0 };
      s.n += k.n;
      standing.set(key, s);
    }
    for (const { unitId, vote, n } of standing.values()) {
      const seats = seatsOf.get(unitId)?.[vote] ?? 0;
      if (n > seats) {
        throw conflict(`the new table would give unit '${unitId}' ${seats} ${vote} seat(s), but it has ${n} ${vote} delegate(s) pending or confirmed; reject the excess mandates first`, vote);
      }
    }

    const population = entries.reduce((a, e) => a + Number(e.population), 0);
    const run: ApportionmentRun = {
      version: previous + 1,
      basis: c.basis,
      rules: { electingLevel: c.electingLevel, deciding: c.deciding, consultative: c.consultative },
      population,
      outside: root - population,
      decidingSeats: deciding.seats,
      consultativeSeats: consultative?.seats ?? null,
      ties: { deciding: deciding.ties, consultative: consultative?.ties ?? [] },
      reason: reason?.trim() || null,
      computedBy: who(actor.principal),
      computedAt: now,
    };
    await insertApportionment(
      trx,
      discussionId,
      run,
      electing.map((e, i) => ({ unitId: e.unitId, population: Number(entries[i]!.population), deciding: cellOf(deciding, i), consultative: consultative ? cellOf(consultative, i) : null })),
    );
    let logged: Uint8Array;
    try {
      logged = apportionmentEntry({
        discussionId,
        version: run.version,
        basis: run.basis,
        deciding: loggedRule(c.deciding),
        consultative: c.consultative ? loggedRule(c.consultative) : null,
        reasonSha256: run.reason === null ? null : sha256Hex(run.reason),
        units: electing.map((e, i) => [e.unitId, Number(entries[i]!.population), deciding.units[i]!.seats, consultative?.units[i]!.seats ?? 0]),
      });
    } catch (e) {
      if (!(e instanceof EntryError)) throw e;
      throw invalid('electingLevel', `electingLevel: ${electing.length.toLocaleString('en')} electing units are more than one log entry of the seat table holds (${e.message}); choose a higher level`);
    }
    await appendEntry(trx, discussionId, logged, now);
    await setConferenceState(trx, discussionId, ['draft', 'apportioned'], 'apportioned', now);
    await recordAudit(trx, actor, 'conference.apportion', `conference:${discussionId}`, {
      version: run.version,
      replaces: previous || null,
      reason: run.reason,
      basis: run.basis,
      population,
      decidingSeats: run.decidingSeats,
      consultativeSeats: run.consultativeSeats,
    }, now);
    return seatTableView((await findApportionment(trx, discussionId, run.version))!);
  });
}

/** apportioned → in-session (the table is fixed from now on); in-session → closed (no vote may be open). */
export async function changeConferenceState(db: Db, actor: Actor, discussionId: string, to: 'in-session' | 'closed', now: string) {
  authorize(actor.principal, 'discussion:write');
  return db.transaction().execute(async (trx) => {
    const c = await conferenceOf(trx, discussionId, { lock: true });
    const from: ConferenceState = to === 'in-session' ? 'apportioned' : 'in-session';
    requireState(c, [from], to === 'in-session' ? 'the session opens' : 'the conference closes');
    if (to === 'closed') {
      const open = await countOpenVotes(trx, discussionId);
      if (open > 0) throw conflict(`${open} roll-call vote(s) still open: close them before closing the conference`, 'state');
    }
    await setConferenceState(trx, discussionId, [from], to, now);
    await recordAudit(trx, actor, to === 'in-session' ? 'conference.open' : 'conference.close', `conference:${discussionId}`, { from, to }, now);
    return conferenceView(trx, (await findConference(trx, discussionId))!);
  });
}

// ---- delegates --------------------------------------------------------------------------------------------------------

function delegateView(d: DelegateRecord, memberName?: string | null) {
  return {
    id: d.id,
    unitId: d.unitId,
    memberId: d.memberId,
    ...(memberName !== undefined ? { memberName } : {}),
    vote: d.vote,
    electedAt: d.electedAt,
    electedMeeting: d.electedMeeting,
    state: d.state,
    recordedBy: d.recordedBy,
    recordedAt: d.recordedAt,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    reason: d.reason,
  };
}

export interface DelegateInput {
  unitId: string;
  memberId: string;
  vote: SeatKind;
  electedAt: string;
  electedMeeting: string;
}

/**
 * An electing unit records a delegate it elected: a member on the roll of the unit or a unit below it (a deciding
 * vote needs a voting member; a candidate may hold a consultative one), not already a standing delegate, and within
 * the unit's seats of that kind (pending and confirmed mandates count; rejected ones do not).
 */
export async function recordDelegate(db: Db, actor: Actor, discussionId: string, input: DelegateInput, now: string) {
  return db.transaction().execute(async (trx) => {
    const c = await conferenceOf(trx, discussionId, { lock: true });
    const unit = await findFrozenUnit(trx, discussionId, input.unitId);
    if (!unit) throw invalid('unitId', `unitId: no unit '${input.unitId}' in the discussion's frozen tree`);
    authorizeOnUnit(actor.principal, 'delegate:record', unit.unitId, unit.ancestors);
    requireState(c, ['apportioned', 'in-session'], 'delegates are recorded');
    const table = (await findApportionment(trx, discussionId))!;
    const row = table.units.find((u) => u.unitId === input.unitId);
    if (!row) throw invalid('unitId', `unitId: '${input.unitId}' is not an electing unit of this conference (the electing units are the table's: ${table.units.map((u) => u.unitId).join(', ')})`);
    if (input.electedAt > now.slice(0, 10)) throw invalid('electedAt', `electedAt: the meeting (${input.electedAt}) cannot be after today (${now.slice(0, 10)})`);

    const member = await findMemberStanding(trx, input.memberId);
    const memberUnit = member && (await findFrozenUnit(trx, discussionId, member.unitId));
    if (!member || !memberUnit || (memberUnit.unitId !== unit.unitId && !memberUnit.ancestors.includes(unit.unitId))) {
      throw invalid('memberId', `memberId: no member '${input.memberId}' on the roll of '${unit.unitId}' or the units below it`);
    }
    if (input.vote === 'deciding' && !member.votes) {
      throw invalid('memberId', `memberId: member '${input.memberId}' has status '${member.status}', which does not vote; a deciding vote needs a voting member (a consultative one does not)`);
    }
    const already = await findStandingDelegateOfMember(trx, discussionId, input.memberId);
    if (already) throw conflict(`member '${input.memberId}' is already a delegate of this conference (${already.id}, ${already.state}); a member holds one mandate`, 'memberId');

    const seats = input.vote === 'deciding' ? row.deciding.seats : (row.consultative?.seats ?? 0);
    const standing = (await countDelegates(trx, discussionId))
      .filter((k) => k.unitId === input.unitId && k.vote === input.vote && k.state !== 'rejected')
      .reduce((a, k) => a + k.n, 0);
    if (standing >= seats) {
      throw conflict(`unit '${input.unitId}' has ${seats} ${input.vote} seat(s) and ${standing} ${input.vote} delegate(s) already recorded (pending or confirmed): no seat is left`, 'vote');
    }

    const d: DelegateRecord = {
      id: newId(),
      discussionId,
      unitId: input.unitId,
      memberId: input.memberId,
      vote: input.vote,
      electedAt: input.electedAt,
      electedMeeting: input.electedMeeting,
      state: 'pending',
      recordedBy: who(actor.principal),
      recordedAt: now,
      decidedBy: null,
      decidedAt: null,
      reason: null,
    };
    await insertDelegate(trx, d);
    await recordAudit(trx, actor, 'delegate.record', `delegate:${discussionId}/${d.id}`, { unitId: d.unitId, memberId: d.memberId, vote: d.vote, electedAt: d.electedAt }, now);
    return delegateView(d);
  });
}

/** The credentials committee confirms or rejects a pending mandate (a rejection needs a reason); decided once. */
export async function decideDelegate(db: Db, actor: Actor, discussionId: string, delegateId: string, decision: 'confirm' | 'reject', reason: string | null, now: string) {
  authorize(actor.principal, 'credentials:decide');
  if (decision === 'reject' && !reason?.trim()) throw invalid('reason', 'reason: a rejected mandate needs a reason (it is recorded)');
  return db.transaction().execute(async (trx) => {
    const c = await conferenceOf(trx, discussionId, { lock: true });
    requireState(c, ['apportioned', 'in-session'], 'credentials are decided');
    const d = await findDelegate(trx, discussionId, delegateId);
    if (!d) throw notFound('delegate', delegateId, 'delegateId');
    const to = decision === 'confirm' ? 'confirmed' : 'rejected';
    if (!(await decideDelegateRow(trx, discussionId, delegateId, to, { by: who(actor.principal), at: now, reason: reason?.trim() || null }))) {
      throw conflict(`delegate ${delegateId} is ${d.state}, not pending: a mandate is decided once`, 'delegateId');
    }
    await recordAudit(trx, actor, decision === 'confirm' ? 'delegate.confirm' : 'delegate.reject', `delegate:${discussionId}/${delegateId}`, { unitId: d.unitId, vote: d.vote, reason: reason?.trim() || null }, now);
    const after = (await listDelegates(trx, discussionId)).find((x) => x.id === delegateId)!;
    return delegateView(after, after.memberName);
  });
}

/**
 * The delegates: for everyone, counts per electing unit, kind and state beside the seats; the credentials committee
 * (office, commission) also gets every mandate with the member's id and name.
 */
export async function listDelegatesAs(db: Db, viewer: Principal | null, discussionId: string) {
  await conferenceOf(db, discussionId);
  const [table, counts] = await Promise.all([findApportionment(db, discussionId), countDelegates(db, discussionId)]);
  type Counts = { seats: number | null; pending: number; confirmed: number; rejected: number };
  const zero = (seats: number | null): Counts => ({ seats, pending: 0, confirmed: 0, rejected: 0 });
  const units = new Map<string, { unitId: string; name: string; deciding: Counts; consultative: Counts }>();
  for (const u of table?.units ?? []) {
    units.set(u.unitId, { unitId: u.unitId, name: u.name, deciding: zero(u.deciding.seats), consultative: zero(u.consultative?.seats ?? null) });
  }
  for (const k of counts) {
    let u = units.get(k.unitId);
    if (!u) units.set(k.unitId, (u = { unitId: k.unitId, name: k.unitId, deciding: zero(0), consultative: zero(null) }));
    u[k.vote][k.state] += k.n;
  }
  const list = [...units.values()].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  const total = (kind: SeatKind): Counts => {
    const t = zero(kind === 'deciding' ? (table?.decidingSeats ?? 0) : (table?.consultativeSeats ?? null));
    for (const u of list) (t.pending += u[kind].pending), (t.confirmed += u[kind].confirmed), (t.rejected += u[kind].rejected);
    return t;
  };
  const out = { discussionId, units: list, totals: { deciding: total('deciding'), consultative: total('consultative') } };
  if (mayReadCredentials(viewer)) return { ...out, items: (await listDelegates(db, discussionId)).map((d) => delegateView(d, d.memberName)) };
  // Those who record an electing unit's delegates (its secretary, a committee at or above it) see that unit's mandates.
  if (!viewer?.grants.some((g) => PERMISSIONS['delegate:record'].includes(g.role) && g.unitId !== null)) return out;
  const reach = new Map<string, boolean>();
  const mine: Array<Awaited<ReturnType<typeof listDelegates>>[number]> = [];
  for (const d of await listDelegates(db, discussionId)) {
    if (!reach.has(d.unitId)) {
      const unit = await findFrozenUnit(db, discussionId, d.unitId);
      reach.set(d.unitId, unit !== undefined && mayActOnUnit(viewer, 'delegate:record', d.unitId, unit.ancestors));
    }
    if (reach.get(d.unitId)) mine.push(d);
  }
  return { ...out, items: mine.map((d) => delegateView(d, d.memberName)) };
}

// ---- motions ----------------------------------------------------------------------------------------------------------

/** The confirmed delegate a signed-in account stands for (her account is linked to her roll entry), if any. */
async function ownDelegate(db: Db, principal: Principal, discussionId: string): Promise<DelegateRecord> {
  const account = principal.kind === 'session' ? await findAccount(db, principal.id) : undefined;
  const mandate = account?.member_id ? await findStandingDelegateOfMember(db, discussionId, account.member_id) : undefined;
  if (!mandate) {
    throw new DomainError('forbidden', 'only a confirmed delegate of this conference, signed in with her own account (linked to her roll entry), may propose an amendment');
  }
  if (mandate.state !== 'confirmed') throw new DomainError('forbidden', `your mandate (${mandate.id}) is ${mandate.state}: a delegate proposes amendments once her credentials are confirmed`);
  return mandate;
}

async function motionView(db: Db, m: MotionRecord, privileged: boolean, delegates: Map<string, DelegateRecord>) {
  const vote = await findVoteOfMotion(db, m.discussionId, m.id);
  const proposer = m.proposedBy === 'office' ? undefined : delegates.get(m.proposedBy);
  return {
    id: m.id,
    questionId: m.questionId,
    kind: m.kind,
    amends: m.amends,
    title: m.title,
    text: m.text,
    proposedBy: m.proposedBy === 'office' ? ('office' as const) : ('delegate' as const),
    proposerUnitId: proposer?.unitId ?? null,
    ...(privileged ? { delegateId: m.proposedBy === 'office' ? null : m.proposedBy } : {}),
    createdAt: m.createdAt,
    state: m.state,
    vote: vote ? await voteView(db, vote, privileged) : null,
  };
}

export type MotionInput =
  | { kind: 'resolution'; questionId?: string | undefined; title: string; text: string }
  | { kind: 'amendment'; amends: string; title: string; text: string; delegateId?: string | undefined };

/**
 * A motion, while the conference is in session: a resolution (the office), or an amendment to a resolution not yet
 * voted on (a confirmed delegate for herself, or the office recording one moved from the floor, naming the delegate).
 */
export async function proposeMotion(db: Db, actor: Actor, discussionId: string, input: MotionInput, now: string) {
  authorize(actor.principal, 'motion:propose');
  return db.transaction().execute(async (trx) => {
    const d = await openDiscussionRecord(trx, discussionId);
    const c = await conferenceOf(trx, discussionId, { lock: true });
    const isOffice = hasRole(actor.principal, 'office');
    let proposedBy = 'office';
    let questionId: string | null = null;
    let amends: string | null = null;
    if (input.kind === 'resolution') {
      if (!isOffice) throw new DomainError('forbidden', 'the office moves resolutions; a delegate moves amendments to them', { field: 'kind' });
      requireState(c, ['in-session'], 'motions are proposed');
      if (input.questionId !== undefined && !d.definition.questions.some((q) => q.id === input.questionId)) {
        throw invalid('questionId', `questionId: the discussion has no question '${input.questionId}' (its questions: ${d.definition.questions.map((q) => q.id).join(', ')})`);
      }
      questionId = input.questionId ?? null;
    } else {
      const mover = isOffice ? undefined : await ownDelegate(trx, actor.principal, discussionId);
      requireState(c, ['in-session'], 'motions are proposed');
      const target = await findMotion(trx, discussionId, input.amends);
      if (!target) throw invalid('amends', `amends: no motion '${input.amends}' in this conference`);
      if (target.kind !== 'resolution') throw invalid('amends', `amends: '${input.amends}' is an amendment; an amendment amends a resolution`);
      if (target.state !== 'proposed' || (await findVoteOfMotion(trx, discussionId, target.id))) {
        throw conflict(`resolution '${target.id}' has been put to a vote; it can no longer be amended`, 'amends');
      }
      if (mover) {
        if (input.delegateId !== undefined && input.delegateId !== mover.id) throw new DomainError('forbidden', 'a delegate proposes amendments in her own name only', { field: 'delegateId' });
        proposedBy = mover.id;
      } else if (input.delegateId !== undefined) {
        const named = await findDelegate(trx, discussionId, input.delegateId);
        if (!named) throw invalid('delegateId', `delegateId: no delegate '${input.delegateId}' in this conference`);
        if (named.state !== 'confirmed') throw conflict(`delegate ${named.id} is ${named.state}: only a delegate whose credentials are confirmed moves amendments`, 'delegateId');
        proposedBy = named.id;
      }
      questionId = target.questionId;
      amends = target.id;
    }
    const m: MotionRecord = {
      id: newId(),
      discussionId,
      questionId,
      kind: input.kind,
      amends,
      title: input.title,
      text: input.text,
      proposedBy,
      createdBy: who(actor.principal),
      createdAt: now,
      state: 'proposed',
    };
    await insertMotion(trx, m);
    await recordAudit(trx, actor, 'motion.propose', `motion:${discussionId}/${m.id}`, { kind: m.kind, questionId, amends, proposedBy }, now);
    const delegates = new Map(proposedBy === 'office' ? [] : [[proposedBy, (await findDelegate(trx, discussionId, proposedBy))!]]);
    return motionView(trx, m, true, delegates);
  });
}

export async function listMotionsAs(db: Db, viewer: Principal | null, discussionId: string) {
  await conferenceOf(db, discussionId);
  const privileged = mayReadCredentials(viewer);
  const delegates = new Map((await listDelegates(db, discussionId)).map((d) => [d.id, d as DelegateRecord]));
  const out = [];
  for (const m of await listMotions(db, discussionId)) out.push(await motionView(db, m, privileged, delegates));
  return { discussionId, voteRule: CONFERENCE_VOTE_RULE, items: out };
}

// ---- votes ------------------------------------------------------------------------------------------------------------

async function voteView(db: Db, v: VoteRecord, privileged: boolean) {
  const ballots = v.method === 'roll-call' ? await listBallots(db, v.id) : [];
  return {
    id: v.id,
    motionId: v.motionId,
    method: v.method,
    state: v.state,
    for: v.for,
    against: v.against,
    abstain: v.abstain,
    eligible: v.eligible,
    result: v.result,
    rule: v.rule,
    recordedAt: v.recordedAt,
    closedAt: v.closedAt,
    ballotsCast: ballots.length,
    ...(privileged && v.method === 'roll-call' ? { ballots: ballots.map((b) => ({ delegateId: b.delegateId, choice: b.choice, recordedAt: b.recordedAt })) } : {}),
  };
}

export type VoteInput = { method: 'count'; for: number; against: number; abstain: number } | { method: 'roll-call' };

/**
 * Puts a motion to the vote, once. By count: the totals, at most the confirmed deciding delegates between them; the
 * result is computed at once. By roll call: the vote opens, and ballots are recorded until it is closed.
 */
export async function recordVote(db: Db, actor: Actor, discussionId: string, motionId: string, input: VoteInput, now: string) {
  authorize(actor.principal, 'discussion:write');
  try {
    return await db.transaction().execute(async (trx) => {
      const c = await conferenceOf(trx, discussionId, { lock: true });
      requireState(c, ['in-session'], 'votes are taken');
      const motion = await findMotion(trx, discussionId, motionId);
      if (!motion) throw notFound('motion', motionId, 'motionId');
      const earlier = await findVoteOfMotion(trx, discussionId, motionId);
      if (earlier || motion.state !== 'proposed') throw conflict(`motion '${motionId}' has already been put to a vote (${earlier?.id ?? motion.state}); a motion is voted on once and a result is never edited`, 'motionId');
      const eligible = await countConfirmedDeciding(trx, discussionId);
      const base = { id: newId(), discussionId, motionId, recordedBy: who(actor.principal), recordedAt: now };
      let vote: VoteRecord;
      if (input.method === 'count') {
        const cast = input.for + input.against + input.abstain;
        if (cast > eligible) {
          throw invalid('for', `for + against + abstain (${input.for} + ${input.against} + ${input.abstain} = ${cast}) exceeds the confirmed delegates with a deciding vote (${eligible}): each votes at most once`);
        }
        const result = conferenceVoteResult(input);
        vote = { ...base, method: 'count', state: 'closed', for: input.for, against: input.against, abstain: input.abstain, eligible, result, rule: CONFERENCE_VOTE_RULE, closedBy: base.recordedBy, closedAt: now };
        await insertVote(trx, vote);
        await setMotionResult(trx, discussionId, motionId, result);
        await recordAudit(trx, actor, 'vote.record', `vote:${discussionId}/${vote.id}`, { motionId, method: 'count', for: input.for, against: input.against, abstain: input.abstain, eligible, result }, now);
      } else {
        vote = { ...base, method: 'roll-call', state: 'open', for: null, against: null, abstain: null, eligible: null, result: null, rule: null, closedBy: null, closedAt: null };
        await insertVote(trx, vote);
        await recordAudit(trx, actor, 'vote.open', `vote:${discussionId}/${vote.id}`, { motionId, method: 'roll-call' }, now);
      }
      return voteView(trx, vote, true);
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw conflict(`motion '${motionId}' has already been put to a vote; a motion is voted on once`, 'motionId');
    throw e;
  }
}

async function openRollCall(db: Db, discussionId: string, voteId: string): Promise<VoteRecord> {
  const c = await conferenceOf(db, discussionId, { lock: true });
  requireState(c, ['in-session'], 'votes are taken');
  const vote = await findVote(db, discussionId, voteId);
  if (!vote) throw notFound('vote', voteId, 'voteId');
  if (vote.method !== 'roll-call') throw conflict(`vote ${voteId} was taken by count; ballots belong to roll calls`, 'voteId');
  if (vote.state !== 'open') throw conflict(`vote ${voteId} is closed: its result is never edited`, 'voteId');
  return vote;
}

/** The office records one delegate's ballot in an open roll call: a confirmed delegate with a deciding vote, once. */
export async function recordBallot(db: Db, actor: Actor, discussionId: string, voteId: string, input: { delegateId: string; choice: Choice }, now: string) {
  authorize(actor.principal, 'discussion:write');
  try {
    return await db.transaction().execute(async (trx) => {
      await openRollCall(trx, discussionId, voteId);
      const d = await findDelegate(trx, discussionId, input.delegateId);
      if (!d) throw invalid('delegateId', `delegateId: no delegate '${input.delegateId}' in this conference`);
      if (d.state !== 'confirmed') throw conflict(`delegate ${d.id} is ${d.state}: only a delegate whose credentials are confirmed votes`, 'delegateId');
      if (d.vote !== 'deciding') throw invalid('delegateId', `delegateId: delegate ${d.id} has a consultative vote: only delegates with a deciding vote cast ballots`);
      const ballot = { voteId, delegateId: d.id, choice: input.choice, recordedBy: who(actor.principal), recordedAt: now };
      await insertBallot(trx, ballot);
      await recordAudit(trx, actor, 'ballot.record', `vote:${discussionId}/${voteId}`, { delegateId: d.id, choice: input.choice }, now);
      return { voteId, delegateId: d.id, choice: input.choice, recordedAt: now };
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw conflict(`delegate ${input.delegateId} has already voted in vote ${voteId}: each delegate votes once`, 'delegateId');
    throw e;
  }
}

/** Closes a roll call, once: the ballots are counted and the result computed under CONFERENCE_VOTE_RULE. */
export async function closeVote(db: Db, actor: Actor, discussionId: string, voteId: string, now: string) {
  authorize(actor.principal, 'discussion:write');
  return db.transaction().execute(async (trx) => {
    const vote = await openRollCall(trx, discussionId, voteId);
    const counts = await countBallots(trx, voteId);
    const eligible = await countConfirmedDeciding(trx, discussionId);
    const result = conferenceVoteResult(counts);
    if (!(await closeVoteRow(trx, discussionId, voteId, { ...counts, eligible, result, rule: CONFERENCE_VOTE_RULE, by: who(actor.principal), at: now }))) {
      throw conflict(`vote ${voteId} is closed: its result is never edited`, 'voteId');
    }
    await setMotionResult(trx, discussionId, vote.motionId, result);
    await recordAudit(trx, actor, 'vote.close', `vote:${discussionId}/${voteId}`, { motionId: vote.motionId, ...counts, eligible, result }, now);
    return voteView(trx, (await findVote(trx, discussionId, voteId))!, true);
  });
}

export async function getVoteAs(db: Db, viewer: Principal | null, discussionId: string, voteId: string) {
  await conferenceOf(db, discussionId);
  const v = await findVote(db, discussionId, voteId);
  if (!v) throw notFound('vote', voteId, 'voteId');
  return voteView(db, v, mayReadCredentials(viewer));
}
