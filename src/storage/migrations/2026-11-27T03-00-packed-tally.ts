/**
 * The tally packed into one row per unit: its questions' counts (per position the votes and the units adopting it with
 * their members, the units adopting none, the abstentions) move from a row per question and a row per position into one
 * JSON column, `tally_units.questions`, of the domain's own shape (`TallyCounts.questions`, src/domain/tally.ts).
 * A batch of reports then changes about a hundred rows instead of some seven hundred (decision 0003, "Later: the tally
 * packed"). The existing rows are folded into the column and the two tables dropped; `down` unfolds them.
 * Frozen in time; runs unchanged on both engines.
 */
import type { Kysely } from 'kysely';

/** The domain's "no position adopted" (NO_POSITION), spelled here as it was when this migration was written. */
const NONE = 'none';

interface Packed {
  adopted: Record<string, { units: number; members: number }>;
  votes: Record<string, number>;
  abstain: number;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tally_units').addColumn('questions', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  const packed = new Map<string, { discussionId: string; unitId: string; questions: Record<string, Packed> }>();
  const of = (discussionId: string, unitId: string) => {
    const key = JSON.stringify([discussionId, unitId]);
    let p = packed.get(key);
    if (!p) packed.set(key, (p = { discussionId, unitId, questions: {} }));
    return p.questions;
  };
  const questions = await db.selectFrom('tally_questions').selectAll().orderBy('discussion_id').orderBy('unit_id').orderBy('question_id').execute();
  for (const q of questions) {
    of(q.discussion_id, q.unit_id)[q.question_id] = { adopted: { [NONE]: { units: q.none_units, members: q.none_members } }, votes: {}, abstain: q.abstain };
  }
  const positions = await db.selectFrom('tally_positions').selectAll().orderBy('discussion_id').orderBy('unit_id').orderBy('question_id').orderBy('position_id').execute();
  for (const p of positions) {
    const qs = of(p.discussion_id, p.unit_id);
    const q = (qs[p.question_id] ??= { adopted: { [NONE]: { units: 0, members: 0 } }, votes: {}, abstain: 0 });
    q.votes[p.position_id] = p.votes;
    q.adopted[p.position_id] = { units: p.adopted_units, members: p.adopted_members };
  }
  for (const { discussionId, unitId, questions: qs } of packed.values()) {
    await db.updateTable('tally_units').set({ questions: JSON.stringify(qs) }).where('discussion_id', '=', discussionId).where('unit_id', '=', unitId).execute();
  }
  await db.schema.dropTable('tally_positions').execute();
  await db.schema.dropTable('tally_questions').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tally_questions')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('abstain', 'integer', (c) => c.notNull())
    .addColumn('none_units', 'integer', (c) => c.notNull())
    .addColumn('none_members', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tally_questions_pk', ['discussion_id', 'unit_id', 'question_id'])
    .execute();
  await db.schema
    .createTable('tally_positions')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('position_id', 'text', (c) => c.notNull())
    .addColumn('votes', 'integer', (c) => c.notNull())
    .addColumn('adopted_units', 'integer', (c) => c.notNull())
    .addColumn('adopted_members', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tally_positions_pk', ['discussion_id', 'unit_id', 'question_id', 'position_id'])
    .execute();
  const rows = await db.selectFrom('tally_units').select(['discussion_id', 'unit_id', 'questions']).execute();
  for (const r of rows) {
    const qs = JSON.parse(r.questions) as Record<string, Packed>;
    for (const [questionId, q] of Object.entries(qs)) {
      const none = q.adopted[NONE] ?? { units: 0, members: 0 };
      await db
        .insertInto('tally_questions')
        .values({ discussion_id: r.discussion_id, unit_id: r.unit_id, question_id: questionId, abstain: q.abstain, none_units: none.units, none_members: none.members })
        .execute();
      for (const positionId of new Set([...Object.keys(q.votes), ...Object.keys(q.adopted)].filter((p) => p !== NONE))) {
        const adopted = q.adopted[positionId] ?? { units: 0, members: 0 };
        await db
          .insertInto('tally_positions')
          .values({
            discussion_id: r.discussion_id,
            unit_id: r.unit_id,
            question_id: questionId,
            position_id: positionId,
            votes: q.votes[positionId] ?? 0,
            adopted_units: adopted.units,
            adopted_members: adopted.members,
          })
          .execute();
      }
    }
  }
  await db.schema.alterTable('tally_units').dropColumn('questions').execute();
}
