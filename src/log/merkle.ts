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
 * Verification follows transparency-dev/merkle (the source of the test vectors), with the edges pinned: indexes and
 * sizes are unsigned 64-bit (taken as bigint, so a 2^64 − 1 index is refused rather than rounded), a consistency proof
 * from size 0 is refused, and from m to m only the empty proof is valid.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** The root of the leaves [start, end) of a tree, 0 ≤ start < end. */
export type SubtreeHashes = (start: number, end: number) => Hash;

/** A proof that does not verify, with the reason (for messages that name what is wrong). */
export class ProofError extends Error {
  override name = 'ProofError';
}

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const leafHash = (entry: Uint8Array): Hash => sha256(LEAF_PREFIX, entry);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE_PREFIX, left, right);
export const emptyRoot = (): Hash => sha256();

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

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

// ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ----

const MAX_U64 = (1n << 64n) - 1n;

function u64(value: number | bigint, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new ProofError(`${what} ${value} is not an exact integer`);
  const v = BigInt(value);
  if (v < 0n || v > MAX_U64) throw new ProofError(`${what} ${v} is not an unsigned 64-bit integer`);
  return v;
}

const bitLength = (v: bigint): number => v.toString(2).length - (v === 0n ? 1 : 0);
const popCount = (v: bigint): number => [...v.toString(2)].filter((c) => c === '1').length;
function trailingZeros(v: bigint): number {
  let n = 0;
  while (v > 0n && (v & 1n) === 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** How many proof hashes sit below the split of `index` from the right border (inner), and on the border. */
function decompose(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  const border = popCount(index >> BigInt(inner));
  return { inner, border };
}

function checkHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new ProofError(`proof hash ${i} has ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

/** Hash up the inner part of the path: the sibling is on the left where the index bit is 1. */
function chainInner(seed: Hash, proof: readonly Hash[], index: bigint): Hash {
  let h = seed;
  proof.forEach((sibling, i) => {
    h = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(h, sibling) : nodeHash(sibling, h);
  });
  return h;
}

/** As chainInner, but only the hashes where the node is a right child (used for the old root). */
function chainInnerRight(seed: Hash, proof: readonly Hash[], index: bigint): Hash {
  let h = seed;
  proof.forEach((sibling, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) h = nodeHash(sibling, h);
  });
  return h;
}

/** The border: every sibling is on the left. */
const chainBorderRight = (seed: Hash, proof: readonly Hash[]): Hash => proof.reduce((h, sibling) => nodeHash(sibling, h), seed);

/** The root an inclusion proof leads to; throws ProofError if the proof cannot be right for that index and size. */
export function rootFromInclusionProof(
  index: number | bigint,
  size: number | bigint,
  leaf: Hash,
  proof: readonly Hash[],
): Hash {
  const i = u64(index, 'index');
  const n = u64(size, 'tree size');
  if (i >= n) throw new ProofError(`index ${i} is beyond the tree size ${n}`);
  if (leaf.length !== HASH_SIZE) throw new ProofError(`the leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  const { inner, border } = decompose(i, n);
  if (proof.length !== inner + border) {
    throw new ProofError(`the inclusion proof has ${proof.length} hashes; leaf ${i} of ${n} needs ${inner + border}`);
  }
  checkHashes(proof);
  return chainBorderRight(chainInner(leaf, proof.slice(0, inner), i), proof.slice(inner));
}

/** Throws ProofError unless `proof` shows that `leaf` is the leaf hash at `index` in the tree of `size` with `root`. */
export function verifyInclusion(
  index: number | bigint,
  size: number | bigint,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): void {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!equalHashes(computed, root)) throw new ProofError(`the inclusion proof leads to another root than the one given`);
}

/**
 * Throws ProofError unless `proof` shows that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize`
 * with `newRoot`.
 */
export function verifyConsistency(
  oldSize: number | bigint,
  newSize: number | bigint,
  proof: readonly Hash[],
  oldRoot: Hash,
  newRoot: Hash,
): void {
  const m = u64(oldSize, 'old size');
  const n = u64(newSize, 'new size');
  if (n < m) throw new ProofError(`the new size ${n} is smaller than the old size ${m}`);
  if (m === 0n) throw new ProofError('a consistency proof from the empty tree proves nothing');
  if (m === n) {
    if (proof.length > 0) throw new ProofError(`the sizes are equal (${m}) but the proof is not empty`);
    if (!equalHashes(oldRoot, newRoot)) throw new ProofError(`the sizes are equal (${m}) but the roots differ`);
    return;
  }
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  checkHashes(proof);

  const decomposed = decompose(m - 1n, n);
  const shift = trailingZeros(m);
  const inner = decomposed.inner - shift; // shift < inner, since m < n
  // The proof starts with the root of the subtree of size 2^shift, unless the old tree is that very subtree.
  const oldIsSubtree = m === 1n << BigInt(shift);
  const seed = oldIsSubtree ? oldRoot : proof[0]!;
  const rest = oldIsSubtree ? proof : proof.slice(1);
  if (rest.length !== inner + decomposed.border) {
    throw new ProofError(
      `the consistency proof has ${proof.length} hashes; from ${m} to ${n} needs ${(oldIsSubtree ? 0 : 1) + inner + decomposed.border}`,
    );
  }
  const mask = (m - 1n) >> BigInt(shift);
  const innerPath = rest.slice(0, inner);
  const borderPath = rest.slice(inner);
  if (!equalHashes(chainBorderRight(chainInnerRight(seed, innerPath, mask), borderPath), oldRoot)) {
    throw new ProofError(`the consistency proof does not lead to the old root`);
  }
  if (!equalHashes(chainBorderRight(chainInner(seed, innerPath, mask), borderPath), newRoot)) {
    throw new ProofError(`the consistency proof does not lead to the new root`);
  }
}

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
