/**
 * The verifiable record's costs in `npm run bench`, each against a baseline measured in the same run:
 * - the raw node:crypto Ed25519 verify rate on one core (a cached public key object, one message): the ceiling any
 *   signature-checking verifier is measured against;
 * - report ingest with the log (each report signed and appended in its transaction) against the same ingest into a
 *   discussion that has no log, interleaved in chunks so drift hits both alike — through the path the HTTP server
 *   takes under load: the group commit of services/report-batcher.ts, `INGEST_IN_FLIGHT` reports in flight at once
 *   (as many clients each waiting for its answer before sending the next), every branch distinct.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { sql } from 'kysely';
import { mulberry32 } from '../domain/random.ts';
import { CONSOLE } from '../domain/policy.ts';
import { createDiscussion, openDiscussion } from '../services/discussions.ts';
import { startEntryWorker } from '../services/entry-pool.ts';
import { ReportBatcher } from '../services/report-batcher.ts';
import type { SubmitReport } from '../services/reports.ts';
import type { Store } from '../storage/db.ts';
import { progressBar } from '../cli/io.ts';
import { collectGarbage } from './gc.ts';
import { benchDiscussion, branchReport, type Organization } from './organization.ts';

/** The raw node:crypto Ed25519 verify on one core: a cached public key object, one message about a report's size. */
export class RawVerifier {
  private readonly publicKey;
  private readonly message = Buffer.concat([Buffer.from('plenum-report/v1\n'), Buffer.alloc(400, 'x')]);
  private readonly signature;
  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.publicKey = publicKey;
    this.signature = sign(null, this.message, privateKey);
  }

  /** Verifies `n` times; the milliseconds it took. */
  burst(n: number): number {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (!verify(null, this.message, this.publicKey, this.signature)) throw new Error('the bench signature does not verify');
    return performance.now() - t0;
  }
}

/** Signature verifications per second on one core, over `durationMs`. */
export function rawEd25519VerifyRate(durationMs = 1500): { perSec: number; n: number; ms: number } {
  const raw = new RawVerifier();
  let n = 0;
  let ms = 0;
  while (ms < durationMs) {
    ms += raw.burst(500);
    n += 500;
  }
  return { perSec: (n * 1000) / ms, n, ms };
}

export interface IngestCost {
  logged: { reports: number; ms: number };
  unlogged: { reports: number; ms: number };
  /** The raw one-core verify rate's baseline, measured in bursts between the ingest chunks (`RAW_BURST` each). */
  raw: { verifies: number; ms: number };
}

/** Raw verifications after each pair of chunks: a few tens of milliseconds, so the baseline drifts with the ingest. */
const RAW_BURST = 400;

/** Reports in flight at once in the ingest measurement (clients each awaiting its answer before sending the next). */
export const INGEST_IN_FLIGHT = 64;

/**
 * Ingest with and without the log: two discussions on the organization, the second's log removed right after it opened
 * (as a discussion opened before the log existed: its reports are neither signed nor appended), the same branches'
 * reports submitted to each — the first `count` of `branches`, in the order given. The bench passes the shuffled order
 * of its other ingest paths, so that a batch's reports come from all over the organization, as they do in a discussion,
 * and move about a hundred tally rows between them (at 100,000 units), not the few of one district's branches in a row.
 * Alternately in chunks of 250, through a `ReportBatcher` (the server's path) with `INGEST_IN_FLIGHT` in flight; every
 * report must be accepted. After each pair of chunks the raw one-core verify rate is measured for a moment (`RAW_BURST`
 * verifications): the ratio to it is then taken over the same minutes, however this machine's speed drifts meanwhile
 * (it does, by a factor of two within an hour). As the server (cli/serve.ts) starts its entry worker when it starts,
 * the measurement starts it before its setup: its loading (about half a second of a core) is not timed as ingest.
 */
export async function logIngestCost(store: Store, branches: Organization['branches'], count: number, label: string): Promise<IngestCost> {
  const { db } = store;
  const now = () => new Date().toISOString();
  const worker = startEntryWorker();
  const logged = { ...benchDiscussion(), id: 'bench-logged' };
  const unlogged = { ...benchDiscussion(), id: 'bench-unlogged' };
  for (const d of [logged, unlogged]) {
    await createDiscussion(db, d, now());
    await openDiscussion(db, d.id, now());
  }
  await sql`delete from log_entries where discussion_id = ${unlogged.id}`.execute(db);
  await sql`delete from log_heads where discussion_id = ${unlogged.id}`.execute(db);
  const rng = mulberry32(11);
  const reports = branches.slice(0, count).map((b) => branchReport(rng, b.id, b.voting));
  const cost: IngestCost = { logged: { reports: 0, ms: 0 }, unlogged: { reports: 0, ms: 0 }, raw: { verifies: 0, ms: 0 } };
  const raw = new RawVerifier();
  raw.burst(RAW_BURST);
  const batcher = new ReportBatcher(db);
  await worker;
  const bar = progressBar(label);
  try {
    for (let i = 0; i < reports.length; i += 250) {
      const chunk = reports.slice(i, i + 250);
      for (const [d, into] of [
        [logged, cost.logged],
        [unlogged, cost.unlogged],
      ] as const) {
        const t0 = performance.now();
        await inFlight(batcher, chunk.map((r) => () => ({ discussionId: d.id, report: r, submittedBy: CONSOLE.id, now: now() })));
        into.ms += performance.now() - t0;
        into.reports += chunk.length;
      }
      cost.raw.ms += raw.burst(RAW_BURST);
      cost.raw.verifies += RAW_BURST;
      bar.update(Math.min(i + 250, reports.length), reports.length);
    }
  } finally {
    bar.stop();
  }
  return cost;
}

/** Submits every command through the batcher, `INGEST_IN_FLIGHT` at a time: each client sends its next when answered. */
async function inFlight(batcher: ReportBatcher, commands: ReadonlyArray<() => SubmitReport>): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < commands.length) {
      const cmd = commands[next++]!();
      await batcher.submit(cmd);
    }
  };
  await Promise.all(Array.from({ length: Math.min(INGEST_IN_FLIGHT, commands.length) }, client));
}

export interface VerifyRun {
  reports: number;
  entries: number;
  units: number;
  workers: number;
  generateMs: number;
  verifyMs: number;
  /** CPU time of the whole process (all threads) while verifying. */
  cpuMs: number;
  ok: boolean;
  problems: string[];
  /**
   * Raw Ed25519 verifications per second with `workers` threads verifying at once — what this machine's cores give
   * together, which on a machine whose cores share a physical core (or a busy host) is well below `workers` × one
   * core — just before and just after verifying, and their mean.
   */
  rawParallel: { before: number; after: number; perSec: number };
  /**
   * The raw one-core rate measured just before and just after verifying, and their mean (the verify ratios' baseline):
   * this machine's speed drifts over the minutes a bench takes, and the baseline must be the speed of the same minutes.
   */
  rawOneCore: { before: number; after: number; perSec: number };
}

/**
 * `plenum verify` on a synthetic record of `reports` signed reports (written to a temporary directory first), with
 * signature checks on `workers` threads, timed from the first read to the verdict.
 */
export async function benchVerify(reports: number, workers: number): Promise<VerifyRun> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeSyntheticRecord } = await import('./synthetic-record.ts');
  const { verifyRecord } = await import('../log/verify.ts');
  const { directorySource } = await import('../cli/record-source.ts');
  const { workerSignatureChecker } = await import('../cli/verify.ts');
  const dir = mkdtempSync(join(tmpdir(), 'plenum-bench-record-'));
  try {
    const units = Math.max(1, Math.min(20_000, Math.ceil(reports / 50)));
    const gen = progressBar(`record: writing ${reports.toLocaleString('en')} signed reports`);
    const t0 = performance.now();
    let record;
    try {
      record = writeSyntheticRecord(dir, { reports, units }, gen.update);
    } finally {
      gen.stop();
    }
    const generateMs = performance.now() - t0;
    // As `plenum verify` starts: a process without the writing's garbage on its heap (bench/gc.ts).
    collectGarbage();
    const parallelBefore = await rawVerifyOnThreads(workers);
    const before = rawEd25519VerifyRate().perSec;
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await verifyRecord({
      source: directorySource(dir),
      vkey: record.vkey,
      checkSignatures: workerSignatureChecker(workers),
      progress: (label) => progressBar(`record: plenum verify: ${label}`),
    });
    const verifyMs = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    // Every thread of the process (main, the entry threads, V8's helpers): the cores verification actually used.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const after = rawEd25519VerifyRate().perSec;
    const parallelAfter = await rawVerifyOnThreads(workers);
    return {
      reports,
      entries: record.entries,
      units,
      workers,
      generateMs,
      verifyMs,
      cpuMs,
      ok: report.ok,
      problems: report.problems.map((p) => p.message).slice(0, 5),
      rawParallel: { before: parallelBefore, after: parallelAfter, perSec: (parallelBefore + parallelAfter) / 2 },
      rawOneCore: { before, after, perSec: (before + after) / 2 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The raw verify rate with `threads` worker threads verifying at the same time, summed. */
async function rawVerifyOnThreads(threads: number): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const code = `
    const { generateKeyPairSync, sign, verify } = require('node:crypto');
    const { parentPort } = require('node:worker_threads');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const message = Buffer.concat([Buffer.from('plenum-report/v1\\n'), Buffer.alloc(400, 'x')]);
    const signature = sign(null, message, privateKey);
    let n = 0; const t0 = performance.now(); let ms = 0;
    while ((ms = performance.now() - t0) < 1500) { for (let i = 0; i < 500; i++) verify(null, message, publicKey, signature); n += 500; }
    parentPort.postMessage(n * 1000 / ms);`;
  const rates = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (rate: number) => {
        resolve(rate);
        void w.terminate();
      });
      w.once('error', reject);
    })),
  );
  return rates.reduce((a, b) => a + b, 0);
}
