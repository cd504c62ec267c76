/**
 * The stored tally: one row per unit of a discussion (its subtree's counts), one per unit and question, one per unit,
 * question and position. Changed only by adding a delta along a unit's path to the root (applyTallyDelta), in the
 * transaction that stores the report.
 */
import { PostgresAdapter, sql } from 'kysely';
import { NO_POSITION, type DiscussionDefinition } from '../domain/discussion.ts';
import { emptyTally, type TallyCounts } from '../domain/tally.ts';
import type { Db } from './db.ts';
import { chunks } from './batch.ts';

export async function insertInitialTallies(
  db: Db,
  discussion: DiscussionDefinition,
  tallies: ReadonlyArray<{ unitId: string; counts: TallyCounts }>,
  now: string,
): Promise<void> {
  const d = discussion.id;
  for (const chunk of chunks(tallies, 9)) {
    await db
      .insertInto('tally_units')
      .values(
        chunk.map(({ unitId, counts: t }) => ({
          discussion_id: d,
          unit_id: unitId,
          units_total: t.unitsTotal,
          units_reported: t.unitsReported,
          units_quorate: t.unitsQuorate,
          members_total: t.membersTotal,
          members_reported: t.membersReported,
          present: t.present,
          updated_at: now,
        })),
      )
      .execute();
  }
  const questionRows = tallies.flatMap(({ unitId, counts }) =>
    Object.entries(counts.questions).map(([q, qt]) => ({
      discussion_id: d,
      unit_id: unitId,
      question_id: q,
      abstain: qt.abstain,
      none_units: qt.adopted[NO_POSITION]?.units ?? 0,
      none_members: qt.adopted[NO_POSITION]?.members ?? 0,
    })),
  );
  for (const chunk of chunks(questionRows, 6)) await db.insertInto('tally_questions').values(chunk).execute();
  const positionRows = tallies.flatMap(({ unitId, counts }) =>
    discussion.questions.flatMap((q) =>
      q.positions.map((p) => {
        const qt = counts.questions[q.id]!;
        return {
          discussion_id: d,
          unit_id: unitId,
          question_id: q.id,
          position_id: p.id,
          votes: qt.votes[p.id] ?? 0,
          adopted_units: qt.adopted[p.id]?.units ?? 0,
          adopted_members: qt.adopted[p.id]?.members ?? 0,
        };
      }),
    ),
  );
  for (const chunk of chunks(positionRows, 7)) await db.insertInto('tally_positions').values(chunk).execute();
}

/**
 * Adds `delta` to the tallies of `unitIds` (a unit and its ancestors). On PostgreSQL the unit rows are first locked in
 * id order, so two reports sharing ancestors queue instead of deadlocking; SQLite has one writer at a time anyway.
 */
export async function applyTallyDelta(db: Db, discussionId: string, unitIds: readonly string[], delta: TallyCounts, now: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await db
      .selectFrom('tally_units')
      .select('unit_id')
      .where('discussion_id', '=', discussionId)
      .where('unit_id', 'in', unitIds)
      .orderBy('unit_id')
      .forUpdate()
      .execute();
  }
  await db
    .updateTable('tally_units')
    .set({
      units_total: sql`units_total + ${delta.unitsTotal}`,
      units_reported: sql`units_reported + ${delta.unitsReported}`,
      units_quorate: sql`units_quorate + ${delta.unitsQuorate}`,
      members_total: sql`members_total + ${delta.membersTotal}`,
      members_reported: sql`members_reported + ${delta.membersReported}`,
      present: sql`present + ${delta.present}`,
      updated_at: now,
    })
    .where('discussion_id', '=', discussionId)
    .where('unit_id', 'in', unitIds)
    .execute();
  for (const [questionId, qt] of Object.entries(delta.questions)) {
    const none = qt.adopted[NO_POSITION] ?? { units: 0, members: 0 };
    if (qt.abstain || none.units || none.members) {
      await db
        .updateTable('tally_questions')
        .set({
          abstain: sql`abstain + ${qt.abstain}`,
          none_units: sql`none_units + ${none.units}`,
          none_members: sql`none_members + ${none.members}`,
        })
        .where('discussion_id', '=', discussionId)
        .where('question_id', '=', questionId)
        .where('unit_id', 'in', unitIds)
        .execute();
    }
    const positions = new Set([...Object.keys(qt.votes), ...Object.keys(qt.adopted)]);
    positions.delete(NO_POSITION);
    for (const positionId of positions) {
      const votes = qt.votes[positionId] ?? 0;
      const adopted = qt.adopted[positionId] ?? { units: 0, members: 0 };
      if (!votes && !adopted.units && !adopted.members) continue;
      await db
        .updateTable('tally_positions')
        .set({
          votes: sql`votes + ${votes}`,
          adopted_units: sql`adopted_units + ${adopted.units}`,
          adopted_members: sql`adopted_members + ${adopted.members}`,
        })
        .where('discussion_id', '=', discussionId)
        .where('question_id', '=', questionId)
        .where('position_id', '=', positionId)
        .where('unit_id', 'in', unitIds)
        .execute();
    }
  }
}

export interface StoredTally {
  counts: TallyCounts;
  updatedAt: string;
}

export async function readTally(db: Db, discussion: DiscussionDefinition, unitId: string): Promise<StoredTally | undefined> {
  const d = discussion.id;
  const [u, qs, ps] = await Promise.all([
    db.selectFrom('tally_units').selectAll().where('discussion_id', '=', d).where('unit_id', '=', unitId).executeTakeFirst(),
    db.selectFrom('tally_questions').selectAll().where('discussion_id', '=', d).where('unit_id', '=', unitId).execute(),
    db.selectFrom('tally_positions').selectAll().where('discussion_id', '=', d).where('unit_id', '=', unitId).execute(),
  ]);
  if (!u) return undefined;
  const t = emptyTally(discussion);
  t.unitsTotal = u.units_total;
  t.unitsReported = u.units_reported;
  t.unitsQuorate = u.units_quorate;
  t.membersTotal = u.members_total;
  t.membersReported = u.members_reported;
  t.present = u.present;
  for (const q of qs) {
    const qt = t.questions[q.question_id];
    if (!qt) continue;
    qt.abstain = q.abstain;
    qt.adopted[NO_POSITION] = { units: q.none_units, members: q.none_members };
  }
  for (const p of ps) {
    const qt = t.questions[p.question_id];
    if (!qt) continue;
    qt.votes[p.position_id] = p.votes;
    qt.adopted[p.position_id] = { units: p.adopted_units, members: p.adopted_members };
  }
  return { counts: t, updatedAt: u.updated_at };
}
