/**
 * The binding decision and its errata (docs/decisions.md), and the notices that tell every member of them. A decision
 * is one row per discussion (`decision_slot` = the discussion id, unique; null for errata, which are many); nothing
 * here is ever updated but a notice's delivery state. Frozen in time; runs unchanged on both engines.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('decision_slot', 'text', (c) => c.unique())
    .addColumn('corrects', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    // JSON: the languages, and per language the texts (the resolutions of a decision; an erratum's text).
    .addColumn('languages', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('effective_date', 'text', (c) => c.notNull())
    // JSON: the tally, checkpoint, reports, adjudications and votes the decision rests on.
    .addColumn('provenance', 'text', (c) => c.notNull())
    .addColumn('reconstruction', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('log_index', 'integer')
    .execute();
  await db.schema.createIndex('decisions_discussion').on('decisions').columns(['discussion_id', 'published_at']).execute();
  // One notice per act and member: the primary key is what makes "never twice" hold.
  await db.schema
    .createTable('decision_notices')
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    // pending → sending → sent | failed; no-email: in-app only. `sending` left by a crash is never re-sent by itself.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('read_at', 'text')
    .addPrimaryKeyConstraint('decision_notices_pk', ['decision_id', 'member_id'])
    .execute();
  await db.schema.createIndex('decision_notices_state').on('decision_notices').columns(['decision_id', 'state']).execute();
  await db.schema.createIndex('decision_notices_member').on('decision_notices').columns(['member_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('decision_notices').execute();
  await db.schema.dropTable('decisions').execute();
}
