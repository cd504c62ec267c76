// The entry worker of services/entry-pool.ts: report entries signed with the office's key and encoded off the main
// thread, by the same code as on it (services/report-entry.ts, loaded through tsx's ESM loader, registered here: a
// worker does not inherit the main thread's loader).
//   { id, office: { name, seed } | null, jobs: [{ signed, submittedAt, signature | null }], next, chunk }
//     → { id, first, rows } for each chunk it took, then { id, done: true }; or { id, error }
// `seed` is the office key's 32-byte seed (base64); a job without `signature` is signed with it. `next` is an
// Int32Array on shared memory: the worker and the main thread each take the next chunk of `chunk` jobs from it
// (Atomics.add), so whichever is free does the work.
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
  try {
    const office = m.office ? officeOf(m.office) : undefined;
    for (;;) {
      const first = Atomics.add(m.next, 0, 1) * m.chunk;
      if (first >= m.jobs.length) break;
      const rows = m.jobs.slice(first, first + m.chunk).map((j) => {
        const signature = j.signature ?? office;
        if (!signature) throw new Error('an office-signed job came without the office key');
        return finishReportEntry(j.signed, j.submittedAt, signature);
      });
      parentPort.postMessage({ id: m.id, first, rows });
    }
    parentPort.postMessage({ id: m.id, done: true });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e?.stack ?? e) });
  }
});
parentPort.postMessage({ ready: true });
