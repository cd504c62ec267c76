/**
 * Before the run: builds the web app if its sources changed (the browser tests serve it).
 * After the run: test stores on PostgreSQL are schemas named t_<run>_…; this run's are dropped here, once, after every
 * test file has finished. Dropping them while other files run would race with Kysely's migrator, which introspects
 * every schema; another run's (a second `npm test` at the same time) are left alone.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureWebBuild } from '../../src/cli/web-build.ts';

const RUN = randomBytes(4).toString('hex');

export async function setup(): Promise<void> {
  process.env.PLENUM_TEST_RUN = RUN;
  try {
    await ensureWebBuild({ quiet: true });
  } catch (e) {
    // The browser tests fail on their own without a build; every other suite still runs and reports.
    process.stderr.write(`\n!!! the web app did not build; browser tests will fail: ${(e as Error).message.split('\n')[0]}\n\n`);
  }
}

export async function teardown(): Promise<void> {
  const url = process.env.PLENUM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ nspname: string }>(`select nspname from pg_namespace where nspname ~ $1`, [`^t_${RUN}_[a-z0-9]+$`]);
    for (const { nspname } of rows) await c.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    /* no PostgreSQL: nothing to clean */
  } finally {
    await c.end().catch(() => undefined);
  }
}
