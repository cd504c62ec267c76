// The entry worker of services/entry-pool.ts: report entries signed with the office's key and encoded off the main
// thread, by the same code as on it (services/report-entry.ts, loaded through tsx's ESM loader, registered here: a
// worker does not inherit the main thread's loader).
//   { id, office: { name, seed } | null, jobs: [{ signed, submittedAt, signature | null }], claims, chunk }
//     → { id, made: [job index, …], rows: [entry row, …] } every `chunk` entries made, then { id, done: true };
//       or { id, error }
// `seed` is the office key's 32-byte seed (base64); a job without `signature` is signed with it. `claims` is an
// Int32Array on shared memory, one claim per job and then a flag: the worker makes job i only if it moves claims[i]
// from 0 (nobody) to 1 (the worker) — the main thread claims jobs (2) and cancels them (3) the same way, so each entry
// is made once, by whoever gets to it first. A job the worker cannot make it gives back as 4 (the main thread makes it,
// and meets the error, if it needs it). The flag set means the main thread is waiting: what is made is sent at once.
import { parentPort } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
const { finishReportEntry } = await import('./report-entry.ts');
const { signerFromSeed } = await import('../log/note.ts');

const signers = new Map();
function officeOf(office) {
  const key = `${office.name}\u0000${office.seed}`;
  let s = signers.get(key);
  if (!s) signers.set(key, (s = signerFromSeed(office.name, new Uint8Array(Buffer.from(office.seed, 'base64')))));
  return s;
}

parentPort.on('message', (m) => {
  let made = [];
  let rows = [];
  const flush = (always = false) => {
    if (made.length || always) parentPort.postMessage({ id: m.id, made, rows });
    made = [];
    rows = [];
  };
  try {
    const office = m.office ? officeOf(m.office) : undefined;
    const waiting = m.jobs.length;
    for (let i = 0; i < m.jobs.length; i++) {
      if (Atomics.compareExchange(m.claims, i, 0, 1) !== 0) continue;
      const j = m.jobs[i];
      const signature = j.signature ?? office;
      if (!signature) throw new Error('an office-signed job came without the office key');
      let row;
      try {
        row = finishReportEntry(j.signed, j.submittedAt, signature);
      } catch {
        // Left to the main thread, which meets the same error if it needs this entry (a report that is refused
        // anyway, most likely: entries are made ahead of the checks). The others go on.
        Atomics.store(m.claims, i, 4);
        if (Atomics.load(m.claims, waiting) !== 0) flush(true);
        continue;
      }
      rows.push(row);
      made.push(i);
      if (made.length >= m.chunk || Atomics.load(m.claims, waiting) !== 0) flush();
    }
    flush();
    parentPort.postMessage({ id: m.id, done: true });
  } catch (e) {
    flush();
    parentPort.postMessage({ id: m.id, error: String(e?.stack ?? e) });
  }
});
// Warmed up before it says it is ready: otherwise the first batches' entries would run unoptimized, slower than the
// main thread that waits for them. A throwaway key; nothing of it leaves the worker.
{
  const key = signerFromSeed('warm-up', new Uint8Array(32).fill(7));
  const signed = {
    type: 'report',
    v: 1,
    discussionId: 'warm-up',
    unitId: 'u1',
    version: 1,
    supersedes: null,
    meetingDate: '2024-01-05',
    present: 10,
    votes: { q1: { positions: { a: 5, b: 4 }, abstain: 1 } },
    resolutionSha256: '0'.repeat(64),
    keyId: 'ed25519-0000000000000000',
    enteredBy: 'office',
  };
  for (let i = 0; i < 300; i++) finishReportEntry({ ...signed, present: 10 + (i % 5) }, '2024-01-05T00:00:00.000Z', key);
}
parentPort.postMessage({ ready: true });
