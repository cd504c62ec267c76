/**
 * Several roles per account: an account holds any number of grants (role at unit), each recorded with when and by
 * whom it was granted. The single role an account held before moves here. Frozen in time; runs on both engines.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_roles')
    // `<account>/<role>/<unit or *>`: one row per grant, so granting twice is one grant.
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text')
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_roles_account').on('account_roles').column('account_id').execute();
  await db.schema.createIndex('account_roles_unit').on('account_roles').columns(['unit_id', 'role']).execute();
  await sql`insert into account_roles (id, account_id, role, unit_id, granted_at, granted_by)
    select id || '/' || role || '/' || coalesce(unit_id, '*'), id, role, unit_id, created_at, 'migration' from accounts`.execute(db);
  await db.schema.alterTable('accounts').dropColumn('role').execute();
  await db.schema.alterTable('accounts').dropColumn('unit_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('role', 'text', (c) => c.notNull().defaultTo('member')).execute();
  await db.schema.alterTable('accounts').addColumn('unit_id', 'text').execute();
  await db.schema.dropTable('account_roles').execute();
}
