/**
 * Submitting a branch report (or a correction) and reading a unit's report history. One transaction stores the new
 * version, retires the old one, and moves the tally of the unit and every ancestor by the difference.
 */
import { createHash } from 'node:crypto';
import { DomainError, notFound } from '../domain/errors.ts';
import { isSmallUnitWithheld } from '../domain/discussion.ts';
import { authorizeOnUnit, CONSOLE, mayActOnUnit, type Principal } from '../domain/policy.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { checkReportCounts, deriveOutcome, type ReportInput, type ReportOutcome } from '../domain/report.ts';
import type { Actor, AuditAction } from '../domain/audit.ts';
import type { ReportStatement } from '../log/statement.ts';
import { isZeroDelta, tallyDelta, type TallyCounts } from '../domain/tally.ts';
import { announceReports } from '../storage/change-feed.ts';
import { engine, type Db } from '../storage/db.ts';
import { findFrozenUnit, findFrozenUnitWithCurrentVersion, type DiscussionRecord, type FrozenUnit } from '../storage/discussions.repository.ts';
import { completeIdempotencyKey, findIdempotentResponse, reserveIdempotencyKey, type IdempotentResponse } from '../storage/idempotency.repository.ts';
import { findCurrentReport, insertReportVersion, listReportVersions, markSuperseded, type StoredReport } from '../storage/reports.repository.ts';
import { applyTallyDelta } from '../storage/tally.repository.ts';
import { getDiscussion } from './discussions.ts';
import { appendReportEntry, type LoggedReport } from './log.ts';
import { crashPoint } from './crash-points.ts';
import { sha256Hex } from '../log/entries.ts';

export interface SubmitReport {
  discussionId: string;
  report: ReportInput;
  /** Who submits: a token id, or `cli` for the office at the console. */
  submittedBy: string;
  /** Whose authority it is done under; the HTTP edge always passes it. Absent: the console (office). */
  principal?: Principal | undefined;
  /** The client's address, for the audit log (null or absent at the console). */
  address?: string | null | undefined;
  idempotencyKey?: string | undefined;
  now: string;
}

export interface ReportAccepted {
  unitId: string;
  version: number;
  quorate: boolean;
  adopted: Record<string, string | null>;
  /** Where the version sits in the discussion's public log (its receipt: GET …/reports/:version/receipt). */
  logIndex: number | null;
}

export interface SubmitResult {
  accepted: ReportAccepted;
  /** True when this answers a retried request (same Idempotency-Key) without storing anything. */
  replayed: boolean;
  /** The unit and its ancestors: the tallies this report moved (for live updates). */
  affectedUnitIds: string[];
}

export async function submitReport(db: Db, cmd: SubmitReport): Promise<SubmitResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await submitWithin(trx, cmd, new Map());
        await announceReports(trx, [cmd.discussionId]);
        return result;
      });
    } catch (e) {
      // PostgreSQL chose this transaction as a deadlock victim (another instance's batch): nothing was stored; again.
      if (engine.isRetryable(e) && attempt < 4) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
        continue;
      }
      return settleRace(db, cmd, e);
    }
  }
}

/** What a transaction remembers between the reports it writes: the discussions it has read (they do not change once open). */
export type DiscussionCache = Map<string, DiscussionRecord>;

/**
 * The work of one submission inside a transaction the caller owns (one report, or a batch: see report-batcher.ts).
 * `discussions` carries the discussions this transaction has already read.
 */
export async function submitWithin(trx: Db, cmd: SubmitReport, discussions: DiscussionCache): Promise<SubmitResult> {
  const scope = scopeOf(cmd);
  const key = cmd.idempotencyKey;
  if (key) {
    const requestHash = hashRequest(cmd.report);
    const replay = await replayed(trx, scope, key, requestHash);
    if (replay) return replay;
    await reserveIdempotencyKey(trx, scope, key, requestHash, cmd.now);
  }
  return storeReport(trx, cmd, scope, discussions);
}

/**
 * After a unique-key violation (its work rolled back): a racing request won — the same retried request (same key:
 * answer with its stored result) or a rival correction of the same version (409). Anything else is rethrown.
 */
export async function settleRace(db: Db, cmd: SubmitReport, e: unknown): Promise<SubmitResult> {
  if (!engine.isUniqueViolation(e)) throw e;
  if (cmd.idempotencyKey) {
    const replay = await replayed(db, scopeOf(cmd), cmd.idempotencyKey, hashRequest(cmd.report));
    if (replay) return replay;
  }
  throw new DomainError('version_conflict', `another report for unit '${cmd.report.unitId}' was accepted meanwhile; fetch the current version and correct it`, {
    field: 'supersedes',
  });
}

export const scopeOf = (cmd: SubmitReport) => `${cmd.discussionId}:${cmd.submittedBy}`;

async function replayed(db: Db, scope: string, key: string, requestHash: string): Promise<SubmitResult | undefined> {
  return replayOf(await findIdempotentResponse(db, scope, key), requestHash);
}

/** The answer to a request whose Idempotency-Key was stored before (`prior`): its stored answer, or a refusal if the request differs. */
export function replayOf(prior: IdempotentResponse | undefined, requestHash: string): SubmitResult | undefined {
  if (!prior) return undefined;
  if (prior.requestHash !== requestHash) {
    throw new DomainError('idempotency_key_reused', 'this Idempotency-Key was already used for a different report; use a new key for a new request', {
      field: 'Idempotency-Key',
    });
  }
  return { accepted: prior.response as ReportAccepted, replayed: true, affectedUnitIds: [] };
}

async function storeReport(trx: Db, cmd: SubmitReport, scope: string, discussions: DiscussionCache): Promise<SubmitResult> {
  const { report, discussionId, now } = cmd;
  const d = discussions.get(discussionId) ?? (await getDiscussion(trx, discussionId));
  discussions.set(discussionId, d);
  checkReportingOpen(d, discussionId, now);
  const unit = checkUnit(cmd, d, await findFrozenUnitWithCurrentVersion(trx, discussionId, report.unitId));
  // Only a correction needs the old version's counts (to take them out of the tally).
  const current = unit.currentVersion === null ? undefined : await findCurrentReport(trx, discussionId, report.unitId, d.definition.questions.map((q) => q.id));
  const decided = decideVersion(cmd, d, unit, current);
  if (current) await markSuperseded(trx, discussionId, report.unitId, current.version);
  // The public record: the version, signed, appended in this transaction (src/services/log.ts).
  const logged = await appendReportEntry(trx, decided.statement, now, report.signature);
  const done = settleReport(cmd, d, unit, current, decided, logged);
  await insertReportVersion(trx, done.stored);
  if (cmd.idempotencyKey) await completeIdempotencyKey(trx, scope, cmd.idempotencyKey, done.accepted);
  await recordAudit(trx, done.audit.actor, done.audit.action, done.audit.target, done.audit.detail, now);
  // Last, so the rows every report shares (the root's) are held for as short a time as possible.
  if (!isZeroDelta(done.delta)) await applyTallyDelta(trx, discussionId, done.affectedUnitIds, done.delta, now);
  crashPoint('report:before-commit');
  return { accepted: done.accepted, replayed: false, affectedUnitIds: done.affectedUnitIds };
}

// The checks and consequences of a report, without I/O: shared by one report (`storeReport`, reading as it goes) and a
// batch (services/report-batch.ts, reading everything first), so both refuse with the same errors in the same order.

/** The discussion takes reports now. */
export function checkReportingOpen(d: DiscussionRecord, discussionId: string, now: string): void {
  if (d.state !== 'open') {
    throw new DomainError('discussion_not_open', `discussion '${discussionId}' is not open yet; reports are accepted from its opening until ${d.definition.reportingClosesAt}`);
  }
  if (now >= d.definition.reportingClosesAt) {
    throw new DomainError('reporting_closed', `reporting for discussion '${discussionId}' closed at ${d.definition.reportingClosesAt}`);
  }
}

/** The unit exists in the frozen tree, the submitter may report for it, and the counts fit its roll; the unit. */
export function checkUnit<U extends FrozenUnit>(cmd: SubmitReport, d: DiscussionRecord, unit: U | undefined): U {
  const { report, discussionId } = cmd;
  if (!unit) {
    throw new DomainError('invalid_input', `unknown unit '${report.unitId}': it was not in the organization when discussion '${discussionId}' opened`, {
      field: 'unitId',
    });
  }
  // A secretary reports for her own branch, a committee for the units below it, the office for any (policy.ts).
  if (cmd.principal) authorizeOnUnit(cmd.principal, 'report:submit', unit.unitId, unit.ancestors);
  checkReportCounts(report, unit.roll, d.definition);
  return unit;
}

export interface DecidedVersion {
  version: number;
  supersedes: number | null;
  outcome: ReportOutcome;
  /** What the log entry states (its signer and key are added by services/log.ts). */
  statement: Omit<ReportStatement, 'type' | 'v' | 'keyId'>;
}

/** `supersedes` names the current version (`current`: the unit's current report, if any); the new version and its outcome. */
export function decideVersion(cmd: SubmitReport, d: DiscussionRecord, unit: FrozenUnit, current: StoredReport | undefined): DecidedVersion {
  const { report, discussionId } = cmd;
  const supersedes = report.supersedes ?? null;
  if (current && supersedes === null) {
    throw new DomainError('version_conflict', `unit '${report.unitId}' already has report version ${current.version}; a correction must carry "supersedes": ${current.version}`, {
      field: 'supersedes',
    });
  }
  if (current && supersedes !== current.version) {
    throw new DomainError('version_conflict', `"supersedes": ${supersedes} is not the current version of unit '${report.unitId}' (it is ${current.version})`, {
      field: 'supersedes',
    });
  }
  if (!current && supersedes !== null) {
    throw new DomainError('version_conflict', `unit '${report.unitId}' has no report yet, so there is nothing to supersede; leave "supersedes" out`, {
      field: 'supersedes',
    });
  }
  const outcome = deriveOutcome(report, unit.roll, d.definition);
  const version = (current?.version ?? 0) + 1;
  return { version, supersedes, outcome, statement: statementOf(cmd, version, supersedes) };
}

/** What the log entry of `cmd` states as version `version` (its signer and key are added by services/log.ts). */
function statementOf(cmd: SubmitReport, version: number, supersedes: number | null): DecidedVersion['statement'] {
  const { report } = cmd;
  return {
    discussionId: cmd.discussionId,
    unitId: report.unitId,
    version,
    supersedes,
    meetingDate: report.meetingDate,
    present: report.present,
    votes: report.votes,
    resolutionSha256: resolutionSha256(report),
    enteredBy: enteredByOf(cmd.principal, report.unitId),
  };
}

/** The SHA-256 of a report's resolution, made once per report (its entry may be made ahead, then decided). */
const resolutionHashes = new WeakMap<ReportInput, { text: string; sha256: string }>();
function resolutionSha256(report: ReportInput): string {
  const known = resolutionHashes.get(report);
  if (known?.text === report.resolution) return known.sha256;
  const sha256 = sha256Hex(report.resolution);
  resolutionHashes.set(report, { text: report.resolution, sha256 });
  return sha256;
}

/**
 * The statement `cmd` will have if it is accepted, known before anything is read: `decideVersion` accepts a version
 * only as `supersedes` + 1 (or 1 without `supersedes`). Lets its entry be made ahead (services/report-batch.ts
 * `premakeEntry`); whoever uses it still compares it with the statement decided.
 */
export const statementIfAccepted = (cmd: SubmitReport): DecidedVersion['statement'] => statementOf(cmd, (cmd.report.supersedes ?? 0) + 1, cmd.report.supersedes ?? null);

export interface SettledReport {
  /** The version's rows. */
  stored: StoredReport;
  accepted: ReportAccepted;
  /** What it adds to the tallies of `affectedUnitIds` (the unit and its ancestors; the unit's own row exists only if units sit below it). */
  delta: TallyCounts;
  affectedUnitIds: string[];
  audit: { actor: Actor; action: AuditAction; target: string; detail: Record<string, unknown> };
}

/** Everything an accepted version writes, once its log entry (if the discussion has a log) is made. */
export function settleReport(
  cmd: SubmitReport,
  d: DiscussionRecord,
  unit: FrozenUnit,
  current: StoredReport | undefined,
  decided: DecidedVersion,
  logged: LoggedReport | null,
): SettledReport {
  const { report, discussionId, now } = cmd;
  const { version, outcome } = decided;
  const officeSigned = logged?.signedBy === 'office';
  const stored: StoredReport = {
    discussionId,
    unitId: report.unitId,
    version,
    isCurrent: true,
    meetingDate: report.meetingDate,
    present: report.present,
    resolution: report.resolution,
    votes: report.votes,
    outcome,
    submittedAt: now,
    submittedBy: cmd.submittedBy,
    officeSigned,
    log: logged,
  };
  const delta = tallyDelta(
    d.definition,
    unit.roll,
    current ? { present: current.present, votes: current.votes, outcome: current.outcome, officeSigned: current.officeSigned } : null,
    { present: report.present, votes: report.votes, outcome, officeSigned },
  );
  const accepted: ReportAccepted = { unitId: report.unitId, version, quorate: outcome.quorate, adopted: outcome.adopted, logIndex: logged?.index ?? null };
  const detail = {
    version,
    ...(current ? { before: { version: current.version, present: current.present, quorate: current.outcome.quorate, adopted: current.outcome.adopted } } : {}),
    after: { present: report.present, quorate: outcome.quorate, adopted: outcome.adopted },
  };
  return {
    stored,
    accepted,
    delta,
    affectedUnitIds: [...unit.ancestors, unit.unitId],
    audit: { actor: { principal: cmd.principal ?? CONSOLE, address: cmd.address ?? null }, action: current ? 'report.correct' : 'report.submit', target: `report:${discussionId}/${report.unitId}`, detail },
  };
}

/**
 * Who entered a report, as the log says: `unit` when the unit's own secretary (or member) sent it, `office` when
 * someone above it did — paper minutes entered by the office or a committee, or the console.
 */
function enteredByOf(principal: Principal | undefined, unitId: string): 'unit' | 'office' {
  if (!principal) return 'office';
  return principal.grants.some((g) => g.unitId === unitId && (g.role === 'secretary' || g.role === 'member')) ? 'unit' : 'office';
}

/** A stable fingerprint of a request body: keys sorted, so the same report always hashes the same. */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface ReportHistoryEntry {
  unitId: string;
  version: number;
  current: boolean;
  meetingDate: string;
  present: number | null;
  votes: ReportInput['votes'] | null;
  resolution: string | null;
  resolutionSha256: string;
  quorate: boolean | null;
  adopted: Record<string, string | null> | null;
  withheld: boolean;
  submittedAt: string;
  roll: number;
}

/**
 * Every version of a unit's report, oldest first, as this reader may see it (`null`: anyone). Nothing is overwritten:
 * corrections are new versions. The counts are public — except a small unit's, under the discussion's
 * `publicMinUnitSize` — and the resolution's text goes to those who may read the unit's reports (`report:read`);
 * everyone gets its SHA-256.
 */
export async function getReportHistory(db: Db, discussionId: string, unitId: string, viewer: Principal | null): Promise<ReportHistoryEntry[]> {
  const d = await getDiscussion(db, discussionId);
  const unit = await findFrozenUnit(db, discussionId, unitId);
  if (!unit) throw notFound('unit', unitId, 'unitId');
  const reader = mayActOnUnit(viewer, 'report:read', unitId, unit.ancestors);
  const withheld = !reader && isSmallUnitWithheld(d.definition.rules, unit.roll);
  const versions = await listReportVersions(db, discussionId, unitId, d.definition.questions.map((q) => q.id));
  return versions.map((r) => ({
    unitId,
    version: r.version,
    current: r.isCurrent,
    meetingDate: r.meetingDate,
    present: withheld ? null : r.present,
    votes: withheld ? null : r.votes,
    resolution: reader ? r.resolution : null,
    resolutionSha256: createHash('sha256').update(r.resolution, 'utf8').digest('hex'),
    quorate: withheld ? null : r.outcome.quorate,
    adopted: withheld ? null : r.outcome.adopted,
    withheld,
    submittedAt: r.submittedAt,
    roll: unit.roll,
  }));
}
