/**
 * A report version's counts packed into its row: per question the votes per position, the abstentions and the
 * position the meeting adopted move from a row per question (`report_questions`) and a row per position
 * (`report_votes`) into one JSON column, `reports.counts` — `{ "<question>": { "positions": { "<position>": votes, … },
 * "abstain": n, "adopted": "<position>" | null }, … }`, a question the report did not vote on absent (as it had no rows).
 * A batch of reports then inserts a row per report instead of seven (decision 0003, "Later: the reports packed").
 * The existing rows are folded into the column and the two tables dropped; `down` unfolds them. Frozen in time; runs
 * unchanged on both engines.
 */
import type { Kysely } from 'kysely';

interface Packed {
  positions: Record<string, number>;
  abstain: number;
  adopted?: string | null;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  const packed = new Map<string, { discussionId: string; unitId: string; version: number; counts: Record<string, Packed> }>();
  const of = (discussionId: string, unitId: string, version: number) => {
    const key = JSON.stringify([discussionId, unitId, version]);
    let p = packed.get(key);
    if (!p) packed.set(key, (p = { discussionId, unitId, version, counts: {} }));
    return p.counts;
  };
  const questions = await db.selectFrom('report_questions').selectAll().orderBy('discussion_id').orderBy('unit_id').orderBy('version').orderBy('question_id').execute();
  for (const q of questions) of(q.discussion_id, q.unit_id, Number(q.version))[q.question_id] = { positions: {}, abstain: Number(q.abstain), adopted: q.adopted_position_id };
  const votes = await db
    .selectFrom('report_votes')
    .selectAll()
    .orderBy('discussion_id')
    .orderBy('unit_id')
    .orderBy('version')
    .orderBy('question_id')
    .orderBy('position_id')
    .execute();
  for (const v of votes) {
    const counts = of(v.discussion_id, v.unit_id, Number(v.version));
    // A vote line without its question's line read back with no abstentions (and left the adopted position as it was).
    (counts[v.question_id] ??= { positions: {}, abstain: 0 }).positions[v.position_id] = Number(v.votes);
  }
  for (const { discussionId, unitId, version, counts } of packed.values()) {
    await db
      .updateTable('reports')
      .set({ counts: JSON.stringify(counts) })
      .where('discussion_id', '=', discussionId)
      .where('unit_id', '=', unitId)
      .where('version', '=', version)
      .execute();
  }
  await db.schema.dropTable('report_votes').execute();
  await db.schema.dropTable('report_questions').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_questions')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('abstain', 'integer', (c) => c.notNull())
    .addColumn('adopted_position_id', 'text')
    .addPrimaryKeyConstraint('report_questions_pk', ['discussion_id', 'unit_id', 'version', 'question_id'])
    .execute();
  await db.schema
    .createTable('report_votes')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('position_id', 'text', (c) => c.notNull())
    .addColumn('votes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_votes_pk', ['discussion_id', 'unit_id', 'version', 'question_id', 'position_id'])
    .execute();
  const rows = await db.selectFrom('reports').select(['discussion_id', 'unit_id', 'version', 'counts']).execute();
  for (const r of rows) {
    const key = { discussion_id: r.discussion_id, unit_id: r.unit_id, version: r.version };
    for (const [questionId, q] of Object.entries(JSON.parse(r.counts) as Record<string, Packed>)) {
      if (q.adopted !== undefined) {
        await db
          .insertInto('report_questions')
          .values({ ...key, question_id: questionId, abstain: q.abstain, adopted_position_id: q.adopted })
          .execute();
      }
      for (const [positionId, votes] of Object.entries(q.positions)) {
        await db
          .insertInto('report_votes')
          .values({ ...key, question_id: questionId, position_id: positionId, votes })
          .execute();
      }
    }
  }
  await db.schema.alterTable('reports').dropColumn('counts').execute();
}
