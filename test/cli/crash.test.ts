/**
 * Crash safety of the record: `plenum serve` killed with SIGKILL at each step of an append — with the report's row
 * and entry written but not committed, after the commit but before the checkpoint, right after the checkpoint — and
 * at random moments under load, then restarted on the same SQLite file. No accepted report (answered 201) is lost,
 * no entry is duplicated, every report version has exactly one entry, every checkpoint ever signed is a prefix of
 * the final tree, and the log verifies. (Tiles are derived from the rows, never written, so there is no tile write to
 * interrupt; `plenum export` writes into a temporary directory renamed into place — see test/cli/verify.test.ts.)
 * On both engines: the server runs on the SQLite file, or on PostgreSQL in the test's schema (PLENUM_PG_SCHEMA).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/log/checkpoint.ts';
import { parseEntry } from '../../src/log/entries.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { parseVerifierKey } from '../../src/log/note.ts';
import { DEFAULT_WEB_DIST } from '../../src/server/web.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { LogPublisher } from '../../src/services/log.ts';
import { createToken } from '../../src/services/tokens.ts';
import type { Store } from '../../src/storage/db.ts';
import { ENGINES, newStore, PG_URL } from '../support/engines.ts';
import { discussionDef, T0 } from '../support/factories.ts';

const BRANCHES = 240;
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Server {
  base: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function start(store: Store, crashAt?: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, PLENUM_WEB_DIST: DEFAULT_WEB_DIST, PLENUM_REPORTS_PER_MINUTE: '100000' };
  delete env.DATABASE_URL;
  delete env.PLENUM_PG_SCHEMA;
  const db = store.engine === 'sqlite' ? store.file! : '';
  if (store.engine === 'postgres') {
    env.DATABASE_URL = PG_URL;
    env.PLENUM_PG_SCHEMA = store.schema!;
  }
  if (crashAt) env.PLENUM_TEST_CRASH_AT = crashAt;
  else delete env.PLENUM_TEST_CRASH_AT;
  const child = spawn(process.execPath, ['bin/plenum.js', 'serve', '--host', '127.0.0.1', '--port', '0', ...(db ? ['--db', db] : [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${err}`)), 60_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /serving (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1]!.replace('localhost', '127.0.0.1'), child, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before serving:\n${err}`)));
  });
}

const unitsCsv = () => `id,parent_id,name,kind\nroot,,Centre,national\n${Array.from({ length: BRANCHES }, (_, i) => `b${i},root,Branch ${i},branch`).join('\n')}\n`;
const membersCsv = () => `id,unit_id,name,email,status\n${Array.from({ length: BRANCHES * 3 }, (_, i) => `m${i},b${Math.floor(i / 3)},Member ${i},m${i}@example.org,member`).join('\n')}\n`;
const body = (unit: number, version: number) => ({
  unitId: `b${unit}`,
  meetingDate: '2024-01-05',
  present: 3,
  votes: { q1: { positions: { cc: version === 1 ? 2 : 1, opp: version === 1 ? 1 : 2 }, abstain: 0 } },
  resolution: `Resolution of branch ${unit}, version ${version}.`,
  ...(version > 1 ? { supersedes: version - 1 } : {}),
});

describe.each(ENGINES)('crash safety (SIGKILL) of reports and the log, on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  let token = '';
  /** What the server answered 201 to: unit → versions. */
  const accepted = new Map<string, Set<number>>();

  beforeAll(async () => {
    store = await newStore(engine);
    await importUnitsCsv(store.db, unitsCsv(), T0);
    await importMembersCsv(store.db, membersCsv(), T0);
    const now = new Date().toISOString();
    await createDiscussion(store.db, discussionDef({ reportingClosesAt: new Date(Date.now() + 86_400_000).toISOString() }), now);
    await openDiscussion(store.db, 'd1', now);
    token = (await createToken(store.db, { name: 'office', role: 'office' }, now)).token;
  });
  afterAll(async () => {
    await store.dispose();
  });

  async function post(base: string, unit: number, version: number): Promise<number | 'dead'> {
    try {
      const r = await fetch(`${base}/api/v1/discussions/d1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body(unit, version)),
      });
      if (r.status === 201) {
        const a = accepted.get(`b${unit}`) ?? new Set();
        a.add(version);
        accepted.set(`b${unit}`, a);
      }
      return r.status;
    } catch {
      return 'dead';
    }
  }

  async function checkInvariants(): Promise<{ entries: number; reports: number; checkpoints: number }> {
    {
      const rows = await store.db.selectFrom('log_entries').selectAll().where('discussion_id', '=', 'd1').orderBy('idx').execute();
      // Contiguous, no duplicates, hashes as stored.
      rows.forEach((r, i) => expect(Number(r.idx)).toBe(i));
      const bytes = rows.map((r) => new TextEncoder().encode(r.entry));
      bytes.forEach((b, i) => expect(Buffer.from(leafHash(b)).toString('hex')).toBe(rows[i]!.leaf_hash));
      const entries = bytes.map(parseEntry);
      const reports = await store.db.selectFrom('reports').select(['unit_id', 'version', 'log_index']).where('discussion_id', '=', 'd1').execute();
      // Every stored version has exactly one entry, at its log_index, and every report entry is a stored version.
      const reportEntries = entries.flatMap((e, i) => (e.type === 'report' ? [{ i, unitId: e.unitId, version: e.version }] : []));
      expect(reportEntries.length).toBe(reports.length);
      for (const r of reports) expect(reportEntries.find((e) => e.i === Number(r.log_index))).toMatchObject({ unitId: r.unit_id, version: Number(r.version) });
      // Nothing answered 201 is lost.
      for (const [unitId, versions] of accepted) for (const v of versions) expect(reports.some((r) => r.unit_id === unitId && Number(r.version) === v), `${unitId} v${v}`).toBe(true);
      // Every checkpoint ever signed is a prefix of this tree, signed by the log key.
      const publisher = new LogPublisher(store.db);
      const vkey = parseVerifierKey((await publisher.verifierKey('d1'))!);
      const leaves = bytes.map(leafHash);
      const checkpoints = await store.db.selectFrom('log_checkpoints').selectAll().where('discussion_id', '=', 'd1').execute();
      for (const c of checkpoints) {
        const cp = openCheckpoint(c.note, vkey);
        expect(cp.size).toBe(Number(c.size));
        expect(Buffer.from(cp.root).equals(Buffer.from(merkleRoot(leaves.slice(0, cp.size)))), `checkpoint ${cp.size}`).toBe(true);
      }
      return { entries: rows.length, reports: reports.length, checkpoints: checkpoints.length };
    }
  }

  const waitForCheckpoint = async (base: string, size: number) => {
    for (let i = 0; i < 100; i++) {
      const text = await (await fetch(`${base}/log/d1/checkpoint`)).text();
      if (Number(text.split('\n')[1]) >= size) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no checkpoint of size ${size}`);
  };

  it('killed before the commit: the report was never accepted, nothing of it is stored, and it can be sent again', async () => {
    const s = await start(store, 'report:before-commit');
    expect(await post(s.base, 0, 1)).toBe('dead');
    expect(await s.exited).toBe(null); // killed by a signal
    expect(accepted.size).toBe(0);
    const before = await checkInvariants();
    const again = await start(store);
    expect(await post(again.base, 0, 1)).toBe(201);
    await waitForCheckpoint(again.base, before.entries + 1);
    again.child.kill('SIGKILL');
    await again.exited;
    expect(await checkInvariants()).toMatchObject({ entries: before.entries + 1, reports: 1, checkpoints: expect.any(Number) });
  });

  for (const point of ['log:before-checkpoint', 'log:after-checkpoint'] as const) {
    it(`killed at ${point}: the accepted report stays, and the restarted server signs the checkpoint that covers it`, async () => {
      const s = await start(store, point);
      const unit = point === 'log:before-checkpoint' ? 1 : 2;
      expect(await post(s.base, unit, 1)).toBe(201);
      expect(await s.exited).toBe(null);
      const { entries } = await checkInvariants();
      const again = await start(store);
      await waitForCheckpoint(again.base, entries);
      again.child.kill('SIGKILL');
      await again.exited;
      expect((await checkInvariants()).checkpoints).toBeGreaterThan(0);
    });
  }

  it('killed at random moments under load, three times: nothing accepted is lost, nothing duplicated, the log verifies', async () => {
    const next = new Map<number, number>(); // unit → next version to send
    for (let u = 3; u < BRANCHES; u++) next.set(u, 1);
    for (const [unitId, versions] of accepted) next.set(Number(unitId.slice(1)), Math.max(...versions) + 1);
    for (let round = 0; round < 4; round++) {
      const s = await start(store);
      const kill = round < 3 ? setTimeout(() => s.child.kill('SIGKILL'), 150 + Math.random() * 400) : undefined;
      const units = [...next.keys()];
      let cursor = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (cursor < units.length) {
            const unit = units[cursor++]!;
            const version = next.get(unit)!;
            const status = await post(s.base, unit, version);
            if (status === 201) next.set(unit, version + 1);
            if (status === 'dead') return;
          }
        }),
      );
      if (kill) await s.exited;
      else {
        s.child.kill('SIGKILL');
        await s.exited;
      }
      // A report whose 201 was lost with the process is stored all the same: learn the current versions back.
      const current = await store.db.selectFrom('reports').select(['unit_id', 'version']).where('discussion_id', '=', 'd1').where('is_current', '=', 1).execute();
      for (const r of current) next.set(Number(r.unit_id.slice(1)), Number(r.version) + 1);
      await checkInvariants();
    }
    const final = await start(store);
    const { entries } = await checkInvariants();
    await waitForCheckpoint(final.base, entries);
    final.child.kill('SIGTERM');
    await final.exited;
    const after = await checkInvariants();
    expect(after.reports).toBeGreaterThan(BRANCHES);
  }, 180_000);
});
