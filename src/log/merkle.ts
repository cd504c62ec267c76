/**
 * The Merkle tree of the public record: RFC 6962 §2.1 hashing, with the proof algorithms of RFC 9162 §2.1.3
 * (inclusion) and §2.1.4 (consistency). Pure functions over leaf hashes — no storage.
 *
 *   leaf hash  SHA-256(0x00 || entry)
 *   node hash  SHA-256(0x01 || left || right)
 *   MTH({})    SHA-256("")
 *   a tree of n > 1 leaves splits at k, the largest power of two strictly below n.
 *
 * Proof generation reads the tree through a `SubtreeHashes` getter — the root of the leaves [start, end) — so it works
 * over an in-memory array (`fromLeafHashes`) or over stored tiles alike.
 *
 * Verification is merkle-verify.ts's (shared with the browser, web/src/record/checkpoint.ts), run here with a synchronous
 * node:crypto hash: transparency-dev/merkle's algorithm, with indexes and sizes unsigned 64-bit, a consistency proof from
 * size 0 refused, and from m to m only the empty proof valid.
 */
import { createHash, hash } from 'node:crypto';
import * as shared from './merkle-verify.ts';
import { ProofError, type Hash } from './merkle-verify.ts';
import { runSync } from './steps.ts';

export { equalHashes, HASH_SIZE, ProofError, type Hash } from './merkle-verify.ts';

/** The root of the leaves [start, end) of a tree, 0 ≤ start < end. */
export type SubtreeHashes = (start: number, end: number) => Hash;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const leafHash = (entry: Uint8Array): Hash => sha256(LEAF_PREFIX, entry);
/** One scratch buffer for `leafHashInto`: the 0x00 prefix then the entry, hashed in one call. */
let leafScratch = Buffer.alloc(1024);
/**
 * SHA-256 of `data` written into `out` at `offset`. The digest comes back as a 'binary' (latin1) string, one byte a character,
 * and is written in place: half the cost of the fresh Buffer a 'buffer' digest allocates, on the verifier's hot path.
 */
function sha256Into(data: Uint8Array, out: Buffer, offset: number): void {
  out.write(hash('sha256', data, 'binary'), offset, 32, 'latin1');
}
/** `leafHash(entry)` written into `out` at `offset`, without the intermediate objects (the verifier's hot path). */
export function leafHashInto(entry: Uint8Array, out: Buffer, offset: number): void {
  if (leafScratch.length < entry.length + 1) leafScratch = Buffer.alloc(entry.length + 1);
  leafScratch[0] = 0x00;
  leafScratch.set(entry, 1);
  sha256Into(leafScratch.subarray(0, entry.length + 1), out, offset);
}
const nodeScratch = Buffer.alloc(1 + 2 * 32);
/** `nodeHash(left, right)` of the two hashes side by side at `pair[from…from + 64)`, written into `out` at `offset`. */
export function nodeHashInto(pair: Buffer, from: number, out: Buffer, offset: number): void {
  nodeScratch[0] = 0x01;
  pair.copy(nodeScratch, 1, from, from + 64);
  sha256Into(nodeScratch, out, offset);
}
export const nodeHash = (left: Hash, right: Hash): Hash => {
  if (left.length !== 32 || right.length !== 32) return sha256(NODE_PREFIX, left, right);
  // One call on one buffer: the verifier hashes a node per entry.
  nodeScratch[0] = 0x01;
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 33);
  return new Uint8Array(hash('sha256', nodeScratch, 'buffer'));
};
export const emptyRoot = (): Hash => sha256();
const nodeHashOf = ([left, right]: readonly [Hash, Hash]): Hash => nodeHash(left, right);

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over an array of leaf hashes. */
export function subtreeRoot(leaves: readonly Hash[], start: number, end: number): Hash {
  checkRange(start, end, leaves.length);
  if (end === start) return emptyRoot();
  return mth(leaves, start, end);
}

function mth(leaves: readonly Hash[], start: number, end: number): Hash {
  if (end - start === 1) return leaves[start]!;
  const k = splitPoint(end - start);
  return nodeHash(mth(leaves, start, start + k), mth(leaves, start + k, end));
}

/** MTH of the whole array of leaf hashes (the empty tree's hash for no leaves). */
export const merkleRoot = (leaves: readonly Hash[]): Hash => subtreeRoot(leaves, 0, leaves.length);

/** A `SubtreeHashes` getter over an in-memory array of leaf hashes. */
export const fromLeafHashes =
  (leaves: readonly Hash[]): SubtreeHashes =>
  (start, end) =>
    subtreeRoot(leaves, start, end);

function checkRange(start: number, end: number, size: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > size) {
    throw new RangeError(`bad leaf range [${start}, ${end}) of a tree of ${size}`);
  }
}

const getter = (tree: readonly Hash[] | SubtreeHashes): SubtreeHashes =>
  typeof tree === 'function' ? tree : fromLeafHashes(tree);

/**
 * The audit path of leaf `index` in the tree of the first `size` leaves: PATH(m, D[n]) of RFC 6962 §2.1.1 — the
 * sibling hashes from the leaf up to the root.
 */
export function inclusionProof(index: number, size: number, tree: readonly Hash[] | SubtreeHashes): Hash[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  if (Array.isArray(tree) && size > tree.length) throw new RangeError(`a tree of ${size} but ${tree.length} leaves`);
  const hashOf = getter(tree);
  const path: Hash[] = [];
  // Walk down from the root; the siblings come out root-first, so reverse at the end.
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(hashOf(start + k, end));
      end = start + k;
    } else {
      path.push(hashOf(start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/**
 * The consistency proof between the tree of the first `oldSize` leaves and that of the first `newSize`: PROOF(m, D[n])
 * of RFC 6962 §2.1.2. Empty when the sizes are equal; a proof from the empty tree is refused (it proves nothing).
 */
export function consistencyProof(oldSize: number, newSize: number, tree: readonly Hash[] | SubtreeHashes): Hash[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  if (Array.isArray(tree) && newSize > tree.length) throw new RangeError(`a tree of ${newSize} but ${tree.length} leaves`);
  const hashOf = getter(tree);
  const proof: Hash[] = [];
  // SUBPROOF(m, D[start:end], b), iteratively; the hashes come out root-first.
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let whole = true; // b: is D[start:start+m] the whole old tree (whose root the verifier already has)?
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(hashOf(start + k, end));
      end = start + k;
    } else {
      proof.push(hashOf(start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(hashOf(start, end));
  return proof.reverse();
}

// ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2): the algorithms of merkle-verify.ts, run with node:crypto ----

/** The root an inclusion proof leads to; throws ProofError if the proof cannot be right for that index and size. */
export const rootFromInclusionProof = (...args: Parameters<typeof shared.rootFromInclusionProof>): Hash =>
  runSync(shared.rootFromInclusionProof(...args), nodeHashOf);

/** Throws ProofError unless `proof` shows that `leaf` is the leaf hash at `index` in the tree of `size` with `root`. */
export const verifyInclusion = (...args: Parameters<typeof shared.verifyInclusion>): void => runSync(shared.verifyInclusion(...args), nodeHashOf);

/**
 * Throws ProofError unless `proof` shows that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize`
 * with `newRoot`.
 */
export const verifyConsistency = (...args: Parameters<typeof shared.verifyConsistency>): void =>
  runSync(shared.verifyConsistency(...args), nodeHashOf);

/** Boolean forms, for callers that only need yes or no. */
export function inclusionHolds(...args: Parameters<typeof verifyInclusion>): boolean {
  try {
    verifyInclusion(...args);
    return true;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

export function consistencyHolds(...args: Parameters<typeof verifyConsistency>): boolean {
  try {
    verifyConsistency(...args);
    return true;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}
