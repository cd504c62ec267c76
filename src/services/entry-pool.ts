/**
 * Report entries made on a worker thread while a batch writes its rows (services/report-batch.ts): the office's
 * Ed25519 signature and the entry's encoding are most of a logged report's CPU cost, and none of the batch's other
 * rows needs them — a report row carries its log index and key id, known before signing. So the batch hands its
 * entries to the worker (entry-worker.mjs), writes everything else, and then makes what the worker has not started
 * yet itself (the two take chunks of entries from one shared counter), so on a machine with a core to spare the
 * signing costs the main thread little, and on a busy one no more than before. The bytes are those the main thread
 * would make alone (services/report-entry.ts runs on both).
 *
 * Everything that can refuse a report (a unit's signature checked against its key) is decided on the main thread
 * before; the worker only signs and encodes. The worker starts on the first batch big enough to be worth the round
 * trip and, until it is ready, batches make their entries themselves; should it fail, they always do. There is no
 * worker on a single core, or with PLENUM_ENTRY_WORKER=0.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Signer } from '../log/note.ts';
import type { ReportStatement } from '../log/signing.ts';
import { finishReportEntry, type EntryRow } from './report-entry.ts';
import { seedOf } from './log.ts';

/** One entry to make: a settled statement (services/log.ts `settleSigner`) and the unit's signature or the office's key. */
export interface EntryJob {
  signed: ReportStatement;
  submittedAt: string;
  signature: string | Signer;
}

/** Entries being made: `finish` makes those nobody has taken yet here, then waits for the worker's. */
export interface Entries {
  finish(): Promise<EntryRow[]>;
}

/** Below this many entries a batch makes them itself: the round trip to the worker costs about a signature. */
const MIN_JOBS = 8;
/** Entries per chunk taken from the shared counter. */
const CHUNK = 4;
const WORKER_URL = new URL('./entry-worker.mjs', import.meta.url);

interface Waiting {
  rows: Array<EntryRow | undefined>;
  onChunk: (first: number, rows: EntryRow[]) => void;
  done: () => void;
  fail: (e: unknown) => void;
}

let worker: Worker | undefined;
let ready = false;
let broken = process.env.PLENUM_ENTRY_WORKER === '0' || availableParallelism() < 2;
let nextId = 0;
const pending = new Map<number, Waiting>();

function start(): void {
  const w = new Worker(WORKER_URL);
  worker = w;
  w.unref();
  w.on('message', (m: { ready?: true; id?: number; first?: number; rows?: EntryRow[]; done?: true; error?: string }) => {
    if (m.ready) {
      ready = true;
      return;
    }
    const p = pending.get(m.id!);
    if (!p) return;
    if (m.rows) return p.onChunk(m.first!, m.rows);
    pending.delete(m.id!);
    if (pending.size === 0) w.unref();
    if (m.error !== undefined) p.fail(new Error(`entry worker: ${m.error}`));
    else p.done();
  });
  const fail = (e: unknown) => {
    broken = true;
    ready = false;
    worker = undefined;
    for (const p of pending.values()) p.fail(e);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`entry worker exited (${code})`)));
}

const here = (jobs: readonly EntryJob[]) => jobs.map((j) => finishReportEntry(j.signed, j.submittedAt, j.signature));

/**
 * Starts making the entries of `jobs` (in order): on the worker when it is ready and there are enough of them, else
 * here, when `finish` is called.
 */
export function makeEntries(jobs: readonly EntryJob[]): Entries {
  const office = jobs.find((j) => typeof j.signature !== 'string')?.signature as Signer | undefined;
  const seed = office && seedOf(office);
  const oneOffice = jobs.every((j) => typeof j.signature === 'string' || j.signature === office);
  const useWorker = !broken && jobs.length >= MIN_JOBS && oneOffice && (!office || seed !== undefined);
  if (useWorker && !worker) start();
  if (!useWorker || !ready || !worker) return { finish: async () => here(jobs) };
  const w = worker;
  const id = ++nextId;
  const next = new Int32Array(new SharedArrayBuffer(4));
  const rows: Array<EntryRow | undefined> = new Array(jobs.length);
  let workerDone = false;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let failure: unknown;
  pending.set(id, {
    rows,
    onChunk: (first, made) => made.forEach((r, i) => (rows[first + i] = r)),
    done: () => {
      workerDone = true;
      settle?.resolve();
    },
    fail: (e) => {
      failure = e ?? new Error('entry worker failed');
      settle?.reject(failure);
    },
  });
  w.ref();
  w.postMessage({
    id,
    office: office ? { name: office.name, seed } : null,
    jobs: jobs.map((j) => ({ signed: j.signed, submittedAt: j.submittedAt, signature: typeof j.signature === 'string' ? j.signature : null })),
    next,
    chunk: CHUNK,
  });
  return {
    async finish() {
      // Whatever the worker has not taken yet is made here.
      for (;;) {
        const first = Atomics.add(next, 0, 1) * CHUNK;
        if (first >= jobs.length) break;
        here(jobs.slice(first, first + CHUNK)).forEach((r, i) => (rows[first + i] = r));
      }
      if (failure !== undefined) throw failure;
      if (!workerDone) await new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      return rows.map((r, i) => {
        if (!r) throw new Error(`entry ${i} was never made`);
        return r;
      });
    },
  };
}
