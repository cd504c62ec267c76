/**
 * The verifiable record (docs/verifiable-record.md): each discussion's append-only log of entries, its signed
 * checkpoints and the witnesses' cosignatures on them, and the installation's own signing keys (the log key that
 * signs checkpoints; the office key that signs paper minutes). Entries are canonical JSON, so they are stored as text
 * on both engines; hashes are lower-case hex. Frozen in time; runs unchanged on both engines.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('log_heads')
    .addColumn('discussion_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_entries')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'text', (c) => c.notNull())
    .addColumn('appended_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_entries_pk', ['discussion_id', 'idx'])
    .execute();
  await db.schema
    .createTable('log_checkpoints')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_checkpoints_pk', ['discussion_id', 'size'])
    .execute();
  await db.schema
    .createTable('log_cosignatures')
    .addColumn('discussion_id', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_cosignatures_pk', ['discussion_id', 'size', 'witness'])
    .execute();
  await db.schema
    .createTable('server_keys')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Unit secretaries' signing keys: enrolled, then approved (or refused) by an officer above the unit; revoked or
  // replaced later. Every state change is also audited, and approvals, rotations and revocations are logged.
  await db.schema
    .createTable('unit_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('replaces', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('unit_keys_unit').on('unit_keys').columns(['unit_id', 'state']).execute();
  // Which log entry holds each report version: its receipt.
  await db.schema.alterTable('reports').addColumn('log_index', 'integer').execute();
  await db.schema.alterTable('reports').addColumn('key_id', 'text').execute();
  await db.schema.alterTable('reports').addColumn('entered_by', 'text').execute();
  // `office` when the office's key signed the version, `unit` when the unit's own key did (null: before the log).
  await db.schema.alterTable('reports').addColumn('signed_by', 'text').execute();
  // How many reported units of a subtree rest on the office's signature (maintained like the other counts).
  await db.schema.alterTable('tally_units').addColumn('units_office_signed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tally_units').dropColumn('units_office_signed').execute();
  await db.schema.alterTable('reports').dropColumn('signed_by').execute();
  await db.schema.alterTable('reports').dropColumn('entered_by').execute();
  await db.schema.alterTable('reports').dropColumn('key_id').execute();
  await db.schema.alterTable('reports').dropColumn('log_index').execute();
  for (const t of ['unit_keys', 'server_keys', 'log_cosignatures', 'log_checkpoints', 'log_entries', 'log_heads']) await db.schema.dropTable(t).execute();
}
