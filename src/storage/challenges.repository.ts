/** Challenges, their evidence, and the commission's adjudications: rows in, rows out (src/services/challenges.ts). */
import type { ChallengeReason, Decision, Struck } from '../domain/adjudication.ts';
import type { Db } from './db.ts';

export interface Challenge {
  id: string;
  discussionId: string;
  unitId: string;
  reportVersion: number;
  reason: ChallengeReason;
  text: string;
  /** `<kind>:<id>` of who filed it, and the role it filed as. Never public. */
  filedBy: string;
  filedAs: string;
  filedAt: string;
  state: 'open' | 'decided';
  logIndex: number | null;
}

export interface Evidence {
  challengeId: string;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
  contentBase64: string;
}

export interface Adjudication {
  id: string;
  discussionId: string;
  unitId: string;
  reportVersion: number;
  challengeId: string | null;
  decision: Decision;
  criterion: string;
  reason: string;
  struck: Struck | null;
  decidedBy: string;
  decidedAt: string;
  logIndex: number | null;
}

type ChallengeRow = {
  id: string;
  discussion_id: string;
  unit_id: string;
  report_version: number;
  reason: string;
  text: string;
  filed_by: string;
  filed_as: string;
  filed_at: string;
  state: string;
  log_index: number | null;
};

const toChallenge = (r: ChallengeRow): Challenge => ({
  id: r.id,
  discussionId: r.discussion_id,
  unitId: r.unit_id,
  reportVersion: r.report_version,
  reason: r.reason as ChallengeReason,
  text: r.text,
  filedBy: r.filed_by,
  filedAs: r.filed_as,
  filedAt: r.filed_at,
  state: r.state as Challenge['state'],
  logIndex: r.log_index,
});

export async function insertChallenge(db: Db, c: Challenge, evidence: Evidence | undefined): Promise<void> {
  await db
    .insertInto('challenges')
    .values({
      id: c.id,
      discussion_id: c.discussionId,
      unit_id: c.unitId,
      report_version: c.reportVersion,
      reason: c.reason,
      text: c.text,
      filed_by: c.filedBy,
      filed_as: c.filedAs,
      filed_at: c.filedAt,
      state: c.state,
      log_index: c.logIndex,
    })
    .execute();
  if (evidence) {
    await db
      .insertInto('challenge_evidence')
      .values({
        challenge_id: evidence.challengeId,
        name: evidence.name,
        media_type: evidence.mediaType,
        sha256: evidence.sha256,
        size: evidence.size,
        content_base64: evidence.contentBase64,
      })
      .execute();
  }
}

export async function findChallenge(db: Db, discussionId: string, id: string): Promise<Challenge | undefined> {
  const r = await db.selectFrom('challenges').selectAll().where('discussion_id', '=', discussionId).where('id', '=', id).executeTakeFirst();
  return r ? toChallenge(r) : undefined;
}

/** Challenges of a discussion (of one unit if given), oldest first. */
export async function listChallenges(db: Db, discussionId: string, unitId?: string): Promise<Challenge[]> {
  let q = db.selectFrom('challenges').selectAll().where('discussion_id', '=', discussionId);
  if (unitId !== undefined) q = q.where('unit_id', '=', unitId);
  return (await q.orderBy('filed_at').orderBy('id').execute()).map(toChallenge);
}

export async function hasChallengeBy(db: Db, discussionId: string, unitId: string, version: number, filedBy: string): Promise<boolean> {
  const r = await db
    .selectFrom('challenges')
    .select('id')
    .where('discussion_id', '=', discussionId)
    .where('unit_id', '=', unitId)
    .where('report_version', '=', version)
    .where('filed_by', '=', filedBy)
    .executeTakeFirst();
  return r !== undefined;
}

/** Marks an open challenge decided; false if it was not open (decided by a concurrent request). */
export async function markChallengeDecided(db: Db, id: string): Promise<boolean> {
  const r = await db.updateTable('challenges').set({ state: 'decided' }).where('id', '=', id).where('state', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setChallengeLogIndex(db: Db, id: string, index: number): Promise<void> {
  await db.updateTable('challenges').set({ log_index: index }).where('id', '=', id).execute();
}

export async function findEvidence(db: Db, challengeId: string): Promise<Evidence | undefined> {
  const r = await db.selectFrom('challenge_evidence').selectAll().where('challenge_id', '=', challengeId).executeTakeFirst();
  return r ? { challengeId: r.challenge_id, name: r.name, mediaType: r.media_type, sha256: r.sha256, size: r.size, contentBase64: r.content_base64 } : undefined;
}

type AdjudicationRow = {
  id: string;
  discussion_id: string;
  unit_id: string;
  report_version: number;
  challenge_id: string | null;
  decision: string;
  criterion: string;
  reason: string;
  struck: string | null;
  decided_by: string;
  decided_at: string;
  log_index: number | null;
};

const toAdjudication = (r: AdjudicationRow): Adjudication => ({
  id: r.id,
  discussionId: r.discussion_id,
  unitId: r.unit_id,
  reportVersion: r.report_version,
  challengeId: r.challenge_id,
  decision: r.decision as Decision,
  criterion: r.criterion,
  reason: r.reason,
  struck: r.struck === null ? null : (JSON.parse(r.struck) as Struck),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  logIndex: r.log_index,
});

export async function insertAdjudication(db: Db, a: Adjudication): Promise<void> {
  await db
    .insertInto('adjudications')
    .values({
      id: a.id,
      discussion_id: a.discussionId,
      unit_id: a.unitId,
      report_version: a.reportVersion,
      challenge_id: a.challengeId,
      decision: a.decision,
      criterion: a.criterion,
      reason: a.reason,
      struck: a.struck === null ? null : JSON.stringify(a.struck),
      decided_by: a.decidedBy,
      decided_at: a.decidedAt,
      log_index: a.logIndex,
    })
    .execute();
}

export async function setAdjudicationLogIndex(db: Db, id: string, index: number): Promise<void> {
  await db.updateTable('adjudications').set({ log_index: index }).where('id', '=', id).execute();
}

/** Adjudications of a discussion (of one unit's version if given), in the order they were decided. */
export async function listAdjudications(db: Db, discussionId: string, of?: { unitId: string; version?: number }): Promise<Adjudication[]> {
  let q = db.selectFrom('adjudications').selectAll().where('discussion_id', '=', discussionId);
  if (of) q = q.where('unit_id', '=', of.unitId);
  if (of?.version !== undefined) q = q.where('report_version', '=', of.version);
  return (await q.orderBy('decided_at').orderBy('id').execute()).map(toAdjudication);
}
