/**
 * Core schema: the unit tree, the roll, discussions with their frozen roll, reports (every version kept), the
 * incrementally maintained tally, idempotency keys and API tokens.
 *
 * Frozen in time: this file never changes once landed; later changes are new migrations. It runs unchanged on SQLite
 * and PostgreSQL, so it uses only portable types: text ids made by the app, ISO-8601 text timestamps, integer booleans.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('parent_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('units_parent').on('units').column('parent_id').execute();

  await db.schema
    .createTable('member_statuses')
    .addColumn('status', 'text', (c) => c.primaryKey().notNull())
    .addColumn('votes', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('member_statuses').values([
    { status: 'member', votes: 1 },
    { status: 'candidate', votes: 0 },
  ]).execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_unit').on('members').column('unit_id').execute();

  await db.schema
    .createTable('discussions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // the DiscussionDefinition as JSON, as created
    .addColumn('reporting_closes_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // 'draft' | 'open'
    .addColumn('root_unit_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .execute();

  // The roll and the tree as they stood when the discussion opened: the weights of this discussion.
  await db.schema
    .createTable('discussion_units')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('roll', 'integer', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('ancestors', 'text', (c) => c.notNull()) // JSON array of ids, root first, without the unit itself
    .addPrimaryKeyConstraint('discussion_units_pk', ['discussion_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('discussion_units_parent').on('discussion_units').columns(['discussion_id', 'parent_id']).execute();

  await db.schema
    .createTable('reports')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('is_current', 'integer', (c) => c.notNull())
    .addColumn('meeting_date', 'text', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('quorate', 'integer', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reports_pk', ['discussion_id', 'unit_id', 'version'])
    .execute();
  // No index on is_current: a unit has few versions, found through the primary key; one index fewer to write per report.

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

  // The tally of each unit's subtree, kept in step with the reports in the same transaction (see src/domain/tally.ts).
  await db.schema
    .createTable('tally_units')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('units_total', 'integer', (c) => c.notNull())
    .addColumn('units_reported', 'integer', (c) => c.notNull())
    .addColumn('units_quorate', 'integer', (c) => c.notNull())
    .addColumn('members_total', 'integer', (c) => c.notNull())
    .addColumn('members_reported', 'integer', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tally_units_pk', ['discussion_id', 'unit_id'])
    .execute();
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

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text')
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['api_tokens', 'idempotency_keys', 'tally_positions', 'tally_questions', 'tally_units', 'report_votes',
    'report_questions', 'reports', 'discussion_units', 'discussions', 'members', 'member_statuses', 'units']) {
    await db.schema.dropTable(t).execute();
  }
}
