// The worker threads of `plenum verify` (src/cli/verify.ts starts one per core). Two kinds of work:
//
// - entry bundles: { kind: 'bundle', id, bytes, first, width } → { id, check }, `check` being checkBundle's answer
//   (src/log/verify.ts: decoded, leaf-hashed, parsed, report signatures verified with the keys known). The TypeScript
//   is loaded through tsx's ESM loader, registered here (a worker does not inherit the main thread's loader), on the
//   first bundle. { kind: 'keys', keys: [[keyId, base64 public key], …] } adds keys the other threads found;
//   { kind: 'context', context } (a DigestContext: entry 0 and the roll) makes later bundles digest their reports
//   (src/log/report-digest.ts).
// - signature batches: { id, items: [{ index, statement, signature, key }] } → { id, bad: [index, …] }, `key` the
//   base64 of the signer's 32-byte Ed25519 public key (already checked for small order and canonical encoding by the
//   main thread when the key entry was read). Plain node:crypto, no loader. One KeyObject per key for the worker's life.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();

function keyOf(key) {
  let k = keys.get(key);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(key, 'base64')]), format: 'der', type: 'spki' });
    keys.set(key, k);
  }
  return k;
}

function checkBatch(batch) {
  const bad = [];
  for (const item of batch.items) {
    let ok = false;
    try {
      ok = item.signature.length === 64 && verify(null, item.statement, keyOf(item.key), item.signature);
    } catch {
      ok = false;
    }
    if (!ok) bad.push(item.index);
  }
  return { id: batch.id, bad };
}

let entryChecks;
function loadEntryChecks() {
  entryChecks ??= (async () => {
    const { register } = await import('tsx/esm/api');
    register();
    const verifyModule = await import('./verify.ts');
    const digestModule = await import('./report-digest.ts');
    return { checkBundle: verifyModule.checkBundle, ring: new verifyModule.KeyRing(), ReportDigester: digestModule.ReportDigester, digester: undefined };
  })();
  return entryChecks;
}

if (parentPort && workerData?.plenumVerify) {
  // Messages are handled in order: a bundle waits for the loader, and keys sent after it wait for it too.
  let queue = Promise.resolve();
  if (workerData.entries) void loadEntryChecks();
  parentPort.on('message', (m) => {
    if (m.kind === 'bundle' || m.kind === 'keys' || m.kind === 'context') {
      queue = queue.then(async () => {
        const checks = await loadEntryChecks();
        if (m.kind === 'keys') {
          for (const [id, key] of m.keys) checks.ring.learn(id, key);
          return;
        }
        if (m.kind === 'context') {
          checks.digester = new checks.ReportDigester(m.context);
          return;
        }
        const check = checks.checkBundle(m.bytes, m.first, m.width, checks.ring, checks.digester);
        const transfer = check.ok ? [check.leaves.buffer, check.verdicts.buffer, ...(check.rows ? [check.rows.buffer] : [])] : [];
        parentPort.postMessage({ id: m.id, check }, transfer);
      });
      queue.catch((e) => {
        throw e;
      });
    } else {
      parentPort.postMessage(checkBatch(m));
    }
  });
}
