/**
 * Verifying Merkle proofs (RFC 9162 §2.1.3.2 inclusion, §2.1.4.2 consistency) without a hash function of its own, so
 * that the server (src/log/merkle.ts, node:crypto, synchronous) and the browser (web/src/record/checkpoint.ts,
 * WebCrypto, asynchronous) run the one algorithm. Each algorithm is a generator that yields the node hashes it needs —
 * `[left, right]`, answered with SHA-256(0x01 || left || right) — and returns its result; steps.ts's `runSync` and
 * `runAsync` answer with a synchronous or an asynchronous hash. No Node import.
 *
 * Verification follows transparency-dev/merkle (the source of the test vectors), with the edges pinned: indexes and
 * sizes are unsigned 64-bit (taken as bigint, so a 2^64 − 1 index is refused rather than rounded), a consistency proof
 * from size 0 is refused, and from m to m only the empty proof is valid.
 */

import type { Steps } from './steps.ts';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** A proof that does not verify, with the reason (for messages that name what is wrong). */
export class ProofError extends Error {
  override name = 'ProofError';
}

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A computation that asks for node hashes: it yields `[left, right]` and is sent back their node hash (steps.ts). */
export type NodeHashing<T> = Steps<readonly [left: Hash, right: Hash], Hash, T>;

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
function* chainInner(seed: Hash, proof: readonly Hash[], index: bigint): NodeHashing<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) h = ((index >> BigInt(i)) & 1n) === 0n ? yield [h, proof[i]!] : yield [proof[i]!, h];
  return h;
}

/** As chainInner, but only the hashes where the node is a right child (used for the old root). */
function* chainInnerRight(seed: Hash, proof: readonly Hash[], index: bigint): NodeHashing<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) if (((index >> BigInt(i)) & 1n) === 1n) h = yield [proof[i]!, h];
  return h;
}

/** The border: every sibling is on the left. */
function* chainBorderRight(seed: Hash, proof: readonly Hash[]): NodeHashing<Hash> {
  let h = seed;
  for (const sibling of proof) h = yield [sibling, h];
  return h;
}

/** The root an inclusion proof leads to; throws ProofError if the proof cannot be right for that index and size. */
export function* rootFromInclusionProof(index: number | bigint, size: number | bigint, leaf: Hash, proof: readonly Hash[]): NodeHashing<Hash> {
  const i = u64(index, 'index');
  const n = u64(size, 'tree size');
  if (i >= n) throw new ProofError(`index ${i} is beyond the tree size ${n}`);
  if (leaf.length !== HASH_SIZE) throw new ProofError(`the leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  const { inner, border } = decompose(i, n);
  if (proof.length !== inner + border) {
    throw new ProofError(`the inclusion proof has ${proof.length} hashes; leaf ${i} of ${n} needs ${inner + border}`);
  }
  checkHashes(proof);
  return yield* chainBorderRight(yield* chainInner(leaf, proof.slice(0, inner), i), proof.slice(inner));
}

/** Throws ProofError unless `proof` shows that `leaf` is the leaf hash at `index` in the tree of `size` with `root`. */
export function* verifyInclusion(index: number | bigint, size: number | bigint, leaf: Hash, proof: readonly Hash[], root: Hash): NodeHashing<void> {
  const computed = yield* rootFromInclusionProof(index, size, leaf, proof);
  if (!equalHashes(computed, root)) throw new ProofError('the inclusion proof leads to another root than the one given');
}

/**
 * Throws ProofError unless `proof` shows that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize`
 * with `newRoot`.
 */
export function* verifyConsistency(oldSize: number | bigint, newSize: number | bigint, proof: readonly Hash[], oldRoot: Hash, newRoot: Hash): NodeHashing<void> {
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
  if (!equalHashes(yield* chainBorderRight(yield* chainInnerRight(seed, innerPath, mask), borderPath), oldRoot)) {
    throw new ProofError('the consistency proof does not lead to the old root');
  }
  if (!equalHashes(yield* chainBorderRight(yield* chainInner(seed, innerPath, mask), borderPath), newRoot)) {
    throw new ProofError('the consistency proof does not lead to the new root');
  }
}
