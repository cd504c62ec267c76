/** `npm start` as a new user meets it: `plenum serve --demo-if-empty` on a fresh SQLite file, PORT and --db honoured. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'plenum-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function start(db: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/plenum.js', 'serve', '--demo-if-empty', '--host', '127.0.0.1', '--db', db], { env });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${err}`)), 60_000);
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /serving (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${err}`)));
  });
}

describe('plenum serve --demo-if-empty', () => {
  it('creates the database, loads the 1924 demo and serves it', async () => {
    const db = join(dir, 'fresh', 'plenum.db');
    const base = await start(db);
    expect(existsSync(db)).toBe(true);
    expect(existsSync(`${db}.loading`)).toBe(false);
    const tally = await (await fetch(`${base}/api/v1/discussions/d1924/tally`)).json();
    expect(tally).toMatchObject({ discussionId: 'd1924', unitId: 'cc', provisional: true });
    expect(tally.unitsReported).toBeGreaterThan(3000);
    const app = await (await fetch(`${base}/d/d1924`)).text();
    expect(app).toMatch(/<div id="root">/); // the web app, built on first start
    expect(await (await fetch(`${base}/summary`)).text()).toMatch(/Provisional/); // the page without JavaScript
    expect((await fetch(`${base}/api/docs`)).status).toBe(200);
  });

  it('leaves an organization of its own alone', async () => {
    const db = join(dir, 'own.db');
    const csv = join(dir, 'units.csv');
    writeFileSync(csv, 'id,parent_id,name,kind\nhq,,Head office,national\n');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    expect(spawnSync(process.execPath, ['bin/plenum.js', 'units', 'import', csv, '--db', db], { env }).status).toBe(0);
    const base = await start(db);
    expect(await (await fetch(`${base}/api/v1/discussions`)).json()).toEqual([]);
  });
});
