/**
 * Searching a discussion's units by name, case-insensitively in any script: each frozen unit keeps its name folded
 * (lower-cased by JavaScript, so Cyrillic folds too — SQLite's lower() folds ASCII only), and the children of a unit
 * are listed by name. Frozen in time; both engines.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('discussion_units').addColumn('search_name', 'text').execute();
  // Rows frozen before this migration: ASCII folding is the best SQL can do on both engines.
  await sql`update discussion_units set search_name = lower(name)`.execute(db);
  await db.schema.createIndex('discussion_units_children').on('discussion_units').columns(['discussion_id', 'parent_id', 'name', 'unit_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('discussion_units_children').execute();
  await db.schema.alterTable('discussion_units').dropColumn('search_name').execute();
}
