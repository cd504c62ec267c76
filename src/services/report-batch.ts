/**
 * A batch of reports written set-based, in one transaction the caller owns (services/report-batcher.ts): everything
 * the batch's checks need is read first, in a few statements for the whole batch; each report is then decided in
 * memory, in arrival order, by the same checks as one report alone (services/reports.ts: `checkReportingOpen`,
 * `checkUnit`, `decideVersion`, `settleReport`; services/log.ts: `settleSigner`, which checks a unit's signature)
 * against the state the reports before it in the batch left; and the accepted ones are written together — report
 * rows, audit events and idempotency keys as multi-row inserts, the tally changes summed per unit and added with one
 * statement per table, and last the log entries, each log's head moved once. The entries (the office's signature and
 * the encoding, the same bytes as for one report) are made meanwhile on a worker thread (services/entry-pool.ts) —
 * most of them before the batch even starts: as a report arrives, `premakeEntry` starts the entry it will have if it
 * is accepted (its version can only be `supersedes` + 1; its signer is the office, or the unit key it names), and the
 * batch takes that entry only if it is, member for member, the entry it decided (`sameJob`); else it makes its own.
 *
 * Each report is still accepted or refused on its own, with the error it would get alone: a refusal is decided before
 * anything is written and writes nothing. Anything else that fails (a unique key taken meanwhile by another process,
 * a deadlock on PostgreSQL, the database going away) throws: the caller rolls the transaction back and writes the
 * batch the slow way, a savepoint per report, which settles such races one report at a time.
 *
 * Order of locks on PostgreSQL: the batch's log heads first (discussion order), before any read, so no other writer
 * appends to those logs between what the batch reads and what it writes; the tally rows last, by depth then id.
 */
import { notFound } from '../domain/errors.ts';
import { emptyTally, isZeroDelta, type TallyCounts } from '../domain/tally.ts';
import type { Signer } from '../log/note.ts';
import { recordAudits } from '../storage/audit.repository.ts';
import { WriteGroup } from '../storage/batch.ts';
import type { Db } from '../storage/db.ts';
import { findDiscussionsLockingLogs, findFrozenUnitsWithCurrentVersion, type DiscussionRecord, type FrozenUnit } from '../storage/discussions.repository.ts';
import { findIdempotentResponses, insertCompletedKeys, type IdempotentResponse } from '../storage/idempotency.repository.ts';
import { findUnitKeys, type UnitKey } from '../storage/keys.repository.ts';
import { appendLockedLogEntries } from '../storage/log.repository.ts';
import { findCurrentReports, insertReportVersions, markCurrentSuperseded, type StoredReport } from '../storage/reports.repository.ts';
import { applyTallyDeltas } from '../storage/tally.repository.ts';
import { crashPoint } from './crash-points.ts';
import { makeEntries, premake, sendPremade, type BatchEntry, type Entries, type EntryJob, type PremadeEntry } from './entry-pool.ts';
import { cachedOfficeSigner, knownToHaveLog, officeSigner, rememberLogs, settleSigner, signedStatement, type LoggedReport } from './log.ts';
import type { EntryRow } from './report-entry.ts';
import {
  checkReportingOpen,
  checkUnit,
  decideVersion,
  hashRequest,
  replayOf,
  scopeOf,
  settleReport,
  statementIfAccepted,
  type SettledReport,
  type SubmitReport,
  type SubmitResult,
} from './reports.ts';

/** Each report's answer, in the order given: accepted (or replayed), or refused. */
export type BatchAnswer = { ok: SubmitResult } | { error: unknown };

type UnitWithVersion = FrozenUnit & { currentVersion: number | null };

interface Accepted {
  cmd: SubmitReport;
  settled: SettledReport;
  /** Its log entry to make (null: the discussion has no log), and the same entry if it was started ahead. */
  entry: BatchEntry | null;
}

const keyOf = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * Starts making, on the entry worker, the log entry `cmd` will have if it is accepted — as it arrives, while the batch
 * before it is written (services/entry-pool.ts) — if its discussion is known to have a log and the signer is known
 * without I/O (the unit's key id as the report names it, or the office's key already read). Undefined otherwise: its
 * entry is made with its batch. The batch uses it only if it is the entry decided (`writeReportBatch`).
 */
export function premakeEntry(db: Db, cmd: SubmitReport): PremadeEntry | undefined {
  if (!knownToHaveLog(db, cmd.discussionId)) return undefined;
  const signature = cmd.report.signature;
  const office = signature ? undefined : cachedOfficeSigner(db);
  if (!signature && !office) return undefined;
  const signed = signedStatement(statementIfAccepted(cmd), signature ? signature.keyId : office!);
  return premake({ signed, submittedAt: cmd.now, signature: signature ? signature.value : office! });
}

/**
 * Writes `cmds` set-based inside `trx`; every answer, in order. Throws — and the caller must roll `trx` back — when
 * something other than a report's own refusal fails. `premade[i]`, if given, is the entry `cmds[i]` was expected to
 * have (`premakeEntry`): used if it is the entry decided, else made anew.
 */
export async function writeReportBatch(trx: Db, cmds: readonly SubmitReport[], premade: ReadonlyArray<PremadeEntry | undefined> = []): Promise<BatchAnswer[]> {
  // The entries started ahead go to the worker now, if they have not yet: it signs while this batch reads.
  sendPremade();
  const discussionIds = [...new Set(cmds.map((c) => c.discussionId))].sort();
  // The log heads first: on PostgreSQL they stay locked to the commit (see above), taken with the discussions' rows
  // in one statement, which also announces the batch's discussions (delivered at commit, if it commits: the change
  // feed, storage/change-feed.ts). A discussion without one has no log.
  const found = await findDiscussionsLockingLogs(trx, discussionIds, { announce: true });
  const heads = new Map<string, number>();
  for (const [id, f] of found) if (f.logSize !== null) heads.set(id, f.logSize);
  rememberLogs(trx, heads.keys());

  // ---- read: everything the checks need, a few statements for the whole batch ----
  const discussions = new Map<string, DiscussionRecord | { refused: unknown }>();
  for (const id of discussionIds) discussions.set(id, found.get(id)?.record ?? { refused: notFound('discussion', id) });
  const units = new Map<string, UnitWithVersion>();
  const currents = new Map<string, StoredReport>();
  for (const id of discussionIds) {
    const d = discussions.get(id)!;
    if ('refused' in d) continue;
    const found = await findFrozenUnitsWithCurrentVersion(trx, id, cmds.filter((c) => c.discussionId === id).map((c) => c.report.unitId));
    for (const [unitId, u] of found) units.set(keyOf(id, unitId), u);
    const corrected = [...found.values()].filter((u) => u.currentVersion !== null).map((u) => u.unitId);
    if (corrected.length) {
      for (const [unitId, r] of await findCurrentReports(trx, id, corrected, d.definition.questions.map((q) => q.id))) currents.set(keyOf(id, unitId), r);
    }
  }
  const priorKeys = new Map<string, IdempotentResponse>();
  const keysByScope = new Map<string, string[]>();
  for (const c of cmds) if (c.idempotencyKey) keysByScope.set(scopeOf(c), [...(keysByScope.get(scopeOf(c)) ?? []), c.idempotencyKey]);
  for (const [scope, keys] of keysByScope) for (const [key, r] of await findIdempotentResponses(trx, scope, keys)) priorKeys.set(keyOf(scope, key), r);
  const signedWith = cmds.flatMap((c) => (c.report.signature && heads.has(c.discussionId) ? [c.report.signature.keyId] : []));
  const unitKeys: Map<string, UnitKey> = signedWith.length ? await findUnitKeys(trx, signedWith) : new Map();
  const officeSigned = cmds.find((c) => !c.report.signature && heads.has(c.discussionId));
  const office: Signer | undefined = officeSigned ? await officeSigner(trx, officeSigned.now) : undefined;

  // ---- decide: one report after another, each against the state the ones before it left ----
  const answers: BatchAnswer[] = [];
  const accepted: Accepted[] = [];
  /** Keys claimed by reports accepted earlier in this batch, with their answers. */
  const claimed = new Map<string, IdempotentResponse>();
  /** Log sizes as the batch's appends so far leave them. */
  const sizes = new Map(heads);
  for (const [k, cmd] of cmds.entries()) {
    const ahead = premade[k];
    try {
      const scope = scopeOf(cmd);
      const requestHash = cmd.idempotencyKey ? hashRequest(cmd.report) : '';
      if (cmd.idempotencyKey) {
        const k = keyOf(scope, cmd.idempotencyKey);
        const replay = replayOf(claimed.get(k) ?? priorKeys.get(k), requestHash);
        if (replay) {
          ahead?.cancel();
          answers.push({ ok: replay });
          continue;
        }
      }
      const d = discussions.get(cmd.discussionId)!;
      if ('refused' in d) throw d.refused;
      checkReportingOpen(d, cmd.discussionId, cmd.now);
      const uk = keyOf(cmd.discussionId, cmd.report.unitId);
      const unit = checkUnit(cmd, d, units.get(uk));
      const current = currents.get(uk);
      const decided = decideVersion(cmd, d, unit, current);
      let entry: BatchEntry | null = null;
      let logged: LoggedReport | null = null;
      const size = sizes.get(cmd.discussionId);
      if (size !== undefined) {
        // The unit's signature is checked here; the office's is made with the entry, after (services/entry-pool.ts).
        const signature = cmd.report.signature;
        const s = settleSigner(decided.statement, cmd.now, signature, signature ? { unitKey: unitKeys.get(signature.keyId) } : { office: office! });
        const job: EntryJob = { signed: s.signed, submittedAt: cmd.now, signature: s.signature };
        entry = ahead && sameJob(ahead.job, job) ? { job, premade: ahead } : { job };
        logged = { index: size, keyId: s.keyId, enteredBy: s.enteredBy, signedBy: s.signedBy };
        sizes.set(cmd.discussionId, size + 1);
      }
      // An entry made ahead that is not this one (or none is needed: the discussion has no log) is not made.
      if (ahead && entry?.premade !== ahead) ahead.cancel();
      const settled = settleReport(cmd, d, unit, current, decided, logged);
      // The next report of this unit in the batch corrects this version.
      if (current) current.isCurrent = false;
      currents.set(uk, settled.stored);
      if (cmd.idempotencyKey) claimed.set(keyOf(scope, cmd.idempotencyKey), { requestHash, response: settled.accepted });
      accepted.push({ cmd, settled, entry });
      answers.push({ ok: { accepted: settled.accepted, replayed: false, affectedUnitIds: settled.affectedUnitIds } });
    } catch (e) {
      // A refusal of this report alone (as the savepoint of one report would have rolled back): nothing was written.
      ahead?.cancel();
      answers.push({ error: e });
    }
  }

  // ---- write: the accepted reports together ----
  if (accepted.length) {
    // The log entries are signed and encoded (on a worker thread, if there is one) while the other rows are written.
    const entries = makeEntries(accepted.flatMap((a) => (a.entry ? [a.entry] : [])));
    await writeAccepted(trx, discussions, heads, accepted, claimed, entries);
    crashPoint('report:before-commit');
  }
  return answers;
}

async function writeAccepted(
  trx: Db,
  discussions: ReadonlyMap<string, DiscussionRecord | { refused: unknown }>,
  heads: ReadonlyMap<string, number>,
  accepted: readonly Accepted[],
  claimed: ReadonlyMap<string, IdempotentResponse>,
  entries: Entries,
): Promise<void> {
  const keys = accepted.flatMap(({ cmd, settled }) =>
    cmd.idempotencyKey ? [{ scope: scopeOf(cmd), key: cmd.idempotencyKey, requestHash: claimed.get(keyOf(scopeOf(cmd), cmd.idempotencyKey))!.requestHash, response: settled.accepted, now: cmd.now }] : [],
  );
  // The writes nobody reads back go together: on PostgreSQL in two round trips (the rows, the audit events and the
  // tally rows' lock; then the tally rows, the entries and the head), not one per statement (storage/batch.ts).
  const group = new WriteGroup(trx);
  if (keys.length) await insertCompletedKeys(group, keys);
  const discussionIds = [...discussions.keys()];
  for (const id of discussionIds) {
    const mine = accepted.filter((a) => a.cmd.discussionId === id);
    if (!mine.length) continue;
    // The versions current before the batch that it replaces: a unit whose first version in the batch is not its first
    // (a version made and replaced within the batch is stored as not current).
    const firstInBatch = new Map<string, number>();
    for (const a of mine) if (!firstInBatch.has(a.settled.stored.unitId)) firstInBatch.set(a.settled.stored.unitId, a.settled.stored.version);
    const replaced = [...firstInBatch].filter(([, v]) => v > 1).map(([u]) => u);
    if (replaced.length) await markCurrentSuperseded(group, id, replaced);
    await insertReportVersions(group, mine.map((a) => a.settled.stored));
  }
  await recordAudits(group, accepted.map(({ cmd, settled: { audit } }) => ({ ...audit, now: cmd.now })));
  // Last, as for one report: the tally rows every report shares (the root's) are held for as short a time as possible.
  for (const id of discussionIds) {
    const d = discussions.get(id)!;
    if ('refused' in d) continue;
    const sums = new Map<string, { unitId: string; delta: TallyCounts; updatedAt: string }>();
    for (const { cmd, settled } of accepted) {
      if (cmd.discussionId !== id || isZeroDelta(settled.delta)) continue;
      for (const unitId of settled.affectedUnitIds) {
        let s = sums.get(unitId);
        if (!s) sums.set(unitId, (s = { unitId, delta: emptyTally(d.definition), updatedAt: cmd.now }));
        accumulate(s.delta, settled.delta);
        if (cmd.now > s.updatedAt) s.updatedAt = cmd.now;
      }
    }
    if (sums.size) await applyTallyDeltas(group, id, [...sums.values()]);
  }
  // The log entries, made meanwhile, in the order of `accepted` (each log's head was locked at its size before the batch).
  const rows = await entries.finish();
  let next = 0;
  const byLog = new Map<string, Array<EntryRow & { appendedAt: string }>>();
  for (const a of accepted) {
    if (!a.entry) continue;
    const list = byLog.get(a.cmd.discussionId) ?? [];
    list.push({ ...rows[next++]!, appendedAt: a.cmd.now });
    byLog.set(a.cmd.discussionId, list);
  }
  for (const [id, list] of byLog) await appendLockedLogEntries(group, id, heads.get(id)!, list);
  await group.flush();
}

/** `into += delta` in place (`into` is the batch's own sum, made by `emptyTally`: its objects may change). */
function accumulate(into: TallyCounts, delta: TallyCounts): void {
  into.unitsTotal += delta.unitsTotal;
  into.unitsReported += delta.unitsReported;
  into.unitsQuorate += delta.unitsQuorate;
  into.membersTotal += delta.membersTotal;
  into.membersReported += delta.membersReported;
  into.present += delta.present;
  into.unitsOfficeSigned += delta.unitsOfficeSigned;
  for (const qid in delta.questions) {
    const dq = delta.questions[qid]!;
    const iq = into.questions[qid];
    if (!iq) throw new Error(`tally has no question ${qid}`);
    iq.abstain += dq.abstain;
    for (const p in dq.votes) iq.votes[p] = (iq.votes[p] ?? 0) + dq.votes[p]!;
    for (const p in dq.adopted) {
      const d = dq.adopted[p]!;
      const cur = iq.adopted[p];
      if (cur) {
        cur.units += d.units;
        cur.members += d.members;
      } else iq.adopted[p] = { units: d.units, members: d.members };
    }
  }
}

/** Whether the entry made ahead is the one decided: the same statement, time and signer. */
function sameJob(ahead: EntryJob, job: EntryJob): boolean {
  return ahead.submittedAt === job.submittedAt && ahead.signature === job.signature && sameJson(ahead.signed, job.signed);
}

/** Deep equality of JSON-like values (plain objects, arrays, strings, numbers, booleans, null). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
