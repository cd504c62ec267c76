// Report signatures for `plenum verify`, checked in a worker thread (src/cli/verify.ts starts one per core). Plain
// JavaScript on node:crypto only, so the worker starts without the TypeScript loader.
//
// Each message is a batch: { id, items: [{ index, statement: Uint8Array, signature: Uint8Array, key: string }] }, key
// being the base64 of the signer's 32-byte Ed25519 public key (already checked for small order and canonical encoding
// by the main thread when the key entry was read). Answers { id, bad: [index, …] }: the items whose signature does not
// verify. One KeyObject per key for the worker's lifetime (creating it is the costly part).
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

if (parentPort && workerData?.plenumVerify) {
  parentPort.on('message', (batch) => parentPort.postMessage(checkBatch(batch)));
}
