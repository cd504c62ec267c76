/**
 * Challenges to branch reports and the commission's adjudications (docs/challenges.md). A challenge names one report
 * version; an adjudication decides it (or acts on a report of the commission's own motion) and is never changed.
 * Evidence is kept as base64 text so one migration serves both engines. Frozen in time; runs unchanged on both.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('challenges')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('report_version', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // `<kind>:<id>` of the principal who filed it, and the role it filed as: never public.
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('filed_as', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('log_index', 'integer')
    .execute();
  await db.schema.createIndex('challenges_unit').on('challenges').columns(['discussion_id', 'unit_id', 'report_version']).execute();
  await db.schema
    .createTable('challenge_evidence')
    .addColumn('challenge_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content_base64', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('adjudications')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('report_version', 'integer', (c) => c.notNull())
    .addColumn('challenge_id', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // strike-votes: the counts struck, JSON {present, votes: {q: {positions: {p: n}, abstain: n}}}; else null.
    .addColumn('struck', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('log_index', 'integer')
    .execute();
  await db.schema.createIndex('adjudications_unit').on('adjudications').columns(['discussion_id', 'unit_id', 'report_version']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('adjudications').execute();
  await db.schema.dropTable('challenge_evidence').execute();
  await db.schema.dropTable('challenges').execute();
}
