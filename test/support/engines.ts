/**
 * Every storage and service test runs on both engines. SQLite: a fresh file per store. PostgreSQL: a fresh schema per
 * store in the server at PLENUM_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * Locally, a missing PostgreSQL skips its half with a loud line; under CI=true it fails instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach } from 'vitest';
import { migrateToLatest, openStore, type EngineName, type Store } from '../../src/storage/db.ts';

export const PG_URL = process.env.PLENUM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function probePostgres(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch (e) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true but ${PG_URL} is unreachable: ${(e as Error).message}`);
    console.warn(`\n!!! PostgreSQL at ${PG_URL} is unreachable (${(e as Error).message}): SKIPPING every PostgreSQL test. Set PLENUM_TEST_DATABASE_URL or start PostgreSQL.\n`);
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const only = process.env.PLENUM_TEST_ENGINES?.split(',').map((s) => s.trim()) as EngineName[] | undefined;
const wanted: EngineName[] = only ?? ['sqlite', 'postgres'];
export const ENGINES: EngineName[] = wanted.includes('postgres') && !(await probePostgres()) ? wanted.filter((e) => e !== 'postgres') : wanted;

/** A new, migrated, empty store on the engine; `dispose` removes it. */
export async function newStore(engine: EngineName): Promise<Store & { dispose(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'plenum-test-'));
    const store = openStore({ file: join(dir, 'plenum.db') });
    await migrateToLatest(store);
    return Object.assign(store, {
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  // t_<run>_<random>: the run's own prefix, so a run's teardown drops its schemas and never another run's.
  const schema = `t_${process.env.PLENUM_TEST_RUN ?? 'x'}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = openStore({ url: PG_URL, poolSize: 8, schema });
  await migrateToLatest(store);
  return Object.assign(store, {
    // The schema itself is dropped after the whole run (test/support/global-setup.ts), not while others migrate.
    async dispose() {
      await store.close();
    },
  });
}

/**
 * A fresh store for every test of a describe block (registered with beforeEach), all disposed after the block.
 * Returns the getter: `const store = storePerTest(engine); … store().db`.
 */
export function storePerTest(engine: EngineName): () => Store & { dispose(): Promise<void> } {
  let current: (Store & { dispose(): Promise<void> }) | undefined;
  const all: Array<Store & { dispose(): Promise<void> }> = [];
  beforeEach(async () => {
    current = await newStore(engine);
    all.push(current);
  });
  afterAll(async () => {
    for (const s of all) await s.dispose();
  });
  return () => current!;
}
