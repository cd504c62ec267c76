/**
 * `plenum verify <url-or-directory>`: checks a discussion's published record from the outside and recomputes every
 * unit's tally (the checks are src/log/verify.ts; where the files come from, ./record-source.ts). Report signatures are
 * checked on every core: batches of a few thousand go to worker threads running src/log/verify-worker.mjs.
 *
 *   plenum verify http://host:3000/log/d1 --vkey 'plenum.example.org/d1+1a2b3c4d+AQ…'
 *   plenum verify ./record-d1 --checkpoint ./seen-before.checkpoint --witness 'w.example/w1+…' --json
 *
 * Problems go to standard output, one line each (`unit r1: q1.votes.cc published 120, recomputed 119`), then a
 * summary; progress and warnings to standard error. Exit 0 only if everything matches, 1 on any problem, 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CommanderError, type Command } from 'commander';
import {
  checkSignaturesHere,
  verifyRecord,
  VerifyUsageError,
  type BundleCheck,
  type EntryPool,
  type ProgressBar,
  type SignatureChecker,
  type SignatureJob,
  type VerifyReport,
} from '../log/verify.ts';
import { CliExit, progressBar } from './io.ts';
import { recordSource } from './record-source.ts';

const WORKER_URL = new URL('../log/verify-worker.mjs', import.meta.url);
export const SIGNATURE_BATCH = 2000;

/**
 * Checks signatures on `workers` threads, `batchSize` at a time (each worker takes the next batch when it is done), the
 * threads started for the call and ended after it.
 */
export function workerSignatureChecker(workers: number, batchSize = SIGNATURE_BATCH): SignatureChecker {
  return Object.assign(checkOnWorkers(workers, batchSize), { entryPool: () => workerEntryPool(workers) });
}

/**
 * The young generation of each entry thread, in MB (V8's default is about 48). A thread checking bundles makes a few
 * short-lived objects per entry; with more room for them it collects less often, and each collection costs about the
 * same however much garbage it finds — a million-report record verified in 65.9–67.1 s with 64, 192 or 384 MB against
 * 68.3–70.7 s with the default (.scratch harness, alternating runs, 2026-11-27).
 */
const ENTRY_THREAD_YOUNG_MB = 192;

/**
 * `workers` threads checking entry bundles (`checkBundle` of src/log/verify.ts) as they are read: each bundle goes to
 * the thread with the fewest waiting, and keys found elsewhere are sent to every thread.
 */
export function workerEntryPool(workers: number): EntryPool {
  type Pending = { resolve: (c: BundleCheck) => void; reject: (e: Error) => void };
  const threads = Array.from({ length: Math.max(1, workers) }, () => {
    const worker = new Worker(WORKER_URL, { workerData: { plenumVerify: true, entries: true }, resourceLimits: { maxYoungGenerationSizeMb: ENTRY_THREAD_YOUNG_MB } });
    const pending = new Map<number, Pending>();
    let closing = false;
    const fail = (e: Error) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    worker.on('message', (m: { id: number; check: BundleCheck }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve(m.check);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`an entry worker stopped (exit code ${code}) before its bundles were checked`));
    });
    return { worker, pending, close: () => ((closing = true), worker.terminate()) };
  });
  let nextId = 0;
  return {
    check(bytes, first, width) {
      const t = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<BundleCheck>((resolve, reject) => {
        t.pending.set(id, { resolve, reject });
        // Handed over, not copied, when the bytes are a whole buffer of their own (as read from a file or the network):
        // nothing on this thread reads a bundle after it is checked.
        const own = !(bytes.buffer instanceof SharedArrayBuffer) && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        t.worker.postMessage({ kind: 'bundle', id, bytes, first, width }, own ? [bytes.buffer as ArrayBuffer] : []);
      });
    },
    addKeys(keys) {
      for (const t of threads) t.worker.postMessage({ kind: 'keys', keys });
    },
    setContext(context) {
      for (const t of threads) t.worker.postMessage({ kind: 'context', context });
    },
    async close() {
      await Promise.all(threads.map((t) => t.close()));
    },
  };
}

function checkOnWorkers(workers: number, batchSize: number): SignatureChecker {
  return async (jobs, progress) => {
    const batches: SignatureJob[][] = [];
    for (let i = 0; i < jobs.length; i += batchSize) batches.push(jobs.slice(i, i + batchSize));
    if (batches.length === 0) {
      progress(0);
      return [];
    }
    const keyText = new Map<Uint8Array, string>();
    const keyOf = (k: Uint8Array) => keyText.get(k) ?? keyText.set(k, Buffer.from(k).toString('base64')).get(k)!;
    const bad: number[] = [];
    let next = 0;
    let done = 0;
    const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(WORKER_URL, { workerData: { plenumVerify: true } }));
    try {
      await Promise.all(
        pool.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              let finished = false;
              const send = () => {
                if (next >= batches.length) {
                  finished = true;
                  return resolve();
                }
                const id = next++;
                worker.postMessage({ id, items: batches[id]!.map((j) => ({ index: j.index, statement: j.statement, signature: j.signature, key: keyOf(j.publicKey) })) });
              };
              worker.on('message', (m: { id: number; bad: number[] }) => {
                bad.push(...m.bad);
                done += batches[m.id]!.length;
                progress(done);
                send();
              });
              worker.on('error', reject);
              worker.on('exit', (code) => {
                if (!finished) reject(new Error(`a signature worker stopped (exit code ${code}) before its batches were done`));
              });
              send();
            }),
        ),
      );
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
    return bad;
  };
}

export interface VerifyCommandOptions {
  vkey?: string | undefined;
  checkpoint?: string | undefined;
  witness?: string[] | undefined;
  witnessesRequired?: string | undefined;
  /** Threads checking signatures (default: every core); 0 checks them in the main thread. */
  workers?: string | undefined;
  /** Reports per worker batch (default SIGNATURE_BATCH). */
  batchSize?: number | undefined;
  json?: boolean | undefined;
}

export interface VerifyOutput {
  out(line: string): void;
  err(line: string): void;
  progress(label: string): ProgressBar;
}

const processOutput: VerifyOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  progress: progressBar,
};

class UsageError extends Error {}

function count(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^(0|[1-9][0-9]{0,5})$/.test(text)) throw new UsageError(`${option} must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** Runs the verification and prints it; resolves to the exit code (0 ok, 1 problems, 2 bad usage). */
export async function runVerify(target: string, opts: VerifyCommandOptions, io: VerifyOutput = processOutput): Promise<number> {
  let report: VerifyReport;
  try {
    const source = await recordSource(target);
    if (!source) throw new UsageError(`${target} is neither an http:// or https:// prefix nor a directory`);
    let previousCheckpoint: string | undefined;
    if (opts.checkpoint !== undefined) {
      try {
        previousCheckpoint = await readFile(opts.checkpoint, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read --checkpoint ${opts.checkpoint}: ${(e as Error).message}`);
      }
    }
    const witnesses = opts.witness ?? [];
    const required = count(opts.witnessesRequired, '--witnesses-required', witnesses.length);
    const workers = count(opts.workers, '--workers', availableParallelism());
    report = await verifyRecord({
      source,
      vkey: opts.vkey,
      previousCheckpoint,
      witnesses,
      witnessesRequired: required,
      checkSignatures: workers === 0 ? checkSignaturesHere : workerSignatureChecker(workers, opts.batchSize),
      progress: io.progress,
    });
  } catch (e) {
    if (e instanceof UsageError || e instanceof VerifyUsageError) {
      io.err(`plenum: verify: ${e.message}`);
      return 2;
    }
    // The record could not be read at all (a network failure, an unreadable file): nothing is verified.
    io.err(`plenum: verify: ${(e as Error).message}`);
    if (opts.json) io.out(JSON.stringify({ ok: false, error: (e as Error).message }));
    return 1;
  }
  for (const w of report.warnings) io.err(w);
  for (const p of report.problems) io.out(p.message);
  const f = report.figures;
  if (report.ok) {
    const witnessed = f.cosignaturesVerified ? `, ${f.cosignaturesVerified} witness cosignature${f.cosignaturesVerified === 1 ? '' : 's'}` : '';
    const n = (x: number | null) => (x ?? 0).toLocaleString('en');
    io.out(
      `verified ${f.origin}: checkpoint of ${n(f.checkpointSize)} entries${witnessed}; tree rebuilt, ${n(f.tilesChecked)} tiles equal; ` +
        `${n(f.reports)} reports with valid signatures; ${f.textsChecked ? "the title's text matches its hash; " : ''}${n(f.units)} units' tallies recomputed from ${n(f.logSize)} entries equal the published ones (${n(f.tallyFieldsCompared)} figures)` +
        (f.apportionmentsChecked ? `; ${n(f.apportionmentsChecked)} seat table${f.apportionmentsChecked === 1 ? '' : 's'} recomputed` : '') +
        (f.decisionsChecked ? `; the binding decision's root and figures recomputed` : ''),
    );
  } else {
    const byKind = new Map<string, number>();
    for (const p of report.problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
    const kinds = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
    io.out(`FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (${kinds}) in the record at ${f.origin ?? target}`);
  }
  if (opts.json) io.out(JSON.stringify(report));
  return report.ok ? 0 : 1;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <record>')
    .description("check a discussion's published record (a URL such as http://host:3000/log/d1, or a directory from plenum export) and recompute every unit's tally")
    .option('--vkey <vkey>', "the log's verifier key, pinned (without it the served vkey is used, and the log vouches for itself)")
    .option('--checkpoint <file>', 'a checkpoint of this log seen before: the log must be consistent with it')
    .option('--witness <vkey>', "a witness's cosignature verifier key (repeat for several)", collect)
    .option('--witnesses-required <k>', 'how many of the witnesses given must have cosigned (default: all)')
    .option('--workers <n>', 'threads checking signatures (default: every core; 0: the main thread)')
    .option('--json', 'print a JSON summary on the last line of standard output')
    .exitOverride((err) => {
      // Bad usage exits 2 (help and version stay 0).
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
    })
    .action(async (record: string, opts: VerifyCommandOptions) => {
      const code = await runVerify(record, opts);
      if (code !== 0) throw new CliExit(code);
    });
}
