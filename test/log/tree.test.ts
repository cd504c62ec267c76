/**
 * The in-memory tree the log publishes from agrees with the reference functions at every size: root, every tile,
 * every inclusion and consistency proof.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, merkleRoot, type Hash } from '../../src/log/merkle.ts';
import { tilesFromLeafHashes } from '../../src/log/tiles.ts';
import { MerkleTree } from '../../src/log/tree.ts';

const leaves = (n: number, salt = 0): Hash[] => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${salt}/${i}`)));

describe('MerkleTree', () => {
  it('has the reference root at every size up to 600, and the empty root at 0', () => {
    const all = leaves(600);
    const tree = new MerkleTree();
    expect(tree.root()).toEqual(merkleRoot([]));
    all.forEach((h, i) => {
      tree.append(h);
      expect(tree.size).toBe(i + 1);
      expect(Buffer.from(tree.root())).toEqual(Buffer.from(merkleRoot(all.slice(0, i + 1))));
    });
    // Older sizes stay answerable after growth.
    for (const n of [1, 2, 3, 255, 256, 257, 511, 512, 513]) expect(Buffer.from(tree.root(n))).toEqual(Buffer.from(merkleRoot(all.slice(0, n))));
  });

  it('serves the same tiles as the reference at sizes around tile edges (two levels)', () => {
    const all = leaves(256 * 256 + 300);
    const tree = new MerkleTree();
    all.forEach((h) => tree.append(h));
    for (const n of [1, 255, 256, 257, 256 * 256 - 1, 256 * 256, 256 * 256 + 1, 256 * 256 + 300]) {
      for (const t of tilesFromLeafHashes(all.slice(0, n))) {
        const got = tree.tile(n, t.level, t.index);
        expect(got.width).toBe(t.width);
        expect(Buffer.from(got.bytes).equals(Buffer.from(t.bytes))).toBe(true);
      }
    }
    expect(() => tree.tile(300, 0, 5)).toThrow(RangeError);
    expect(() => tree.tile(all.length + 1, 0, 0)).toThrow(RangeError);
  });

  it('gives the reference inclusion and consistency proofs (property)', () => {
    const all = leaves(700, 1);
    const tree = new MerkleTree();
    all.forEach((h) => tree.append(h));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 700 }), fc.nat(), (a, b, i) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        const index = i % n;
        const hex = (p: Hash[]) => p.map((h) => Buffer.from(h).toString('hex'));
        expect(hex(tree.inclusionProof(index, n))).toEqual(hex(inclusionProof(index, n, all.slice(0, n))));
        expect(hex(tree.consistencyProof(m, n))).toEqual(hex(consistencyProof(m, n, all.slice(0, n))));
      }),
      { numRuns: 300 },
    );
  });

  it('grows the same by appendAll (leaf hashes end to end, in chunks of any size) as by append (property)', () => {
    const all = leaves(1100, 2);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 12 }), (cuts) => {
        const one = new MerkleTree();
        const bulk = new MerkleTree();
        let at = 0;
        for (const n of [...cuts, all.length]) {
          const chunk = all.slice(at, Math.min(all.length, at + n));
          chunk.forEach((h) => one.append(h));
          bulk.appendAll(Buffer.concat(chunk));
          at += chunk.length;
          expect(bulk.size).toBe(one.size);
          expect(Buffer.from(bulk.root())).toEqual(Buffer.from(one.root()));
        }
        for (const [n, level, index] of [[1, 0, 0], [257, 0, 1], [256, 1, 0], [1100, 1, 0], [1100, 0, 4]] as const) {
          expect(Buffer.from(bulk.tile(n, level, index).bytes)).toEqual(Buffer.from(one.tile(n, level, index).bytes));
        }
      }),
      { numRuns: 40 },
    );
    expect(() => new MerkleTree().appendAll(new Uint8Array(33))).toThrow(RangeError);
  });
});
