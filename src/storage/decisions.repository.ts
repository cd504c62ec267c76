/** The binding decision, its errata, and the notices to members (migration 2026-11-27T02-00-decisions). */
import { sql } from 'kysely';
import type { Db } from './db.ts';
import type { DecisionsTable } from './schema.ts';

export type NoticeState = 'pending' | 'sending' | 'sent' | 'failed' | 'no-email';

export interface DecisionRecord {
  id: string;
  discussionId: string;
  kind: 'decision' | 'erratum';
  corrects: string | null;
  languages: string[];
  /** By language. */
  title: Record<string, string>;
  /** A decision: {title, resolutions: [{questionId, motionId, text: {lang: …}}]}; an erratum: {title, text: {lang: …}}. */
  body: Record<string, unknown>;
  reason: string | null;
  effectiveDate: string;
  /** A decision's provenance (src/services/decisions.ts `Provenance`); null for an erratum. */
  provenance: unknown;
  reconstruction: boolean;
  publishedBy: string;
  publishedAt: string;
  logIndex: number | null;
}

const toRecord = (r: DecisionsTable): DecisionRecord => {
  const body = JSON.parse(r.body) as Record<string, unknown>;
  return {
    id: r.id,
    discussionId: r.discussion_id,
    kind: r.kind as DecisionRecord['kind'],
    corrects: r.corrects,
    languages: JSON.parse(r.languages) as string[],
    title: body.title as Record<string, string>,
    body,
    reason: r.reason,
    effectiveDate: r.effective_date,
    provenance: JSON.parse(r.provenance) as unknown,
    reconstruction: r.reconstruction === 1,
    publishedBy: r.published_by,
    publishedAt: r.published_at,
    logIndex: r.log_index,
  };
};

export async function insertDecision(db: Db, d: DecisionRecord): Promise<void> {
  await db
    .insertInto('decisions')
    .values({
      id: d.id,
      discussion_id: d.discussionId,
      kind: d.kind,
      // One decision per discussion: the unique slot. Errata leave it null (any number).
      decision_slot: d.kind === 'decision' ? d.discussionId : null,
      corrects: d.corrects,
      title: d.title[d.languages[0]!]!,
      languages: JSON.stringify(d.languages),
      body: JSON.stringify(d.body),
      reason: d.reason,
      effective_date: d.effectiveDate,
      provenance: JSON.stringify(d.provenance),
      reconstruction: d.reconstruction ? 1 : 0,
      published_by: d.publishedBy,
      published_at: d.publishedAt,
      log_index: d.logIndex,
    })
    .execute();
}

export async function setDecisionLogIndex(db: Db, id: string, index: number): Promise<void> {
  await db.updateTable('decisions').set({ log_index: index }).where('id', '=', id).where('log_index', 'is', null).execute();
}

export async function findDecision(db: Db, id: string): Promise<DecisionRecord | undefined> {
  const r = await db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRecord(r);
}

export async function findDecisionOfDiscussion(db: Db, discussionId: string): Promise<DecisionRecord | undefined> {
  const r = await db.selectFrom('decisions').selectAll().where('decision_slot', '=', discussionId).executeTakeFirst();
  return r && toRecord(r);
}

/** Published acts, newest first (of one discussion if given). */
export async function listDecisionActs(db: Db, opts: { discussionId?: string; limit?: number }): Promise<DecisionRecord[]> {
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .$if(opts.discussionId !== undefined, (q) => q.where('discussion_id', '=', opts.discussionId!))
    .orderBy('published_at', 'desc')
    // Acts published in the same instant: the later in the log first.
    .orderBy('log_index', 'desc')
    .$if(opts.limit !== undefined, (q) => q.limit(opts.limit!))
    .execute();
  return rows.map(toRecord);
}

/** Queues a notice of an act for every member on the roll, in one statement (no email: in the app only); returns how many. */
export async function queueNotices(db: Db, decisionId: string, now: string): Promise<number> {
  const r = await sql`insert into decision_notices (decision_id, member_id, state, updated_at)
    select ${decisionId}, id, case when email is null or email = '' then 'no-email' else 'pending' end, ${now} from members`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}

/** Claims up to `limit` pending notices (pending → sending, committed before any mail goes), with their emails. */
export async function claimNotices(db: Db, decisionId: string, limit: number, now: string): Promise<Array<{ memberId: string; email: string | null }>> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('decision_notices')
      .innerJoin('members', 'members.id', 'decision_notices.member_id')
      .select(['decision_notices.member_id as memberId', 'members.email as email'])
      .where('decision_notices.decision_id', '=', decisionId)
      .where('decision_notices.state', '=', 'pending')
      .orderBy('decision_notices.member_id')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.memberId);
    // Only rows still pending are claimed: a second sender running at once takes the ones this one did not.
    const claimed = await trx
      .updateTable('decision_notices')
      .set({ state: 'sending', updated_at: now })
      .where('decision_id', '=', decisionId)
      .where('member_id', 'in', ids)
      .where('state', '=', 'pending')
      .returning('member_id')
      .execute();
    const mine = new Set(claimed.map((c) => c.member_id));
    return rows.filter((r) => mine.has(r.memberId)).map((r) => ({ memberId: r.memberId, email: r.email ? r.email : null }));
  });
}

export async function markNotice(db: Db, decisionId: string, memberId: string, state: NoticeState, error: string | null, now: string): Promise<void> {
  await db.updateTable('decision_notices').set({ state, error, updated_at: now }).where('decision_id', '=', decisionId).where('member_id', '=', memberId).execute();
}

/** Notices left `sending` by an interrupted run go back to pending (the operator accepts that some may arrive twice). */
export async function releaseUncertainNotices(db: Db, decisionId: string, now: string): Promise<number> {
  const r = await db.updateTable('decision_notices').set({ state: 'pending', updated_at: now }).where('decision_id', '=', decisionId).where('state', '=', 'sending').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countNotices(db: Db, decisionId: string): Promise<Partial<Record<NoticeState, number>>> {
  const rows = await db
    .selectFrom('decision_notices')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('decision_id', '=', decisionId)
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export async function listNoticesOfMember(db: Db, memberId: string) {
  const rows = await db
    .selectFrom('decision_notices')
    .innerJoin('decisions', 'decisions.id', 'decision_notices.decision_id')
    .select(['decisions.id as decisionId', 'decisions.discussion_id as discussionId', 'decisions.kind as kind', 'decisions.body as body', 'decisions.languages as languages', 'decisions.published_at as publishedAt', 'decisions.effective_date as effectiveDate', 'decisions.reconstruction as reconstruction', 'decision_notices.read_at as readAt'])
    .where('decision_notices.member_id', '=', memberId)
    .orderBy('decisions.published_at', 'desc')
    .orderBy('decisions.log_index', 'desc')
    .execute();
  return rows
    .map((r) => ({
      decisionId: r.decisionId,
      discussionId: r.discussionId,
      kind: r.kind as 'decision' | 'erratum',
      title: (JSON.parse(r.body) as { title: Record<string, string> }).title,
      languages: JSON.parse(r.languages) as string[],
      publishedAt: r.publishedAt,
      effectiveDate: r.effectiveDate,
      reconstruction: r.reconstruction === 1,
      readAt: r.readAt,
    }))
    .sort((a, b) => Number(a.readAt !== null) - Number(b.readAt !== null));
}

export async function markNoticeRead(db: Db, decisionId: string, memberId: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('decision_notices')
    .set({ read_at: now })
    .where('decision_id', '=', decisionId)
    .where('member_id', '=', memberId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return true;
  return (await db.selectFrom('decision_notices').select('member_id').where('decision_id', '=', decisionId).where('member_id', '=', memberId).executeTakeFirst()) !== undefined;
}
