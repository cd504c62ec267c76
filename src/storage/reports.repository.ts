import { sql } from 'kysely';
import type { QuestionVotes, ReportOutcome } from '../domain/report.ts';
import { isPostgres, type Db } from './db.ts';
import type { ReportsTable } from './schema.ts';
import { dbOf, oneOf, rowSource, runSql, write, type WriteGroup } from './batch.ts';

export interface StoredReport {
  discussionId: string;
  unitId: string;
  version: number;
  isCurrent: boolean;
  meetingDate: string;
  present: number;
  resolution: string;
  votes: Record<string, QuestionVotes>;
  outcome: ReportOutcome;
  submittedAt: string;
  submittedBy: string;
  /** Signed by the office's key rather than the unit's own (false before the log existed). */
  officeSigned: boolean;
  /** Its entry in the public log (null: the discussion has no log). Only written; reads leave it out. */
  log?: { index: number; keyId: string; enteredBy: 'unit' | 'office'; signedBy: 'unit' | 'office' } | null;
}

/**
 * A version's counts as its row keeps them (`reports.counts`, migration 2026-11-27T04-00-packed-report-counts): per
 * question it voted on, the votes per position, the abstentions and the position adopted (`adopted` only for a question
 * the outcome names — every question of the discussion, in practice).
 */
interface PackedQuestion {
  positions: Record<string, number>;
  abstain: number;
  adopted?: string | null;
}

/** `reports.counts` of a version: its votes and adopted positions, one JSON text. */
function packCounts(votes: Readonly<Record<string, QuestionVotes>>, outcome: ReportOutcome): string {
  const packed: Record<string, PackedQuestion> = {};
  for (const q in votes) {
    if (!Object.hasOwn(votes, q)) continue;
    const v = votes[q]!;
    packed[q] = Object.hasOwn(outcome.adopted, q) ? { positions: v.positions, abstain: v.abstain, adopted: outcome.adopted[q] ?? null } : { positions: v.positions, abstain: v.abstain };
  }
  return JSON.stringify(packed);
}

/** Fills a version's votes and adopted positions in from its `reports.counts`. */
function unpackCounts(report: Pick<StoredReport, 'votes' | 'outcome'>, counts: string): void {
  const packed = JSON.parse(counts) as Record<string, PackedQuestion>;
  for (const q of Object.keys(packed)) {
    const p = packed[q]!;
    report.votes[q] = { positions: p.positions, abstain: p.abstain };
    if (p.adopted !== undefined) report.outcome.adopted[q] = p.adopted;
  }
}

/** Stores one version of a report, its counts in its row (the hot path: `sql` tag, one statement). */
export async function insertReportVersion(db: Db, r: StoredReport): Promise<void> {
  await sql`insert into reports (discussion_id, unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by,
                                 log_index, key_id, entered_by, signed_by, counts)
    values (${r.discussionId}, ${r.unitId}, ${r.version}, ${r.isCurrent ? 1 : 0}, ${r.meetingDate}, ${r.present}, ${r.resolution},
            ${r.outcome.quorate ? 1 : 0}, ${r.submittedAt}, ${r.submittedBy}, ${r.log?.index ?? null}, ${r.log?.keyId ?? null}, ${r.log?.enteredBy ?? null}, ${r.log?.signedBy ?? null},
            ${packCounts(r.votes, r.outcome)})`.execute(db);
}

/**
 * Stores many versions at once (a report batch): one multi-row statement. The same rows as `insertReportVersion` for
 * each; a version superseded within the same batch is stored with `isCurrent` false. Into a `WriteGroup`, the
 * statement goes with the group's next round trip on PostgreSQL.
 */
export async function insertReportVersions(target: Db | WriteGroup, reports: readonly StoredReport[]): Promise<void> {
  const db = dbOf(target);
  if (!reports.length) return;
  const rows = reports.map((r) => [
    r.discussionId, r.unitId, r.version, r.isCurrent ? 1 : 0, r.meetingDate, r.present, r.resolution, r.outcome.quorate ? 1 : 0, r.submittedAt, r.submittedBy,
    r.log?.index ?? null, r.log?.keyId ?? null, r.log?.enteredBy ?? null, r.log?.signedBy ?? null, packCounts(r.votes, r.outcome),
  ]);
  const reportTypes = ['text', 'text', 'integer', 'integer', 'text', 'integer', 'text', 'integer', 'text', 'text', 'integer', 'text', 'text', 'text', 'text'] as const;
  for (const part of rowSource(db, reportTypes, rows)) {
    await write(target, `insert into reports (discussion_id, unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by,
                                 log_index, key_id, entered_by, signed_by, counts) ${part.text}`, part.params);
  }
}

/**
 * Retires the current version of each of these units (a report batch stores their new versions). In a `WriteGroup`
 * on PostgreSQL it runs in one statement with the new versions' insert, whose rows it does not see (one snapshot).
 */
export async function markCurrentSuperseded(target: Db | WriteGroup, discussionId: string, unitIds: readonly string[]): Promise<void> {
  for (const ids of oneOf(dbOf(target), unitIds)) {
    await write(target, `update reports set is_current = 0 where discussion_id = ? and is_current = 1 and unit_id ${ids.text}`, [discussionId, ...ids.params]);
  }
}

export async function markSuperseded(db: Db, discussionId: string, unitId: string, version: number): Promise<void> {
  await db
    .updateTable('reports')
    .set({ is_current: 0 })
    .where('discussion_id', '=', discussionId)
    .where('unit_id', '=', unitId)
    .where('version', '=', version)
    .execute();
}

async function loadVersions(db: Db, discussionId: string, unitId: string, onlyCurrent: boolean, questionIds: readonly string[]): Promise<StoredReport[]> {
  let q = db.selectFrom('reports').selectAll().where('discussion_id', '=', discussionId).where('unit_id', '=', unitId);
  if (onlyCurrent) q = q.where('is_current', '=', 1);
  const rows = await q.orderBy('version').execute();
  return rows.map((r) => storedReport(discussionId, r, questionIds));
}

type ReportRow = Pick<ReportsTable, 'unit_id' | 'version' | 'is_current' | 'meeting_date' | 'present' | 'resolution' | 'quorate' | 'submitted_at' | 'submitted_by' | 'signed_by' | 'counts'>;

/** A reports row as a StoredReport. */
function storedReport(discussionId: string, r: ReportRow, questionIds: readonly string[]): StoredReport {
  const report: StoredReport = {
    discussionId,
    unitId: r.unit_id,
    version: r.version,
    isCurrent: r.is_current === 1,
    meetingDate: r.meeting_date,
    present: r.present,
    resolution: r.resolution,
    votes: {},
    outcome: { quorate: r.quorate === 1, adopted: Object.fromEntries(questionIds.map((id) => [id, null])) },
    submittedAt: r.submitted_at,
    submittedBy: r.submitted_by,
    officeSigned: r.signed_by === 'office',
  };
  unpackCounts(report, r.counts);
  return report;
}

export async function findCurrentReport(db: Db, discussionId: string, unitId: string, questionIds: readonly string[]): Promise<StoredReport | undefined> {
  return (await loadVersions(db, discussionId, unitId, true, questionIds))[0];
}

/** `ReportRow`'s columns, named (on PostgreSQL the statement is prepared, and a prepared `*` fails once a column is added). */
const REPORT_COLUMNS = 'unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by, signed_by, counts';

/** The current report of each of these units that has one (a report batch's corrections), by unit id: one statement. */
export async function findCurrentReports(db: Db, discussionId: string, unitIds: readonly string[], questionIds: readonly string[]): Promise<Map<string, StoredReport>> {
  const out = new Map<string, StoredReport>();
  for (const ids of oneOf(db, [...new Set(unitIds)])) {
    const params = [discussionId, ...ids.params];
    const rows = (await runSql<ReportRow>(db, `select ${REPORT_COLUMNS} from reports where discussion_id = ? and unit_id ${ids.text} and is_current = 1`, params)).rows;
    for (const r of rows) out.set(r.unit_id, storedReport(discussionId, r, questionIds));
  }
  return out;
}


export async function listReportVersions(db: Db, discussionId: string, unitId: string, questionIds: readonly string[]): Promise<StoredReport[]> {
  return loadVersions(db, discussionId, unitId, false, questionIds);
}

/** Every current report of a discussion, for a from-scratch recount. */
export async function listCurrentReports(db: Db, discussionId: string, questionIds: readonly string[]): Promise<Map<string, StoredReport>> {
  return listReports(db, discussionId, questionIds, undefined);
}

/**
 * Each unit's report as the log's first `size` entries leave it: its last version logged at an index below `size`
 * (what a decision resting on a checkpoint of that size was computed from).
 */
export async function listReportsAsOfLog(db: Db, discussionId: string, questionIds: readonly string[], size: number): Promise<Map<string, StoredReport>> {
  return listReports(db, discussionId, questionIds, size);
}

async function listReports(db: Db, discussionId: string, questionIds: readonly string[], logSize: number | undefined): Promise<Map<string, StoredReport>> {
  // Current versions; or, as of a log size, every version logged below it (the latest per unit is kept below).
  const current = logSize === undefined;
  const below = logSize ?? 0;
  const rows = await db
    .selectFrom('reports')
    .selectAll()
    .where('discussion_id', '=', discussionId)
    .$if(current, (q) => q.where('is_current', '=', 1))
    .$if(!current, (q) => q.where('log_index', '<', below))
    .orderBy('version')
    .execute();
  const out = new Map<string, StoredReport>();
  // Ordered by version: the last one written per unit is its latest.
  for (const r of rows) out.set(r.unit_id, storedReport(discussionId, r, questionIds));
  return out;
}

/**
 * A unit's frozen roll and its current report with its votes, in one statement (one snapshot): what a tally of a unit
 * without children is computed from.
 */
export async function findRollAndCurrentReport(
  db: Db,
  discussionId: string,
  unitId: string,
  questionIds: readonly string[],
): Promise<{ roll: number; report: Pick<StoredReport, 'present' | 'votes' | 'outcome' | 'submittedAt' | 'officeSigned'> | null } | undefined> {
  const row = await db
    .selectFrom('discussion_units as u')
    .leftJoin('reports as r', (j) => j.onRef('r.discussion_id', '=', 'u.discussion_id').onRef('r.unit_id', '=', 'u.unit_id').on('r.is_current', '=', 1))
    .select(['u.roll', 'r.version', 'r.present', 'r.quorate', 'r.submitted_at', 'r.signed_by', 'r.counts'])
    .where('u.discussion_id', '=', discussionId)
    .where('u.unit_id', '=', unitId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.version === null) return { roll: row.roll, report: null };
  const report = {
    present: row.present ?? 0,
    votes: {} as Record<string, QuestionVotes>,
    outcome: { quorate: row.quorate === 1, adopted: Object.fromEntries(questionIds.map((id) => [id, null])) as Record<string, string | null> },
    submittedAt: row.submitted_at ?? '',
    officeSigned: row.signed_by === 'office',
  };
  unpackCounts(report, row.counts ?? '{}');
  return { roll: row.roll, report };
}

/**
 * When the units of a subtree first reported: the number of first reports (version 1) per time bucket, the bucket being
 * the first `prefix` characters of the ISO timestamp (13: the hour, 10: the day). The subtree is pre-filtered with
 * LIKE on the stored ancestors and counted exactly (an id containing `_` or `%` is matched literally).
 */
export async function countFirstReportsByTime(db: Db, discussionId: string, unitId: string, root: boolean, prefix: 10 | 13): Promise<Array<{ bucket: string; n: number }>> {
  let q = db
    .selectFrom('reports as r')
    .select([sql<string>`substr(r.submitted_at, 1, ${sql.lit(prefix)})`.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('r.discussion_id', '=', discussionId)
    .where('r.version', '=', 1);
  if (!root) {
    const pattern = `%"${unitId.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;
    q = q.where((eb) =>
      eb.or([
        eb('r.unit_id', '=', unitId),
        eb.exists(
          eb
            .selectFrom('discussion_units as u')
            .select('u.unit_id')
            .whereRef('u.discussion_id', '=', 'r.discussion_id')
            .whereRef('u.unit_id', '=', 'r.unit_id')
            .where('u.ancestors', 'like', sql<string>`${pattern} escape '\\'`),
        ),
      ]),
    );
  }
  const rows = await q.groupBy(sql`substr(r.submitted_at, 1, ${sql.lit(prefix)})`).orderBy('bucket').execute();
  return rows.map((r) => ({ bucket: r.bucket, n: Number(r.n) }));
}

/** The log index of a report version: undefined if no such version, null if it was stored before the log existed. */
export async function findReportLogIndex(db: Db, discussionId: string, unitId: string, version: number): Promise<number | null | undefined> {
  const r = await db
    .selectFrom('reports')
    .select('log_index')
    .where('discussion_id', '=', discussionId)
    .where('unit_id', '=', unitId)
    .where('version', '=', version)
    .executeTakeFirst();
  return r === undefined ? undefined : r.log_index === null ? null : Number(r.log_index);
}

/** One line of `aggregateCurrentReports`: `x`, `y`, `z` are the sums each kind names there. */
export interface AggregateRow {
  kind: 'roll' | 'reports' | 'votes' | 'adopted';
  question_id: string | null;
  position_id: string | null;
  n: number;
  members: number;
  x: number;
  y: number;
  z: number;
}

/**
 * A discussion's frozen rolls and current reports aggregated in one SQL statement, with no use of the maintained tally
 * (the bench's naive baseline, src/bench/bench.ts). Four aggregates in one UNION ALL: the rolls (n units, their
 * members); the reports (n, their units' members, x present, y quorate, z office-signed); the votes per question and
 * position (x votes); the adoptions per question and position, null for none (n units, their members, x abstentions)
 * — the last two over each report's counts taken apart by the engine's own JSON functions.
 */
export async function aggregateCurrentReports(db: Db, discussionId: string): Promise<AggregateRow[]> {
  const pgJson = isPostgres(db);
  const questions = pgJson ? sql`jsonb_each(cast(r.counts as jsonb))` : sql`json_each(r.counts)`;
  const positions = pgJson ? sql`jsonb_each_text(q.value -> 'positions')` : sql`json_each(q.value, '$.positions')`;
  const votes = pgJson ? sql`sum(cast(p.value as integer))` : sql`sum(p.value)`;
  const adopted = pgJson ? sql`q.value ->> 'adopted'` : sql`json_extract(q.value, '$.adopted')`;
  const abstain = pgJson ? sql`sum(cast(q.value ->> 'abstain' as integer))` : sql`sum(json_extract(q.value, '$.abstain'))`;
  const hasAdopted = pgJson ? sql`(q.value -> 'adopted') is not null` : sql`json_type(q.value, '$.adopted') is not null`;
  const rows = await sql<AggregateRow>`
    select 'roll' as kind, cast(null as text) as question_id, cast(null as text) as position_id,
           count(*) as n, sum(u.roll) as members, 0 as x, 0 as y, 0 as z
      from discussion_units u
     where u.discussion_id = ${discussionId} and u.roll > 0
    union all
    select 'reports', null, null, count(*), sum(u.roll), sum(r.present), sum(r.quorate), sum(case when r.signed_by = 'office' then 1 else 0 end)
      from reports r
      join discussion_units u on u.discussion_id = r.discussion_id and u.unit_id = r.unit_id
     where r.discussion_id = ${discussionId} and r.is_current = 1
    union all
    select 'votes', q.key, p.key, count(*), 0, ${votes}, 0, 0
      from reports r, ${questions} q, ${positions} p
     where r.discussion_id = ${discussionId} and r.is_current = 1
     group by q.key, p.key
    union all
    select 'adopted', q.key, ${adopted}, count(*), sum(u.roll), ${abstain}, 0, 0
      from reports r
      join discussion_units u on u.discussion_id = r.discussion_id and u.unit_id = r.unit_id, ${questions} q
     where r.discussion_id = ${discussionId} and r.is_current = 1 and ${hasAdopted}
     group by q.key, ${adopted}
  `.execute(db);
  return rows.rows;
}
