/**
 * The Merkle tree of the public record (RFC 6962 / 9162): every vector of transparency-dev/merkle in
 * ../shared/vectors/rfc6962 (inclusion and consistency, with their wantErr), known roots, and properties: a proof verifies
 * iff the entry is in the tree; consistency holds between any prefix and fails once an earlier leaf changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyHolds,
  consistencyProof,
  emptyRoot,
  fromLeafHashes,
  inclusionHolds,
  inclusionProof,
  leafHash,
  leafHashInto,
  merkleRoot,
  nodeHash,
  ProofError,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/log/merkle.ts';

import { b64, consistencyFiles, hashes, haveVectors, inclusionFiles, int, load, vectorName } from '../support/rfc6962-vectors.ts';

describe.skipIf(!haveVectors)('RFC 6962 vectors (transparency-dev/merkle)', () => {
  it('are all there', () => {
    expect(inclusionFiles.length).toBeGreaterThanOrEqual(90);
    expect(consistencyFiles.length).toBeGreaterThanOrEqual(90);
  });

  it.each(inclusionFiles.map((f) => [vectorName(f), f]))('inclusion %s', (_name, file) => {
    const v = load(file);
    expect(typeof v.wantErr).toBe('boolean');
    const run = () => verifyInclusion(int(v.leafIdx), int(v.treeSize), b64(v.leafHash), hashes(v.proof), b64(v.root));
    if (v.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });

  it.each(consistencyFiles.map((f) => [vectorName(f), f]))('consistency %s', (_name, file) => {
    const v = load(file);
    expect(typeof v.wantErr).toBe('boolean');
    const run = () => verifyConsistency(int(v.size1), int(v.size2), hashes(v.proof), b64(v.root1), b64(v.root2));
    if (v.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });
});

// ---- known roots: the eight leaves of transparency-dev/merkle's (and certificate-transparency's) tests ----
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const KNOWN_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const KNOWN_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('tree hashing', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(toHex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot([])).toEqual(emptyRoot());
  });

  it('gives the known roots of the first 1..8 test leaves', () => {
    const leaves = KNOWN_LEAVES.map(leafHash);
    KNOWN_ROOTS.forEach((root, i) => expect(toHex(merkleRoot(leaves.slice(0, i + 1))), `size ${i + 1}`).toBe(root));
  });

  it('writes the same leaf hash in place (leafHashInto, the verifier\'s path), for entries of any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 3 }), (entry, slot) => {
        const out = Buffer.alloc(4 * 32, 0xaa);
        leafHashInto(entry, out, slot * 32);
        expect(new Uint8Array(out.subarray(slot * 32, slot * 32 + 32))).toEqual(leafHash(entry));
        expect(out.filter((b, i) => (i < slot * 32 || i >= slot * 32 + 32) && b !== 0xaa)).toHaveLength(0);
      }),
    );
  });

  it('splits at the largest power of two strictly below n', () => {
    expect([2, 3, 4, 5, 8, 9, 16, 17].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 8, 16]);
  });

  it('separates leaves from nodes (0x00 / 0x01 prefixes)', () => {
    const [a, b] = [leafHash(hex('01')), leafHash(hex('02'))];
    expect(leafHash(new Uint8Array([...a, ...b]))).not.toEqual(nodeHash(a, b));
  });
});

// ---- an independent reference: RFC 6962 §2.1 written out recursively, word for word ----
function refMth(d: Hash[]): Hash {
  if (d.length === 0) return emptyRoot();
  if (d.length === 1) return d[0]!;
  const k = splitPoint(d.length);
  return nodeHash(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: Hash[]): Hash[] {
  if (d.length === 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))] : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
function refSubproof(m: number, d: Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

const leavesArb = (min: number, max: number) =>
  // Distinct entries (each carries its position): with two equal leaves, a proof for one can honestly verify at the
  // other's index, which is not what "a wrong index fails" means.
  fc
    .array(fc.uint8Array({ minLength: 0, maxLength: 12 }), { minLength: min, maxLength: max })
    .map((es) => es.map((e, k) => leafHash(Uint8Array.from([...e, k & 255, k >> 8]))));
const flipBit = (h: Hash, bit: number): Hash => {
  const out = Uint8Array.from(h);
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
};

/** A tree with one of its leaves and an index into it. */
const treeAndIndex = leavesArb(1, 70).chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat(leaves.length - 1)));

describe('inclusion proofs', () => {
  it('match RFC 6962 PATH, and root equals MTH', () => {
    fc.assert(
      fc.property(treeAndIndex, ([leaves, i]) => {
        expect(merkleRoot(leaves)).toEqual(refMth(leaves));
        expect(inclusionProof(i, leaves.length, leaves)).toEqual(refPath(i, leaves));
        // The same through a getter, and for a prefix of the array.
        expect(inclusionProof(i, leaves.length, fromLeafHashes(leaves))).toEqual(refPath(i, leaves));
      }),
    );
  });

  it('verify for every entry of the tree', () => {
    fc.assert(
      fc.property(treeAndIndex, ([leaves, i]) => {
        const n = leaves.length;
        const proof = inclusionProof(i, n, leaves);
        expect(() => verifyInclusion(i, n, leaves[i]!, proof, merkleRoot(leaves))).not.toThrow();
        expect(inclusionHolds(BigInt(i), BigInt(n), leaves[i]!, proof, merkleRoot(leaves))).toBe(true);
      }),
    );
  });

  it('fail for a leaf that is not there (tampered leaf)', () => {
    fc.assert(
      fc.property(treeAndIndex, fc.nat(255), ([leaves, i], bit) => {
        const n = leaves.length;
        expect(inclusionHolds(i, n, flipBit(leaves[i]!, bit), inclusionProof(i, n, leaves), merkleRoot(leaves))).toBe(false);
      }),
    );
  });

  it('fail at a wrong index', () => {
    fc.assert(
      fc.property(treeAndIndex, fc.nat(200), ([leaves, i], j) => {
        fc.pre(j !== i);
        const n = leaves.length;
        expect(inclusionHolds(j, n, leaves[i]!, inclusionProof(i, n, leaves), merkleRoot(leaves))).toBe(false);
      }),
    );
  });

  it('fail against the root of a tree of another size', () => {
    fc.assert(
      fc.property(leavesArb(2, 70), fc.nat(), fc.nat(), (leaves, a, b) => {
        const n = 1 + (a % leaves.length);
        const other = 1 + (b % leaves.length);
        fc.pre(other !== n);
        const i = a % Math.min(n, other);
        const proof = inclusionProof(i, n, leaves);
        expect(inclusionHolds(i, other, leaves[i]!, proof, merkleRoot(leaves.slice(0, other)))).toBe(false);
        expect(inclusionHolds(i, n, leaves[i]!, proof, merkleRoot(leaves.slice(0, other)))).toBe(false);
      }),
    );
  });

  it('fail with a wrong size whenever the path has another shape (the size itself is bound by the signed checkpoint)', () => {
    // RFC 9162 verification does not bind the size alone: leaf 0 of 5 and leaf 0 of 6 have the same path shape, so
    // the size a proof is checked at must come from the signed checkpoint with the root. Where the shape differs, the
    // proof fails.
    const shape = (i: number, n: number) => {
      const inner = (i ^ (n - 1)).toString(2).replace(/^0+/, '').length;
      return `${inner}/${[...(i >> inner).toString(2)].filter((c) => c === '1').length}`;
    };
    let checked = 0;
    fc.assert(
      fc.property(treeAndIndex, fc.integer({ min: 1, max: 200 }), ([leaves, i], other) => {
        const n = leaves.length;
        fc.pre(other !== n && i < other && shape(i, other) !== shape(i, n));
        checked++;
        expect(inclusionHolds(i, other, leaves[i]!, inclusionProof(i, n, leaves), merkleRoot(leaves))).toBe(false);
      }),
    );
    expect(checked).toBeGreaterThan(0);
    // The documented edge: same shape, same root.
    const leaves = KNOWN_LEAVES.map(leafHash).slice(0, 5);
    expect(inclusionHolds(0, 6, leaves[0]!, inclusionProof(0, 5, leaves), merkleRoot(leaves))).toBe(true);
  });

  it('fail against a wrong root', () => {
    fc.assert(
      fc.property(treeAndIndex, fc.uint8Array({ minLength: 32, maxLength: 32 }), ([leaves, i], root) => {
        const n = leaves.length;
        expect(inclusionHolds(i, n, leaves[i]!, inclusionProof(i, n, leaves), root)).toBe(false);
      }),
    );
  });

  it('fail when a proof hash is altered, removed or added', () => {
    fc.assert(
      fc.property(treeAndIndex, fc.nat(), fc.nat(255), fc.uint8Array({ minLength: 32, maxLength: 32 }), ([leaves, i], at, bit, extra) => {
        const n = leaves.length;
        const root = merkleRoot(leaves);
        const proof = inclusionProof(i, n, leaves);
        if (proof.length > 0) {
          const k = at % proof.length;
          expect(inclusionHolds(i, n, leaves[i]!, proof.map((h, j) => (j === k ? flipBit(h, bit) : h)), root)).toBe(false);
          expect(inclusionHolds(i, n, leaves[i]!, proof.slice(0, -1), root)).toBe(false);
          expect(inclusionHolds(i, n, leaves[i]!, proof.slice(1), root)).toBe(false);
        }
        expect(inclusionHolds(i, n, leaves[i]!, [...proof, extra], root)).toBe(false);
        expect(inclusionHolds(i, n, leaves[i]!, [extra, ...proof], root)).toBe(false);
      }),
    );
  });

  it('refuses to build a proof for an index outside the tree', () => {
    const leaves = KNOWN_LEAVES.map(leafHash);
    expect(() => inclusionProof(8, 8, leaves)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 8, leaves)).toThrow(RangeError);
    expect(() => inclusionProof(0, 9, leaves)).toThrow(RangeError);
  });

  it('refuses indexes and sizes that are not exact unsigned 64-bit integers', () => {
    const leaf = leafHash(hex('00'));
    expect(() => verifyInclusion(0.5, 1, leaf, [], leaf)).toThrow(ProofError);
    expect(() => verifyInclusion(-1, 1, leaf, [], leaf)).toThrow(ProofError);
    expect(() => verifyInclusion(0, 1n << 64n, leaf, [], leaf)).toThrow(ProofError);
    expect(() => verifyInclusion(2 ** 60, 2 ** 60 + 1, leaf, [], leaf)).toThrow(ProofError);
  });
});

/** A tree and 1 ≤ m ≤ n ≤ its size. */
const treeAndSizes = leavesArb(1, 70).chain((leaves) =>
  fc
    .tuple(fc.integer({ min: 1, max: leaves.length }), fc.integer({ min: 1, max: leaves.length }))
    .map(([a, b]) => [leaves, Math.min(a, b), Math.max(a, b)] as const),
);

describe('consistency proofs', () => {
  it('match RFC 6962 PROOF, and verify between any 1 ≤ m ≤ n', () => {
    fc.assert(
      fc.property(treeAndSizes, ([leaves, m, n]) => {
        const proof = consistencyProof(m, n, leaves);
        expect(proof).toEqual(refSubproof(m, leaves.slice(0, n), true));
        expect(consistencyProof(m, n, fromLeafHashes(leaves))).toEqual(proof);
        expect(() => verifyConsistency(m, n, proof, merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n)))).not.toThrow();
      }),
    );
  });

  it('fail once an earlier leaf of the new tree was changed', () => {
    fc.assert(
      fc.property(treeAndSizes, fc.nat(), fc.nat(255), ([leaves, m, n], at, bit) => {
        fc.pre(m < n);
        const j = at % m;
        const rewritten = leaves.map((h, k) => (k === j ? flipBit(h, bit) : h));
        const oldRoot = merkleRoot(leaves.slice(0, m));
        const newRoot = merkleRoot(rewritten.slice(0, n));
        // Neither the rewritten log's own proof nor the honest one links the old root to the rewritten tree.
        expect(consistencyHolds(m, n, consistencyProof(m, n, rewritten), oldRoot, newRoot)).toBe(false);
        expect(consistencyHolds(m, n, consistencyProof(m, n, leaves), oldRoot, newRoot)).toBe(false);
      }),
    );
  });

  it('fail when a proof hash is altered, removed or added, or a root is wrong', () => {
    fc.assert(
      fc.property(treeAndSizes, fc.nat(), fc.nat(255), fc.uint8Array({ minLength: 32, maxLength: 32 }), ([leaves, m, n], at, bit, extra) => {
        fc.pre(m < n);
        const [r1, r2] = [merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n))];
        const proof = consistencyProof(m, n, leaves);
        const k = at % proof.length;
        expect(consistencyHolds(m, n, proof.map((h, i) => (i === k ? flipBit(h, bit) : h)), r1, r2)).toBe(false);
        expect(consistencyHolds(m, n, proof.slice(0, -1), r1, r2)).toBe(false);
        expect(consistencyHolds(m, n, proof.slice(1), r1, r2)).toBe(false);
        expect(consistencyHolds(m, n, [...proof, extra], r1, r2)).toBe(false);
        expect(consistencyHolds(m, n, [extra, ...proof], r1, r2)).toBe(false);
        expect(consistencyHolds(m, n, proof, flipBit(r1, bit), r2)).toBe(false);
        expect(consistencyHolds(m, n, proof, r1, flipBit(r2, bit))).toBe(false);
        expect(consistencyHolds(m, n, proof, r2, r1)).toBe(false);
      }),
    );
  });

  it('pins the edges: nothing from size 0; from m to m only the empty proof', () => {
    const leaves = KNOWN_LEAVES.map(leafHash);
    const r = (n: number) => merkleRoot(leaves.slice(0, n));
    expect(() => consistencyProof(0, 3, leaves)).toThrow(RangeError);
    expect(() => consistencyProof(4, 3, leaves)).toThrow(RangeError);
    expect(consistencyProof(3, 3, leaves)).toEqual([]);
    expect(consistencyHolds(0, 0, [], emptyRoot(), emptyRoot())).toBe(false);
    expect(consistencyHolds(0, 3, [], emptyRoot(), r(3))).toBe(false);
    expect(consistencyHolds(3, 3, [], r(3), r(3))).toBe(true);
    expect(consistencyHolds(3, 3, [r(3)], r(3), r(3))).toBe(false);
    expect(consistencyHolds(3, 3, [], r(3), r(4))).toBe(false);
    expect(consistencyHolds(4, 3, [], r(4), r(3))).toBe(false);
  });
});
