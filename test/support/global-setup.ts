/**
 * Test stores on PostgreSQL are schemas named t_…; they are dropped here, once, after every test file has finished.
 * Dropping them while other files run would race with Kysely's migrator, which introspects every schema.
 */
import pg from 'pg';

export async function teardown(): Promise<void> {
  const url = process.env.PLENUM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ nspname: string }>(`select nspname from pg_namespace where nspname ~ '^t_[a-z0-9]+_[a-z0-9]+$'`);
    for (const { nspname } of rows) await c.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    /* no PostgreSQL: nothing to clean */
  } finally {
    await c.end().catch(() => undefined);
  }
}
