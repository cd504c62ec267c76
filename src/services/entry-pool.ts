/**
 * Report entries made on a worker thread (entry-worker.mjs): the office's Ed25519 signature and the entry's encoding
 * are most of a logged report's CPU cost, and none of a batch's other rows needs them — a report row carries its log
 * index and key id, known before signing. The bytes are those the main thread would make alone
 * (services/report-entry.ts runs on both).
 *
 * Entries reach the worker two ways:
 * - ahead (`premake`): as a report arrives, the entry it will have if it is accepted (services/report-batch.ts
 *   `premakeEntry`), so the worker signs while the main thread is still busy with the batch before and with this
 *   batch's reads and checks — not only while the batch writes its rows, which is too short a time for a batch's
 *   signatures. The batch uses such an entry only if it is the very entry it decided; one it does not use is cancelled
 *   (the worker skips it if it has not started it).
 * - with the batch (`makeEntries`): the entries not made ahead, handed over once the batch has decided them, to be made
 *   while it writes its other rows.
 * Either way the batch, once its own writes are done, makes whatever the worker has not started yet itself — each
 * entry is claimed once, by the worker or by the main thread, on shared memory; the main thread takes them from the
 * end while the worker goes from the front — and then waits for the few the worker has in hand. So on a machine with a
 * core to spare the signing costs the main thread little, and on a busy one no more than before.
 *
 * Everything that can refuse a report (a unit's signature checked against its key) is decided on the main thread;
 * the worker only signs and encodes. The worker starts with the first batch big enough to be worth the round trip, or
 * when the server starts (`startEntryWorker`, cli/serve.ts); until it is ready, entries are made on the main thread,
 * and should it fail, they always are (one it had taken, or could not make, is made here). There is no worker on a
 * single core, or with PLENUM_ENTRY_WORKER=0.
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

/** Below this many entries a batch makes the ones it hands over itself: the round trip to the worker costs about a signature. */
const MIN_JOBS = 8;
/** The worker sends its entries back this many at a time (or at once when the main thread is waiting for one). */
const CHUNK = 4;
const WORKER_URL = new URL('./entry-worker.mjs', import.meta.url);

/** A claim on a job, in `Group.claims`: 0 nobody yet, 1 the worker (entry-worker.mjs), 2 the main thread, 3 cancelled (nobody will). */
const FREE = 0;
const MAIN = 2;
const CANCELLED = 3;
/** The worker could not make it (it threw): the main thread makes it if needed, and meets the same error. */
const GIVEN_BACK = 4;

/** Jobs handed to the worker in one message (gathered first, when they are started ahead). */
class Group {
  readonly id = ++nextId;
  readonly jobs: EntryJob[] = [];
  office: Signer | undefined;
  /** Once sent: one claim per job, then one flag — the main thread is waiting for an entry of this group. */
  claims: Int32Array | undefined;
  readonly rows: Array<EntryRow | undefined> = [];
  /** The worker has answered for every job (made, or skipped as claimed). */
  done = false;
  failure: unknown;
  private cancelled: number[] = [];
  private wake: Array<() => void> = [];

  /** Fixes the jobs and makes their claims (those cancelled meanwhile claimed by nobody). */
  seal(): Int32Array {
    const claims = new Int32Array(new SharedArrayBuffer(4 * (this.jobs.length + 1)));
    for (const i of this.cancelled) claims[i] = CANCELLED;
    this.claims = claims;
    return claims;
  }

  /** Something arrived from the worker (entries, the end, a failure): whoever waits looks again. */
  changed(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  /** Claims job `i` for the main thread and makes it, unless the worker has it; whether it is made. */
  claimHere(i: number): boolean {
    if (this.rows[i]) return true;
    if (!this.claims || Atomics.compareExchange(this.claims, i, FREE, MAIN) !== FREE) return false;
    this.rows[i] = here(this.jobs[i]!);
    return true;
  }

  /** The entry of job `i`: made here if nobody has claimed it, else the worker's (made here too if the worker failed). */
  async take(i: number): Promise<EntryRow> {
    for (;;) {
      if (this.claimHere(i)) return this.rows[i]!;
      // The worker has it (or it was cancelled, or never sent): wait for it, unless the worker is done or gone.
      if (!this.claims || this.failure !== undefined || this.done || Atomics.load(this.claims, i) === GIVEN_BACK) return (this.rows[i] = here(this.jobs[i]!));
      Atomics.store(this.claims, this.jobs.length, 1);
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  cancel(i: number): void {
    if (this.claims) Atomics.compareExchange(this.claims, i, FREE, CANCELLED);
    else this.cancelled.push(i);
  }
}

/** An entry started ahead of its batch (`premake`). */
export interface PremadeEntry {
  readonly job: EntryJob;
  /** Nobody needs it: the worker skips it if it has not started it. */
  cancel(): void;
}

class Premade implements PremadeEntry {
  constructor(
    readonly group: Group,
    readonly index: number,
  ) {}
  get job(): EntryJob {
    return this.group.jobs[this.index]!;
  }
  cancel(): void {
    this.group.cancel(this.index);
  }
}

let worker: Worker | undefined;
let ready = false;
let broken = process.env.PLENUM_ENTRY_WORKER === '0' || availableParallelism() < 2;
let nextId = 0;
/** Groups sent to the worker that it has not finished. */
const sent = new Map<number, Group>();

function start(): void {
  const w = new Worker(WORKER_URL);
  worker = w;
  w.unref();
  w.on('message', (m: { ready?: true; id?: number; made?: number[]; rows?: EntryRow[]; done?: true; error?: string }) => {
    if (m.ready) {
      ready = true;
      // A message received refs the worker again (Node 20): unref it, or an idle worker keeps the process alive.
      if (sent.size === 0) w.unref();
      return;
    }
    const g = sent.get(m.id!);
    if (!g) return;
    if (m.rows) m.rows.forEach((r, k) => (g.rows[m.made![k]!] = r));
    else {
      sent.delete(m.id!);
      if (sent.size === 0) w.unref();
      if (m.error !== undefined) g.failure = new Error(`entry worker: ${m.error}`);
      else g.done = true;
    }
    g.changed();
  });
  const fail = (e: unknown) => {
    broken = true;
    ready = false;
    worker = undefined;
    for (const g of sent.values()) {
      g.failure = e ?? new Error('entry worker failed');
      g.changed();
    }
    sent.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`entry worker exited (${code})`)));
}

/** Starts the worker (if there is to be one); whether it is ready, once it is, once it cannot be, or after `timeoutMs`. */
export async function startEntryWorker(timeoutMs = 30_000): Promise<boolean> {
  for (const t0 = Date.now(); !workerReady() && !broken && Date.now() - t0 < timeoutMs; ) await new Promise((r) => setTimeout(r, 5));
  return ready && !broken;
}

/** Whether the worker takes entries now; starts it on first use. */
function workerReady(): boolean {
  if (broken) return false;
  if (!worker) start();
  return ready;
}

const here = (job: EntryJob) => finishReportEntry(job.signed, job.submittedAt, job.signature);

/** The office signer of `job`, if it signs with one (undefined: it carries the unit's signature). */
const officeOf = (job: EntryJob): Signer | undefined => (typeof job.signature === 'string' ? undefined : job.signature);

/** Sends a group to the worker (or, if it went away meanwhile, leaves its jobs to the main thread). */
function send(g: Group): void {
  const claims = g.seal();
  const w = worker;
  if (!w || broken) {
    g.failure = new Error('entry worker unavailable');
    return;
  }
  sent.set(g.id, g);
  w.ref();
  w.postMessage({
    id: g.id,
    office: g.office ? { name: g.office.name, seed: seedOf(g.office) } : null,
    jobs: g.jobs.map((j) => ({ signed: j.signed, submittedAt: j.submittedAt, signature: typeof j.signature === 'string' ? j.signature : null })),
    claims,
    chunk: CHUNK,
  });
}

/** Jobs given to `premake` not sent yet: sent together on the next turn of the event loop, or by `sendPremade`. */
let gathering: Group | undefined;

/** Sends the entries started ahead that are still gathering; a batch calls it before it reads. */
export function sendPremade(): void {
  const g = gathering;
  gathering = undefined;
  if (g) send(g);
}

/**
 * Starts making `job` on the worker ahead of its batch; undefined if the worker is not there (yet), or the office key
 * cannot be handed to it. Jobs started in the same turn of the event loop go to the worker in one message.
 */
export function premake(job: EntryJob): PremadeEntry | undefined {
  // Only once a batch has started the worker (`makeEntries`): a lone report here and there does not need it.
  if (broken || !ready || !worker) return undefined;
  const office = officeOf(job);
  if (office && seedOf(office) === undefined) return undefined;
  // One office key per group: a job signed with another (another store in this process) starts a new group.
  if (gathering && office && gathering.office && gathering.office !== office) sendPremade();
  if (!gathering) {
    gathering = new Group();
    setImmediate(sendPremade);
  }
  const g = gathering;
  if (office) g.office = office;
  return new Premade(g, g.jobs.push(job) - 1);
}

/** One entry of a batch: its job, and the same job started ahead if it was (services/report-batch.ts checks it is the same). */
export interface BatchEntry {
  job: EntryJob;
  premade?: PremadeEntry | undefined;
}

/**
 * Starts making the entries of a batch (in order): those started ahead are left to the worker; the others are handed
 * to it now if it is ready and they are enough, else made here when `finish` is called.
 */
export function makeEntries(entries: readonly BatchEntry[]): Entries {
  sendPremade();
  const slots: Array<{ group: Group; index: number } | EntryJob> = entries.map((e) =>
    e.premade instanceof Premade ? { group: e.premade.group, index: e.premade.index } : e.job,
  );
  const fresh = slots.flatMap((s, k) => ('signed' in s ? [k] : []));
  const office = fresh.map((k) => officeOf(entries[k]!.job)).find((o) => o !== undefined);
  const oneOffice = fresh.every((k) => {
    const o = officeOf(entries[k]!.job);
    return o === undefined || o === office;
  });
  if (fresh.length >= MIN_JOBS && oneOffice && (!office || seedOf(office) !== undefined) && workerReady()) {
    const group = new Group();
    for (const k of fresh) group.jobs.push(entries[k]!.job);
    group.office = office;
    send(group);
    fresh.forEach((k, index) => (slots[k] = { group, index }));
  }
  return {
    async finish() {
      const rows: Array<EntryRow | undefined> = new Array(slots.length);
      // Whatever the worker has not taken yet is made here, from the end (the worker goes from the front).
      for (let k = slots.length - 1; k >= 0; k--) {
        const s = slots[k]!;
        if ('signed' in s) rows[k] = here(s);
        else if (s.group.claimHere(s.index)) rows[k] = s.group.rows[s.index];
      }
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k]!;
        if (!rows[k] && !('signed' in s)) rows[k] = await s.group.take(s.index);
      }
      return rows as EntryRow[];
    },
  };
}
