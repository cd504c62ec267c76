/**
 * SQLite checkpoints in the background (src/storage/db.ts `backgroundCheckpoints`, checkpointer.mjs): committed pages
 * reach the database file without the writer checkpointing, closing the store leaves no WAL behind, and neither the
 * checkpointer nor the entry worker (src/services/entry-pool.ts) keeps a process alive that has nothing left to do.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of `t` the database file itself holds (its WAL left out), or null if the table is not in it yet. */
function inTheFile(file: string): number | null {
  const copy = `${file}.copy`;
  for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, copy);
  const db = new Database(copy);
  try {
    return (db.prepare('select count(*) as n from t').get() as { n: number }).n;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

describe('background checkpoints on SQLite', () => {
  it('copy committed pages into the database file while the writer only commits, and closing leaves no WAL', async () => {
    const file = join(dir, 'a.db');
    const store = openStore({ file });
    try {
      await sql`create table t (x text)`.execute(store.db);
      for (let i = 0; i < 40; i++) await sql`insert into t values (${'y'.repeat(2000)})`.execute(store.db);
      // Far below wal_autocheckpoint (10,000 pages): the writer does not checkpoint by itself.
      expect(inTheFile(file)).toBeNull();
      let n: number | null = null;
      for (let waited = 0; waited < 10_000 && n !== 40; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        n = inTheFile(file);
      }
      expect(n).toBe(40);
    } finally {
      await store.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('never keeps a process alive: a store left open, one closed, the entry worker started', () => {
    const src = new URL('../../src/', import.meta.url).pathname;
    const script = join(dir, 'keep-alive.mts');
    writeFileSync(
      script,
      `
      import { openStore } from '${src}storage/db.ts';
      import { startEntryWorker } from '${src}services/entry-pool.ts';
      const left = openStore({ file: ${JSON.stringify(join(dir, 'left.db'))} });
      await left.db.schema.createTable('t').addColumn('x', 'text').execute();
      const closed = openStore({ file: ${JSON.stringify(join(dir, 'closed.db'))} });
      await closed.db.schema.createTable('t').addColumn('x', 'text').execute();
      await closed.close();
      await startEntryWorker();
      await new Promise((r) => setTimeout(r, 600));
      console.log('done');
    `,
    );
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000, cwd: new URL('../..', import.meta.url).pathname });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('done');
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
