import { sql } from 'kysely';
import type { QuestionVotes, ReportOutcome } from '../domain/report.ts';
import type { Db } from './db.ts';
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

/** Stores one version of a report with its per-question lines and votes (the hot path: `sql` tag, three statements). */
export async function insertReportVersion(db: Db, r: StoredReport): Promise<void> {
  await sql`insert into reports (discussion_id, unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by,
                                 log_index, key_id, entered_by, signed_by)
    values (${r.discussionId}, ${r.unitId}, ${r.version}, ${r.isCurrent ? 1 : 0}, ${r.meetingDate}, ${r.present}, ${r.resolution},
            ${r.outcome.quorate ? 1 : 0}, ${r.submittedAt}, ${r.submittedBy}, ${r.log?.index ?? null}, ${r.log?.keyId ?? null}, ${r.log?.enteredBy ?? null}, ${r.log?.signedBy ?? null})`.execute(db);
  const key = sql`${r.discussionId}, ${r.unitId}, ${r.version}`;
  const questionRows = Object.keys(r.outcome.adopted)
    .filter((q) => Object.hasOwn(r.votes, q))
    .map((q) => sql`(${key}, ${q}, ${r.votes[q]!.abstain}, ${r.outcome.adopted[q] ?? null})`);
  if (questionRows.length) {
    await sql`insert into report_questions (discussion_id, unit_id, version, question_id, abstain, adopted_position_id)
      values ${sql.join(questionRows)}`.execute(db);
  }
  const voteRows = Object.entries(r.votes).flatMap(([q, v]) => Object.entries(v.positions).map(([p, n]) => sql`(${key}, ${q}, ${p}, ${n})`));
  if (voteRows.length) {
    await sql`insert into report_votes (discussion_id, unit_id, version, question_id, position_id, votes) values ${sql.join(voteRows)}`.execute(db);
  }
}

/**
 * Stores many versions at once (a report batch): one multi-row statement per table. The same rows as
 * `insertReportVersion` for each; a version superseded within the same batch is stored with `isCurrent` false.
 * Into a `WriteGroup`, the statements go with the group's next round trip on PostgreSQL.
 */
export async function insertReportVersions(target: Db | WriteGroup, reports: readonly StoredReport[]): Promise<void> {
  const db = dbOf(target);
  if (!reports.length) return;
  const rows = reports.map((r) => [
    r.discussionId, r.unitId, r.version, r.isCurrent ? 1 : 0, r.meetingDate, r.present, r.resolution, r.outcome.quorate ? 1 : 0, r.submittedAt, r.submittedBy,
    r.log?.index ?? null, r.log?.keyId ?? null, r.log?.enteredBy ?? null, r.log?.signedBy ?? null,
  ]);
  const reportTypes = ['text', 'text', 'integer', 'integer', 'text', 'integer', 'text', 'integer', 'text', 'text', 'integer', 'text', 'text', 'text'] as const;
  for (const part of rowSource(db, reportTypes, rows)) {
    await write(target, `insert into reports (discussion_id, unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by,
                                 log_index, key_id, entered_by, signed_by) ${part.text}`, part.params);
  }
  const questions: unknown[][] = [];
  const votes: unknown[][] = [];
  for (const r of reports) {
    for (const q of Object.keys(r.outcome.adopted)) {
      if (Object.hasOwn(r.votes, q)) questions.push([r.discussionId, r.unitId, r.version, q, r.votes[q]!.abstain, r.outcome.adopted[q] ?? null]);
    }
    for (const [q, v] of Object.entries(r.votes)) for (const [p, n] of Object.entries(v.positions)) votes.push([r.discussionId, r.unitId, r.version, q, p, n]);
  }
  for (const part of rowSource(db, ['text', 'text', 'integer', 'text', 'integer', 'text'], questions)) {
    await write(target, `insert into report_questions (discussion_id, unit_id, version, question_id, abstain, adopted_position_id) ${part.text}`, part.params);
  }
  for (const part of rowSource(db, ['text', 'text', 'integer', 'text', 'text', 'integer'], votes)) {
    await write(target, `insert into report_votes (discussion_id, unit_id, version, question_id, position_id, votes) ${part.text}`, part.params);
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
  if (!rows.length) return [];
  const versions = rows.map((r) => r.version);
  const [qs, vs] = await Promise.all([
    db.selectFrom('report_questions').selectAll().where('discussion_id', '=', discussionId).where('unit_id', '=', unitId).where('version', 'in', versions).execute(),
    db.selectFrom('report_votes').selectAll().where('discussion_id', '=', discussionId).where('unit_id', '=', unitId).where('version', 'in', versions).execute(),
  ]);
  return rows.map((r) => {
    const report = storedReport(discussionId, r, questionIds);
    const { votes, outcome } = report;
    for (const rq of qs.filter((x) => x.version === r.version)) {
      votes[rq.question_id] = { positions: {}, abstain: rq.abstain };
      outcome.adopted[rq.question_id] = rq.adopted_position_id;
    }
    for (const rv of vs.filter((x) => x.version === r.version)) {
      (votes[rv.question_id] ??= { positions: {}, abstain: 0 }).positions[rv.position_id] = rv.votes;
    }
    return report;
  });
}

type ReportRow = Pick<ReportsTable, 'unit_id' | 'version' | 'is_current' | 'meeting_date' | 'present' | 'resolution' | 'quorate' | 'submitted_at' | 'submitted_by' | 'signed_by'>;

/** A reports row as a StoredReport, its votes and adopted positions still to be filled in from their own tables. */
function storedReport(discussionId: string, r: ReportRow, questionIds: readonly string[]): StoredReport {
  return {
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
}

export async function findCurrentReport(db: Db, discussionId: string, unitId: string, questionIds: readonly string[]): Promise<StoredReport | undefined> {
  return (await loadVersions(db, discussionId, unitId, true, questionIds))[0];
}

/** `ReportRow`'s columns, named (on PostgreSQL the statement is prepared, and a prepared `*` fails once a column is added). */
const REPORT_COLUMNS = 'unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by, signed_by';

/** The current report of each of these units that has one (a report batch's corrections), by unit id: three statements. */
export async function findCurrentReports(db: Db, discussionId: string, unitIds: readonly string[], questionIds: readonly string[]): Promise<Map<string, StoredReport>> {
  const out = new Map<string, StoredReport>();
  for (const ids of oneOf(db, [...new Set(unitIds)])) {
    const params = [discussionId, ...ids.params];
    const where = `discussion_id = ? and unit_id ${ids.text}`;
    const join = (t: string) =>
      `from ${t} x join reports r on r.discussion_id = x.discussion_id and r.unit_id = x.unit_id and r.version = x.version and r.is_current = 1
       where x.discussion_id = ? and x.unit_id ${ids.text}`;
    const rows = (await runSql<ReportRow>(db, `select ${REPORT_COLUMNS} from reports where ${where} and is_current = 1`, params)).rows;
    const qs = (await runSql<{ unit_id: string; question_id: string; abstain: number; adopted_position_id: string | null }>(
      db, `select x.unit_id, x.question_id, x.abstain, x.adopted_position_id ${join('report_questions')}`, params)).rows;
    const vs = (await runSql<{ unit_id: string; question_id: string; position_id: string; votes: number }>(
      db, `select x.unit_id, x.question_id, x.position_id, x.votes ${join('report_votes')}`, params)).rows;
    for (const r of rows) out.set(r.unit_id, storedReport(discussionId, r, questionIds));
    for (const q of qs) {
      const rep = out.get(q.unit_id);
      if (!rep) continue;
      rep.votes[q.question_id] = { positions: rep.votes[q.question_id]?.positions ?? {}, abstain: q.abstain };
      rep.outcome.adopted[q.question_id] = q.adopted_position_id;
    }
    for (const v of vs) {
      const rep = out.get(v.unit_id);
      if (rep) (rep.votes[v.question_id] ??= { positions: {}, abstain: 0 }).positions[v.position_id] = v.votes;
    }
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
  const [rows, qs, vs] = await Promise.all([
    db
      .selectFrom('reports')
      .selectAll()
      .where('discussion_id', '=', discussionId)
      .$if(current, (q) => q.where('is_current', '=', 1))
      .$if(!current, (q) => q.where('log_index', '<', below))
      .orderBy('version')
      .execute(),
    db
      .selectFrom('report_questions')
      .innerJoin('reports', (j) =>
        j.onRef('reports.discussion_id', '=', 'report_questions.discussion_id').onRef('reports.unit_id', '=', 'report_questions.unit_id').onRef('reports.version', '=', 'report_questions.version'),
      )
      .selectAll('report_questions')
      .where('report_questions.discussion_id', '=', discussionId)
      .$if(current, (q) => q.where('reports.is_current', '=', 1))
      .$if(!current, (q) => q.where('reports.log_index', '<', below))
      .execute(),
    db
      .selectFrom('report_votes')
      .innerJoin('reports', (j) =>
        j.onRef('reports.discussion_id', '=', 'report_votes.discussion_id').onRef('reports.unit_id', '=', 'report_votes.unit_id').onRef('reports.version', '=', 'report_votes.version'),
      )
      .selectAll('report_votes')
      .where('report_votes.discussion_id', '=', discussionId)
      .$if(current, (q) => q.where('reports.is_current', '=', 1))
      .$if(!current, (q) => q.where('reports.log_index', '<', below))
      .execute(),
  ]);
  const out = new Map<string, StoredReport>();
  // Ordered by version: the last one written per unit is its latest.
  for (const r of rows) out.set(r.unit_id, storedReport(discussionId, r, questionIds));
  for (const q of qs) {
    const rep = out.get(q.unit_id)!;
    if (rep.version !== q.version) continue;
    rep.votes[q.question_id] = { positions: rep.votes[q.question_id]?.positions ?? {}, abstain: q.abstain };
    rep.outcome.adopted[q.question_id] = q.adopted_position_id;
  }
  for (const v of vs) {
    const rep = out.get(v.unit_id)!;
    if (rep.version !== v.version) continue;
    (rep.votes[v.question_id] ??= { positions: {}, abstain: 0 }).positions[v.position_id] = v.votes;
  }
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
  const rows = await db
    .selectFrom('discussion_units as u')
    .leftJoin('reports as r', (j) => j.onRef('r.discussion_id', '=', 'u.discussion_id').onRef('r.unit_id', '=', 'u.unit_id').on('r.is_current', '=', 1))
    .leftJoin('report_questions as q', (j) =>
      j.onRef('q.discussion_id', '=', 'r.discussion_id').onRef('q.unit_id', '=', 'r.unit_id').onRef('q.version', '=', 'r.version'),
    )
    .leftJoin('report_votes as v', (j) =>
      j
        .onRef('v.discussion_id', '=', 'q.discussion_id')
        .onRef('v.unit_id', '=', 'q.unit_id')
        .onRef('v.version', '=', 'q.version')
        .onRef('v.question_id', '=', 'q.question_id'),
    )
    .select(['u.roll', 'r.version', 'r.present', 'r.quorate', 'r.submitted_at', 'r.signed_by', 'q.question_id', 'q.abstain', 'q.adopted_position_id', 'v.position_id', 'v.votes'])
    .where('u.discussion_id', '=', discussionId)
    .where('u.unit_id', '=', unitId)
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  if (first.version === null) return { roll: first.roll, report: null };
  const votes: Record<string, QuestionVotes> = {};
  const adopted: Record<string, string | null> = Object.fromEntries(questionIds.map((id) => [id, null]));
  for (const r of rows) {
    if (r.question_id === null) continue;
    const qv = (votes[r.question_id] ??= { positions: {}, abstain: r.abstain ?? 0 });
    adopted[r.question_id] = r.adopted_position_id;
    if (r.position_id !== null) qv.positions[r.position_id] = r.votes ?? 0;
  }
  return {
    roll: first.roll,
    report: { present: first.present ?? 0, votes, outcome: { quorate: first.quorate === 1, adopted }, submittedAt: first.submitted_at ?? '', officeSigned: first.signed_by === 'office' },
  };
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
