/**
 * `plenum export` and `plenum verify` on both engines: a clean discussion verifies from a directory and over HTTP, with
 * a pinned key and against an earlier checkpoint; each way of tampering with the record after the fact — a count in
 * the database, an entry in a bundle, a signature, an older or a forked checkpoint, a wrong key, a missing witness —
 * fails with a line naming what is wrong. And on the demo, the tally recomputed from the log equals the live one.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exportRecord } from '../../src/cli/export.ts';
import { CliExit } from '../../src/cli/io.ts';
import { registerVerifyCommand, runVerify, workerEntryPool, workerSignatureChecker, type VerifyCommandOptions } from '../../src/cli/verify.ts';
import { DEMO_DISCUSSION_ID, loadDemo } from '../../src/demo/load-demo.ts';
import type { ReportInput } from '../../src/domain/report.ts';
import { canonicalBytes } from '../../src/log/canonical.ts';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { addCosignatures, cosign, cosignatureVerifierKey } from '../../src/log/cosignature.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { generateSigner, signerFromSeed, verifierKey } from '../../src/log/note.ts';
import { decodeBundle, encodeBundle, entryBundlePath } from '../../src/log/tiles.ts';
import type { BundleCheck, VerifyReport } from '../../src/log/verify.ts';
import { buildApp } from '../../src/server/app.ts';
import { LogPublisher } from '../../src/services/log.ts';
import { submitReport } from '../../src/services/reports.ts';
import { getTally } from '../../src/services/tally.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization } from '../support/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(dir, `record-${++dirs}`);

const T = '2024-01-05T12:00:00.000Z';
const CLOCK = '2024-01-06T00:00:00.000Z';
type Store = Awaited<ReturnType<typeof newStore>>;

const submit = (store: Store, over: Partial<ReportInput>) => submitReport(store.db, { discussionId: 'd1', report: report(over), submittedBy: 'cli', now: T });

/** b1 … b6 report; with `corrections`, b1 and b3 correct theirs (b3 twice). Small units (under 20) are withheld. */
async function discussion(engine: (typeof ENGINES)[number], opts: { corrections?: boolean } = {}): Promise<Store> {
  const store = await newStore(engine);
  stores.push(store);
  await smallOrganization(store.db, { discussion: { rules: { quorum: 0.5, majority: 'votes-cast', publicMinUnitSize: 20 } } });
  await submit(store, {});
  await submit(store, { unitId: 'b2', present: 8, votes: { q1: { positions: { cc: 3, opp: 5 }, abstain: 0 }, q2: { positions: { cc: 4, opp: 4 }, abstain: 0 } } });
  await submit(store, { unitId: 'b3', present: 10, votes: { q1: { positions: { cc: 6, opp: 4 }, abstain: 0 } } });
  await submit(store, { unitId: 'b4', present: 3, votes: { q1: { positions: { opp: 3 }, abstain: 0 } } });
  await submit(store, { unitId: 'b5', present: 40, votes: { q1: { positions: { cc: 30, opp: 10 }, abstain: 0 }, q2: { positions: { cc: 20, opp: 15 }, abstain: 5 } } });
  await submit(store, { unitId: 'b6', present: 5, votes: { q1: { positions: { cc: 1, opp: 4 }, abstain: 0 } } });
  if (opts.corrections) await correct(store);
  return store;
}

async function correct(store: Store): Promise<void> {
  await submit(store, { unitId: 'b1', present: 30, supersedes: 1, votes: { q1: { positions: { cc: 10, opp: 19 }, abstain: 1 } } });
  await submit(store, { unitId: 'b3', present: 20, supersedes: 1, votes: { q1: { positions: { cc: 12, opp: 8 }, abstain: 0 } } });
  await submit(store, { unitId: 'b3', present: 21, supersedes: 2, votes: { q1: { positions: { cc: 11, opp: 10 }, abstain: 0 }, q2: { positions: { opp: 21 }, abstain: 0 } } });
}

const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.dispose();
});

async function exported(store: Store, discussionId = 'd1'): Promise<string> {
  const out = freshDir();
  await exportRecord(store.db, discussionId, out, { now: () => CLOCK });
  return out;
}

/** Runs the command's logic with its output captured; the report is the JSON on the last line. */
async function verify(target: string, opts: VerifyCommandOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify(target, { workers: '2', json: true, ...opts }, { out: (l) => out.push(l), err: (l) => err.push(l), progress: () => ({ update: () => undefined, stop: () => undefined }) });
  const last = out.at(-1);
  const report = (last?.startsWith('{') ? JSON.parse(last) : undefined) as VerifyReport | undefined;
  const lines = out.slice(0, -1);
  return { code, out: lines, err, report, problems: report?.problems.map((p) => p.message) ?? [] };
}

const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, `${++dirs}-${name}`);
  writeFileSync(p, content);
  return p;
};
const readVkey = (record: string) => readFileSync(join(record, 'vkey'), 'utf8').trim();

describe.each(ENGINES)('plenum export and verify on %s', (engine) => {
  it('verifies a clean discussion from a directory, with a pinned key, against an earlier checkpoint, and over HTTP', async () => {
    const store = await discussion(engine);
    const early = (await new LogPublisher(store.db).checkpoint('d1'))!;
    const earlyFile = file('early.checkpoint', early.cosigned);
    await correct(store);

    const record = freshDir();
    const summary = await exportRecord(store.db, 'd1', record, { now: () => CLOCK });
    expect(summary).toMatchObject({ discussionId: 'd1', checkpointSize: 12, logSize: 12, bundles: 1, tiles: 1 });
    expect(summary.checkpointSize).toBeGreaterThan(early.size);
    await expect(exportRecord(store.db, 'd1', record)).rejects.toThrow(/is not empty/);

    const plain = await verify(record);
    expect(plain.problems).toEqual([]);
    expect(plain.code).toBe(0);
    expect(plain.err.join('\n')).toMatch(/WARNING: no --vkey given.*vouches for itself/);
    expect(plain.out.at(-1)).toMatch(/^verified plenum\.localhost\/d1: checkpoint of 12 entries; .* 9 reports with valid signatures; the title's text matches its hash; 16 units' tallies .* equal the published ones/);
    expect(plain.report!.figures).toMatchObject({ checkpointSize: 12, logSize: 12, entries: 12, reports: 9, units: 16, signaturesChecked: 9 });
    // --workers 0: everything in the main thread, the same verdict.
    const here = await verify(record, { workers: '0' });
    expect(here.problems).toEqual([]);
    expect(here.report!.figures).toEqual(plain.report!.figures);

    const pinned = await verify(record, { vkey: readVkey(record), checkpoint: earlyFile });
    expect(pinned.problems).toEqual([]);
    expect(pinned.code).toBe(0);
    expect(pinned.err).toEqual([]);

    // A live server signs a checkpoint every half second: just after a report, tallies.json is ahead of the
    // checkpoint, and the verifier re-reads the checkpoint until it covers the figures.
    const app = await buildApp({ store, now: () => CLOCK, live: true });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log/d1`;
      await submit(store, { unitId: 'b7', present: 7, votes: { q2: { positions: { opp: 7 }, abstain: 0 } } });
      const served = await verify(url, { vkey: readVkey(record), checkpoint: earlyFile });
      expect(served.problems).toEqual([]);
      expect(served.code).toBe(0);
      expect(served.report!.figures).toMatchObject({ checkpointSize: 13, logSize: 13, reports: 10 });
      expect((await verify(`${url}-nope`)).code).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('reports a count changed in the database after the fact, as one line per differing figure', async () => {
    const store = await discussion(engine, { corrections: true });
    const r1 = await getTally(store.db, 'd1', 'r1', CLOCK);
    const b1 = await getTally(store.db, 'd1', 'b1', CLOCK);
    const d22 = await getTally(store.db, 'd1', 'd22', CLOCK);
    const stored = await sql<{ questions: string }>`select questions from tally_units where discussion_id = 'd1' and unit_id = 'r1'`.execute(store.db);
    const questions = JSON.parse(stored.rows[0]!.questions) as Record<string, { votes: Record<string, number> }>;
    questions.q1!.votes.cc! += 1;
    await sql`update tally_units set questions = ${JSON.stringify(questions)} where discussion_id = 'd1' and unit_id = 'r1'`.execute(store.db);
    await sql`update reports set present = present + 1 where discussion_id = 'd1' and unit_id = 'b1' and is_current = 1`.execute(store.db);
    await sql`update tally_units set members_reported = members_reported + 5 where discussion_id = 'd1' and unit_id = 'd22'`.execute(store.db);

    const v = await verify(await exported(store));
    expect(v.code).toBe(1);
    expect(v.problems).toEqual([
      `unit b1: present published ${b1.present + 1}, recomputed ${b1.present}`,
      `unit d22: membersReported published ${d22.membersReported + 5}, recomputed ${d22.membersReported}`,
      `unit r1: q1.votes.cc published ${r1.questions.q1!.votes.cc! + 1}, recomputed ${r1.questions.q1!.votes.cc}`,
    ]);
    expect(v.out.at(-1)).toMatch(/^FAILED: 3 problems \(3 tally\)/);
  });

  it('reports an entry deleted from, or two entries reordered in, an exported bundle', async () => {
    const store = await discussion(engine, { corrections: true });
    const record = await exported(store);
    const bundle = join(record, entryBundlePath(0, 12));
    const entries = decodeBundle(readFileSync(bundle));

    const reordered = freshDir();
    cpSync(record, reordered, { recursive: true });
    writeFileSync(join(reordered, entryBundlePath(0, 12)), encodeBundle([...entries.slice(0, 5), entries[6]!, entries[5]!, ...entries.slice(7)]));
    const r = await verify(reordered);
    expect(r.code).toBe(1);
    expect(r.problems[0]).toMatch(
      /^the root rebuilt from the 12 entries \(.+\) is not the checkpoint's root \(.+\); the hash tiles agree with the checkpoint, and entry 5 is the first that is not the entry they cover \(in bundle tile\/entries\/000\.p\/12\)$/,
    );
    expect(r.problems[1]).toBe('hash tile tile/0/000.p/12 differs from the tree rebuilt from the entries, first at the leaf hash of entry 5');

    writeFileSync(bundle, encodeBundle([...entries.slice(0, 7), ...entries.slice(8)]));
    const d = await verify(record);
    expect(d.code).toBe(1);
    expect(d.problems.slice(0, 2)).toEqual([
      'entry bundle tile/entries/000.p/12 holds 11 entries, not 12: entries 0…11 cannot be read',
      "the tree cannot be rebuilt: the bundles do not hold the checkpoint's 12 entries",
    ]);
  });

  it('names the entries whose signatures were swapped before any checkpoint covered them', async () => {
    const store = await discussion(engine);
    expect(await store.db.selectFrom('log_checkpoints').selectAll().execute()).toEqual([]);
    const rows = await store.db.selectFrom('log_entries').select(['idx', 'entry']).where('discussion_id', '=', 'd1').where('idx', 'in', [4, 5]).orderBy('idx').execute();
    const [a, b] = rows.map((r) => JSON.parse(r.entry) as { signature: string; unitId: string });
    for (const [row, entry, signature] of [[rows[0]!, a!, b!.signature], [rows[1]!, b!, a!.signature]] as const) {
      const bytes = canonicalBytes({ ...entry, signature });
      await store.db
        .updateTable('log_entries')
        .set({ entry: new TextDecoder().decode(bytes), leaf_hash: Buffer.from(leafHash(bytes)).toString('hex') })
        .where('discussion_id', '=', 'd1')
        .where('idx', '=', row.idx)
        .execute();
    }
    const v = await verify(await exported(store));
    expect(v.code).toBe(1);
    const key = (JSON.parse(rows[0]!.entry) as { keyId: string }).keyId;
    expect(v.problems).toEqual([
      `entry 4: the signature of unit b2's report version 1 by key ${key} does not verify`,
      `entry 5: the signature of unit b3's report version 1 by key ${key} does not verify`,
    ]);
  });

  it('fails when the log serves an older checkpoint than one seen before', async () => {
    const store = await discussion(engine);
    const older = await exported(store);
    await correct(store);
    const newer = await exported(store);
    const v = await verify(older, { vkey: readVkey(newer), checkpoint: join(newer, 'checkpoint') });
    expect(v.code).toBe(1);
    expect(v.problems).toEqual([
      'the log served an older checkpoint (size 9) than the one given with --checkpoint (size 12): it rolled back, or this is a stale copy',
    ]);
  });

  it('fails as inconsistent against a checkpoint of another history signed by the same log key', async () => {
    const store = await discussion(engine, { corrections: true });
    const record = await exported(store);
    const seed = (await store.db.selectFrom('server_keys').select('seed').where('name', '=', 'log').executeTakeFirstOrThrow()).seed;
    const origin = readFileSync(join(record, 'checkpoint'), 'utf8').split('\n')[0]!;
    const logKey = signerFromSeed(origin, new Uint8Array(Buffer.from(seed, 'base64')));
    // The same first 10 entries, except entry 5, where the other history has b3 reporting 11 present rather than 10.
    const entries = decodeBundle(readFileSync(join(record, entryBundlePath(0, 12))));
    const forked = entries.slice(0, 10).map((e, i) => (i === 5 ? new TextEncoder().encode(new TextDecoder().decode(e).replace('"present":10', '"present":11')) : e));
    expect(Buffer.from(forked[5]!).equals(entries[5]!)).toBe(false);
    const fork = file('fork.checkpoint', signCheckpoint({ origin, size: 10, root: merkleRoot(forked.map(leafHash)) }, logKey));
    const v = await verify(record, { vkey: verifierKey(logKey.name, logKey.publicKey), checkpoint: fork });
    expect(v.code).toBe(1);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(/^the log is inconsistent with the checkpoint given with --checkpoint: its first 10 entries have the root .+, that checkpoint \(signed by the same key\) says .+ — two different histories$/);
  });

  it('fails with a wrong --vkey, and treats a malformed one as bad usage', async () => {
    const store = await discussion(engine);
    const record = await exported(store);
    const origin = readVkey(record).split('+')[0]!;
    const impostor = generateSigner(origin);
    const v = await verify(record, { vkey: verifierKey(impostor.name, impostor.publicKey) });
    expect(v.code).toBe(1);
    expect(v.problems).toEqual([
      `the checkpoint is not signed by the log key ${verifierKey(impostor.name, impostor.publicKey).split('+').slice(0, 2).join('+')}: the note is not signed by any of the keys given`,
    ]);
    const bad = await verify(record, { vkey: 'nonsense' });
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--vkey "nonsense" is not a verifier key/);
    expect((await verify(join(dir, 'no-such-dir'))).code).toBe(2);
    expect((await verify(record, { checkpoint: join(dir, 'no-such-file') })).code).toBe(2);
  });

  it('requires the witnesses\' cosignatures asked for, and refuses a bad one', async () => {
    const store = await discussion(engine);
    const record = await exported(store);
    const w1 = generateSigner('witness.example/w1');
    const w2 = generateSigner('witness.example/w2');
    const vkeyOf = (w: typeof w1) => cosignatureVerifierKey(w.name, w.publicKey);
    const note = readFileSync(join(record, 'checkpoint'), 'utf8');
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    writeFileSync(join(record, 'checkpoint'), addCosignatures(note, [cosign(body, w1, 1_704_456_000)]));
    const vkey = readVkey(record);

    const one = await verify(record, { vkey, witness: [vkeyOf(w1)] });
    expect(one.problems).toEqual([]);
    expect(one.report!.figures.cosignaturesVerified).toBe(1);

    const both = await verify(record, { vkey, witness: [vkeyOf(w1), vkeyOf(w2)] });
    expect(both.code).toBe(1);
    expect(both.problems).toEqual([`1 of the 2 required witness cosignatures verify; no cosignature from ${vkeyOf(w2).split('+').slice(0, 2).join('+')}`]);

    const enough = await verify(record, { vkey, witness: [vkeyOf(w1), vkeyOf(w2)], witnessesRequired: '1' });
    expect(enough.code).toBe(0);
    expect(enough.err.join('\n')).toMatch(/no cosignature from witness\.example\/w2/);

    const otherBody = body.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`);
    writeFileSync(join(record, 'checkpoint'), addCosignatures(note, [cosign(otherBody, w1, 1_704_456_000)]));
    const forged = await verify(record, { vkey, witness: [vkeyOf(w1)] });
    expect(forged.code).toBe(1);
    expect(forged.problems[0]).toMatch(/^the cosignature of witness witness\.example\/w1\+[0-9a-f]{8} does not verify/);

    expect((await verify(record, { vkey, witness: [vkeyOf(w1)], witnessesRequired: '2' })).code).toBe(2);
  });
});

describe('verify on the demo', () => {
  it('recomputes every unit\'s tally from the log of a demo-sized discussion, equal to the live tally', async () => {
    const store = await newStore('sqlite');
    stores.push(store);
    const now = '2026-11-26T12:00:00.000Z';
    await loadDemo(store.db, { scale: 0.1, now, log: () => undefined });
    const record = freshDir();
    await exportRecord(store.db, DEMO_DISCUSSION_ID, record, { now: () => now });
    const v = await verify(record, { vkey: readVkey(record) });
    expect(v.problems).toEqual([]);
    expect(v.code).toBe(0);
    const published = JSON.parse(readFileSync(join(record, 'tallies.json'), 'utf8')) as { units: Array<{ unitId: string }> };
    expect(v.report!.figures.units).toBe(published.units.length);
    expect(v.report!.figures.reports).toBeGreaterThan(2000); // more than one batch of signatures: both workers busy
    expect(v.report!.figures.checkpointSize).toBeGreaterThan(256 * 10);
    // tallies.json is the live tally: the root's, as the API answers it.
    const live = await getTally(store.db, DEMO_DISCUSSION_ID, undefined, now);
    expect(published.units.find((u) => u.unitId === live.unitId)).toEqual({ ...live, withheld: false });
  });
});

describe('the signature workers', () => {
  it('check batches on several threads and return exactly the bad ones', async () => {
    const keys = [generateSigner('k1'), generateSigner('k2'), generateSigner('k3')];
    const statement = (i: number) => new TextEncoder().encode(`statement ${i}`);
    const jobs = Array.from({ length: 450 }, (_, i) => {
      const k = keys[i % 3]!;
      const signature = new Uint8Array(Buffer.from(signRaw(statement(i), k), 'base64'));
      if (i % 97 === 5) signature[0]! ^= 1;
      return { index: i, statement: statement(i), signature, publicKey: k.publicKey };
    });
    const seen: number[] = [];
    const bad = await workerSignatureChecker(3, 100)(jobs, (done) => seen.push(done));
    expect(bad.sort((x, y) => x - y)).toEqual([5, 102, 199, 296, 393]);
    expect(seen.at(-1)).toBe(450);
    expect(await workerSignatureChecker(2)([], () => undefined)).toEqual([]);
  });
});

describe('the entry workers', () => {
  it('check bundles on their threads (the TypeScript loaded there), with keys sent from elsewhere', async () => {
    const store = await discussion('sqlite');
    const record = await exported(store);
    const bytes = new Uint8Array(readFileSync(join(record, entryBundlePath(0, 9))));
    const entries = decodeBundle(bytes);
    const pool = workerEntryPool(2);
    try {
      // Entries 3 … 8 alone (numbered from 3): the key is not in them, and no thread knows it yet.
      const rest = encodeBundle(entries.slice(3));
      // The verdicts as [log index, verified] for the entries checked (a bundle's compact Int32Array).
      const checked = (c: BundleCheck, first: number) => (c.ok ? [...c.verdicts].flatMap((v, k) => (v ? [[first + k, v > 0]] : [])) : null);
      const alone = await pool.check(rest.slice(), 3, 6);
      expect(alone).toMatchObject({ ok: true, verdictKeys: [] });
      expect(checked(alone, 3)).toEqual([]);
      // A buffer of its own is handed to the thread, not copied; a view of a larger buffer is copied, the buffer left.
      const own = bytes.slice();
      const whole = await pool.check(own, 0, 9);
      expect(own.byteLength).toBe(0);
      const larger = new Uint8Array(bytes.length + 8);
      larger.set(bytes, 8);
      const view = larger.subarray(8);
      expect(await pool.check(view, 0, 9)).toMatchObject({ ok: true });
      expect(Buffer.from(view).equals(Buffer.from(bytes))).toBe(true);
      if (!whole.ok) throw new Error('the bundle does not decode');
      expect(Buffer.from(whole.leaves).equals(Buffer.concat(entries.map(leafHash)))).toBe(true);
      expect(whole.entries.map((e) => (e === null ? 'digested' : typeof e === 'string' ? e : e.type))).toEqual(['discussion', 'key', 'roll', ...Array(6).fill('report')]);
      expect(checked(whole, 0)).toEqual([3, 4, 5, 6, 7, 8].map((i) => [i, true]));
      expect(whole.verdictKeys).toEqual([whole.keys[0]![1]]);
      expect(whole.keys).toHaveLength(1);
      // Sent to every thread, the key is used.
      pool.addKeys(whole.keys);
      const later = await Promise.all([pool.check(rest.slice(), 3, 6), pool.check(rest.slice(), 3, 6)]);
      for (const c of later) expect(checked(c, 3)).toEqual([3, 4, 5, 6, 7, 8].map((i) => [i, true]));
      expect(await pool.check(rest.slice(), 3, 5)).toEqual({ ok: false, count: 6 });
    } finally {
      await pool.close();
    }
  });
});

describe('the verify command', () => {
  it('exits 2 on bad usage', async () => {
    const program = new Command('plenum').exitOverride();
    registerVerifyCommand(program);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(program.parseAsync(['node', 'plenum', 'verify'])).rejects.toMatchObject({ exitCode: 2 });
      await expect(program.parseAsync(['node', 'plenum', 'verify', join(dir, 'nowhere')])).rejects.toBeInstanceOf(CliExit);
      await expect(program.parseAsync(['node', 'plenum', 'verify', dir, '--workers', 'many'])).rejects.toMatchObject({ exitCode: 2 });
    } finally {
      stderr.mockRestore();
    }
  });
});

/** A raw Ed25519 signature over bytes (the workers do not care what the statement is). */
function signRaw(bytes: Uint8Array, k: ReturnType<typeof generateSigner>): string {
  return Buffer.from(k.sign(bytes)).toString('base64');
}
