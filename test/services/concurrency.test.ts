/**
 * What happens when people act at once: the same retried request, two opens, two tree imports, two writers on one
 * SQLite file (the server and the CLI), readers during a stream of reports. On PostgreSQL these run on separate
 * connections of the pool, truly in parallel.
 */
import { CONSOLE } from '../../src/domain/policy.ts';
import { spawn } from 'node:child_process';
import { openStore } from '../../src/storage/db.ts';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { ReportBatcher } from '../../src/services/report-batcher.ts';
import { getReportHistory, submitReport } from '../../src/services/reports.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { listUnits } from '../../src/storage/units.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, report, smallOrganization, T0, T1 } from '../support/factories.ts';

/** A wide organization: root → 4 regions → 100 branches of 10 voting members each. */
function wideOrganization(branches = 400): { units: string; members: string } {
  const units = ['id,parent_id,name,kind', 'root,,Root,national'];
  const members = ['id,unit_id,name,email,status'];
  for (let r = 1; r <= 4; r++) units.push(`r${r},root,Region ${r},region`);
  for (let b = 1; b <= branches; b++) {
    units.push(`w${b},r${(b % 4) + 1},Branch ${b},branch`);
    for (let m = 0; m < 10; m++) members.push(`w${b}m${m},w${b},M,,member`);
  }
  return { units: units.join('\n'), members: members.join('\n') };
}

describe.each(ENGINES)('acting at once on %s', (engine) => {
  const stores: Array<Awaited<ReturnType<typeof newStore>>> = [];
  const fresh = async () => {
    const s = await newStore(engine);
    stores.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('answers simultaneous retries with the same Idempotency-Key with one version and the same answer', async () => {
    const { db } = await fresh();
    await smallOrganization(db);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submitReport(db, { discussionId: 'd1', report: report(), submittedBy: 'sec', idempotencyKey: 'same', now: T1 })),
    );
    expect(new Set(results.map((r) => JSON.stringify(r.accepted))).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await getReportHistory(db, 'd1', 'b1', CONSOLE)).toHaveLength(1);
  });

  it('opens a discussion once when two offices click at once', async () => {
    const { db } = await fresh();
    await smallOrganization(db, { open: false });
    const results = await Promise.allSettled([openDiscussion(db, 'd1', T0), openDiscussion(db, 'd1', T0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as DomainError).code).toBe('conflict');
    expect((await getTally(db, 'd1', undefined, T1)).unitsTotal).toBe(8);
  });

  it('never lets two tree imports together make a cycle', async () => {
    const { db } = await fresh();
    await importUnitsCsv(db, 'id,parent_id,name,kind\nroot,,R,national\nx,root,X,region\ny,root,Y,region\n', T0);
    const results = await Promise.allSettled([
      importUnitsCsv(db, 'id,parent_id,name,kind\nx,y,X,region\n', T0),
      importUnitsCsv(db, 'id,parent_id,name,kind\ny,x,Y,region\n', T0),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).message).toMatch(/cycle/);
    const parents = new Map((await listUnits(db)).map((u) => [u.id, u.parentId]));
    expect(parents.get('x') === 'y' && parents.get('y') === 'x').toBe(false);
  });

  it('keeps every tally read consistent while reports stream in', async () => {
    const { db } = await fresh();
    const org = wideOrganization();
    await importUnitsCsv(db, org.units, T0);
    await importMembersCsv(db, org.members, T0);
    await createDiscussion(db, discussionDef(), T0);
    await openDiscussion(db, 'd1', T0);
    let writing = true;
    const writers = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let b = lane + 1; b <= 400; b += 4) {
          const yes = b % 3 === 0 ? 3 : 8;
          await submitReport(db, {
            discussionId: 'd1',
            report: report({ unitId: `w${b}`, present: 10, votes: { q1: { positions: { cc: yes, opp: 10 - yes }, abstain: 0 } } }),
            submittedBy: `lane${lane}`,
            now: T1,
          });
        }
      }),
    ).finally(() => (writing = false));
    let reads = 0;
    const readers = Promise.all(
      [0, 1].map(async () => {
        while (writing) {
          const t = await getTally(db, 'd1', undefined, T1);
          const q = t.questions.q1!;
          const adoptedUnits = Object.values(q.adopted).reduce((a, b) => a + b.units, 0);
          expect(adoptedUnits).toBe(t.unitsReported);
          expect(t.membersReported).toBe(10 * t.unitsReported);
          expect(q.votes.cc! + q.votes.opp!).toBe(t.present);
          reads++;
        }
      }),
    );
    await Promise.all([writers, readers]);
    expect(reads).toBeGreaterThan(0);
    const t = await getTally(db, 'd1', undefined, T1);
    expect(t.unitsReported).toBe(400);
    const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...counts } = t;
    expect(counts).toEqual(await recountTally(db, 'd1'));
  });

  it('gives each report of a batch its own answer, as if they had come one by one (group commit)', async () => {
    const { db } = await fresh();
    await smallOrganization(db);
    await submitReport(db, { discussionId: 'd1', report: report({ unitId: 'b3', present: 20, votes: {} }), submittedBy: 'sec', now: T1 });
    const batcher = new ReportBatcher(db);
    const cmd = (r: Parameters<typeof report>[0], key?: string) => ({ discussionId: 'd1', report: report(r), submittedBy: 'sec', idempotencyKey: key, now: T1 });
    const results = await Promise.allSettled([
      batcher.submit(cmd({ unitId: 'b1' }, 'k1')),
      batcher.submit(cmd({ unitId: 'b1' }, 'k1')), // a retry in the same batch: same answer
      batcher.submit(cmd({ unitId: 'b2', present: 11 })), // refused: over the roll
      batcher.submit(cmd({ unitId: 'b3', present: 21, votes: {}, supersedes: 1 })), // two rival corrections of version 1
      batcher.submit(cmd({ unitId: 'b3', present: 22, votes: {}, supersedes: 1 })),
      batcher.submit(cmd({ unitId: 'b5', present: 30, votes: { q1: { positions: { cc: 5, opp: 25 }, abstain: 0 } } })),
      batcher.submit(cmd({ unitId: 'nowhere' })),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? `v${r.value.accepted.version}${r.value.replayed ? ' replay' : ''}` : (r.reason as DomainError).code));
    expect(codes).toEqual(['v1', 'v1 replay', 'invalid_input', 'v2', 'version_conflict', 'v1', 'invalid_input']);
    expect((await getReportHistory(db, 'd1', 'b3', CONSOLE)).map((v) => v.present)).toEqual([20, 21]);
    const t = await getTally(db, 'd1', undefined, T1);
    expect(t).toMatchObject({ unitsReported: 3, present: 23 + 21 + 30 });
    const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...counts } = t;
    expect(counts).toEqual(await recountTally(db, 'd1'));
  });
});

describe.runIf(ENGINES.includes('postgres'))('two server instances batching on PostgreSQL', () => {
  it('never fails a report because of a deadlock between their batches', async () => {
    const store = await newStore('postgres');
    const org = wideOrganization(80);
    await importUnitsCsv(store.db, org.units, T0);
    await importMembersCsv(store.db, org.members, T0);
    await createDiscussion(store.db, discussionDef(), T0);
    await openDiscussion(store.db, 'd1', T0);
    const other = openStore({ url: store.url!, schema: store.schema! });
    try {
      // The same 80 branches from both instances, in opposite orders: their batches lock shared rows crosswise.
      const ids = Array.from({ length: 80 }, (_, i) => `w${i + 1}`);
      const send = (db: typeof store.db, order: string[], by: string) => {
        const batcher = new ReportBatcher(db);
        return order.map((unitId) => batcher.submit({ discussionId: 'd1', report: report({ unitId, present: 6, votes: {} }), submittedBy: by, now: T1 }));
      };
      const results = await Promise.allSettled([...send(store.db, ids, 'a'), ...send(other.db, [...ids].reverse(), 'b')]);
      const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as DomainError);
      expect(failures.filter((e) => e.code !== 'version_conflict')).toEqual([]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(80);
      const t = await getTally(store.db, 'd1', undefined, T1);
      expect(t.unitsReported).toBe(80);
      const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...counts } = t;
      expect(counts).toEqual(await recountTally(store.db, 'd1'));
    } finally {
      await other.close();
      await store.dispose();
    }
  });
});

describe('two processes on one SQLite file', () => {
  it('accepts every report when the server and the CLI write at once', async () => {
    const store = await newStore('sqlite');
    const org = wideOrganization(1000);
    await importUnitsCsv(store.db, org.units, T0);
    await importMembersCsv(store.db, org.members, T0);
    await createDiscussion(store.db, discussionDef(), T0);
    await openDiscussion(store.db, 'd1', T0);
    // Another process (like the CLI beside the server) writes the odd branches while this one writes the even ones.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/write-reports.ts', store.file!, '0', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => child.stdout.once('data', resolve)); // the other process is writing now
    for (let b = 2; b <= 1000; b += 2) {
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: `w${b}`, present: 6, votes: {} }), submittedBy: 'server', now: T1 });
    }
    expect(await exited, stderr).toBe(0);
    expect((await getTally(store.db, 'd1', undefined, T1)).unitsReported).toBe(1000);
    await store.dispose();
  });
});
