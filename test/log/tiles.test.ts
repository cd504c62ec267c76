/**
 * Tiles (C2SP tlog-tiles): paths and their parser, the tiles of a tree, entry bundles, and reading tiles against a
 * signed root — every tile used is proved, so a flipped byte in any tile, edge or not, is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash, merkleRoot, type Hash } from '../../src/log/merkle.ts';
import {
  decodeBundle,
  encodeBundle,
  encodeTileIndex,
  entryBundlePath,
  parseTilePath,
  rootFromTiles,
  tileCoords,
  TileError,
  tileMap,
  tilePath,
  tilesFromLeafHashes,
  tileWidth,
  verifyTiles,
  VerifiedTiles,
} from '../../src/log/tiles.ts';

const leaves = (n: number): Hash[] => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));

// Building 65,539 leaf hashes is the slow part; do it once.
const BIG = 65536 + 3;
const bigLeaves = leaves(BIG);
const bigTiles = tilesFromLeafHashes(bigLeaves);
const bigRoot = merkleRoot(bigLeaves);

describe('paths', () => {
  it('encodes the spec examples', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(1, 1234067, 8)).toBe('tile/1/x001/x234/067.p/8');
    expect(entryBundlePath(1234067)).toBe('tile/entries/x001/x234/067');
    expect(entryBundlePath(1234067, 8)).toBe('tile/entries/x001/x234/067.p/8');
    expect(tilePath(0, 0)).toBe('tile/0/000');
    expect(tilePath(0, 5, 1)).toBe('tile/0/005.p/1');
    expect(tilePath(2, 999)).toBe('tile/2/999');
    expect(tilePath(2, 1000)).toBe('tile/2/x001/000');
    expect(tilePath(63, 0, 255)).toBe('tile/63/000.p/255');
  });

  it('refuses bad arguments', () => {
    expect(() => tilePath(-1, 0)).toThrow(RangeError);
    expect(() => tilePath(64, 0)).toThrow(RangeError);
    expect(() => tilePath(0, -1)).toThrow(RangeError);
    expect(() => tilePath(0, 1.5)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 0)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 257)).toThrow(RangeError);
    expect(() => entryBundlePath(0, 0)).toThrow(RangeError);
  });

  it('parses the spec examples', () => {
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({ kind: 'tile', level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('tile/3/x001/x234/067.p/8')).toEqual({ kind: 'tile', level: 3, index: 1234067, width: 8 });
    expect(parseTilePath('tile/entries/x001/x234/067.p/255')).toEqual({ kind: 'entries', index: 1234067, width: 255 });
    expect(parseTilePath('tile/entries/000')).toEqual({ kind: 'entries', index: 0, width: 256 });
  });

  it.each([
    'tile/0/0', // not 3 digits
    'tile/0/0000',
    'tile/0/67',
    'tile/0/001/234', // missing x
    'tile/0/x001/x234', // x on the last element
    'tile/0/x000/067', // leading all-zero group
    'tile/0/x000/x001/067',
    'tile/0/X001/067',
    'tile/00/000', // level with a leading zero
    'tile/01/000',
    'tile/64/000', // level above 63
    'tile/-1/000',
    'tile/0/000.p/0', // width out of range
    'tile/0/000.p/256', // a full tile has no .p
    'tile/0/000.p/300',
    'tile/0/000.p/08', // width with a leading zero
    'tile/0/000.p/',
    'tile/0/000.p',
    'tile/0/000/',
    '/tile/0/000',
    'tile/0/000 ',
    'tile/entries/x000/001',
    'tile/entry/000',
    'tile/0/x9999999/000/000/000/000/000', // beyond a safe integer
    'tile/0/x009/x007/x199/x254/x740/x992', // 2^53, not safe
  ])('refuses %s', (path) => {
    expect(() => parseTilePath(path)).toThrow(TileError);
  });

  it('round-trips under fast-check', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.maxSafeNat()),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const p = tilePath(level, index, width);
          expect(parseTilePath(p)).toEqual({ kind: 'tile', level, index, width });
          expect(parseTilePath(entryBundlePath(index, width))).toEqual({ kind: 'entries', index, width });
          // The index part is the decimal digits, grouped.
          expect(encodeTileIndex(index).replace(/x|\//g, '').replace(/^0+(?=.)/, '')).toBe(String(index));
        },
      ),
    );
  });
});

describe('the tiles of a tree', () => {
  const paths = (n: number) => tileCoords(n).map((t) => t.path);

  it('has the expected paths and widths', () => {
    expect(paths(0)).toEqual([]);
    expect(paths(1)).toEqual(['tile/0/000.p/1']);
    expect(paths(255)).toEqual(['tile/0/000.p/255']);
    expect(paths(256)).toEqual(['tile/0/000', 'tile/1/000.p/1']);
    expect(paths(257)).toEqual(['tile/0/000', 'tile/0/001.p/1', 'tile/1/000.p/1']);
    const big = paths(BIG);
    expect(big.length).toBe(256 + 1 + 1 + 1);
    expect(big.slice(0, 3)).toEqual(['tile/0/000', 'tile/0/001', 'tile/0/002']);
    expect(big.slice(-4)).toEqual(['tile/0/255', 'tile/0/256.p/3', 'tile/1/000', 'tile/2/000.p/1']);
    expect(tileWidth(BIG, 0, 256)).toBe(3);
    expect(tileWidth(BIG, 1, 0)).toBe(256);
    expect(tileWidth(BIG, 2, 0)).toBe(1);
    expect(() => tileWidth(BIG, 0, 257)).toThrow(RangeError);
    expect(() => tileWidth(BIG, 1, 1)).toThrow(RangeError);
    expect(() => tileWidth(BIG, 3, 0)).toThrow(RangeError);
    expect(() => tileWidth(256, 0, 1)).toThrow(RangeError);
  });

  it('builds exactly those tiles, with width × 32 bytes', () => {
    for (const n of [0, 1, 255, 256, 257]) {
      const tiles = tilesFromLeafHashes(leaves(n));
      expect(tiles.map(({ level, index, width, path }) => ({ level, index, width, path }))).toEqual(tileCoords(n));
      for (const t of tiles) expect(t.bytes.length).toBe(t.width * 32);
    }
    expect(bigTiles.map((t) => t.path)).toEqual(paths(BIG));
    for (const t of bigTiles) expect(t.bytes.length).toBe(t.width * 32);
  });

  it('holds the leaf hashes at level 0 and the roots of full tiles above', () => {
    const l = leaves(257);
    const m = tileMap(tilesFromLeafHashes(l));
    expect(m.get('tile/0/000')!.subarray(32, 64)).toEqual(l[1]);
    expect(m.get('tile/0/001.p/1')).toEqual(l[256]);
    expect(m.get('tile/1/000.p/1')).toEqual(merkleRoot(l.slice(0, 256)));
    // A tree of 256: the single level-1 hash is the root.
    expect(tileMap(tilesFromLeafHashes(l.slice(0, 256))).get('tile/1/000.p/1')).toEqual(merkleRoot(l.slice(0, 256)));
  });
});

describe('entry bundles', () => {
  it('round-trips under fast-check', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 }), (entries) => {
        const bytes = encodeBundle(entries);
        expect(bytes.length).toBe(entries.reduce((s, e) => s + 2 + e.length, 0));
        expect(decodeBundle(bytes)).toEqual(entries);
        expect(decodeBundle(bytes, entries.length)).toEqual(entries);
      }),
    );
  });

  it('encodes big-endian uint16 lengths, up to 65,535 bytes', () => {
    expect([...encodeBundle([Uint8Array.of(7), new Uint8Array(0)])]).toEqual([0, 1, 7, 0, 0]);
    const max = new Uint8Array(65535).fill(1);
    const bytes = encodeBundle([max]);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xff]);
    expect(decodeBundle(bytes)).toEqual([max]);
    expect([...encodeBundle([new Uint8Array(0x0102)]).subarray(0, 2)]).toEqual([1, 2]);
  });

  it('refuses oversized entries, bad counts and truncated bundles', () => {
    expect(() => encodeBundle([new Uint8Array(65536)])).toThrow(RangeError);
    expect(() => encodeBundle([])).toThrow(RangeError);
    expect(() => encodeBundle(Array.from({ length: 257 }, () => new Uint8Array(0)))).toThrow(RangeError);
    const good = encodeBundle([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    for (let cut = 1; cut < good.length; cut++) {
      if (cut === 5) continue; // a whole first entry: a valid one-entry bundle
      expect(() => decodeBundle(good.subarray(0, cut))).toThrow(TileError);
    }
    expect(decodeBundle(good.subarray(0, 5))).toEqual([Uint8Array.of(1, 2, 3)]);
    expect(() => decodeBundle(good, 3)).toThrow(TileError);
    expect(() => decodeBundle(new Uint8Array(0))).toThrow(TileError);
    expect(() => decodeBundle(Uint8Array.of(0))).toThrow(TileError);
    expect(() => decodeBundle(new Uint8Array(2 * 257))).toThrow(TileError); // 257 empty entries
  });
});

describe('reading tiles against the root', () => {
  it('rebuilds the root of merkle.ts for random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), (n) => {
        const l = bigLeaves.slice(0, n);
        const m = tileMap(tilesFromLeafHashes(l));
        const root = merkleRoot(l);
        expect(rootFromTiles(n, m)).toEqual(root);
        const v = new VerifiedTiles(n, m, root);
        expect(v.leafHashes()).toEqual(l);
        v.verifyAll();
      }),
      { numRuns: 60 },
    );
    for (const n of [0, 1, 255, 256, 257, 511, 512, 513, 65535, 65536]) {
      const l = bigLeaves.slice(0, n);
      expect(rootFromTiles(n, tileMap(tilesFromLeafHashes(l)))).toEqual(merkleRoot(l));
    }
    expect(rootFromTiles(BIG, tileMap(bigTiles))).toEqual(bigRoot);
  });

  it('reads only the edge tiles for the root, and the path up for a leaf tile', () => {
    const v = new VerifiedTiles(BIG, tileMap(bigTiles), bigRoot);
    expect(v.reads).toEqual(['tile/0/256.p/3', 'tile/2/000.p/1']);
    expect(v.leafHashes(1000, 1003)).toEqual(bigLeaves.slice(1000, 1003));
    expect(v.reads.slice(2)).toEqual(['tile/0/003', 'tile/1/000']);
    expect(v.leafHashes(1001, 1002)).toEqual(bigLeaves.slice(1001, 1002)); // proved once, no reread
    expect(v.reads.length).toBe(4);
    // The getter form, and nothing read beyond what is asked for.
    const asked: string[] = [];
    const m = tileMap(bigTiles);
    new VerifiedTiles(BIG, (p) => (asked.push(p), m.get(p)), bigRoot);
    expect(asked).toEqual(['tile/0/256.p/3', 'tile/2/000.p/1']);
  });

  it('refuses a wrong root, a missing tile and a tile of the wrong length', () => {
    const l = leaves(300);
    const m = tileMap(tilesFromLeafHashes(l));
    const root = merkleRoot(l);
    expect(() => new VerifiedTiles(300, m, merkleRoot(l.slice(0, 299)))).toThrow(TileError);
    expect(() => new VerifiedTiles(299, m, root)).toThrow(TileError); // no tile/0/001.p/43
    const missing = new Map(m);
    missing.delete('tile/0/000');
    expect(() => verifyTiles(300, missing, root)).toThrow(/missing tile tile\/0\/000/);
    const short = new Map(m);
    short.set('tile/0/000', m.get('tile/0/000')!.subarray(0, 255 * 32));
    expect(() => verifyTiles(300, short, root)).toThrow(TileError);
    expect(() => new VerifiedTiles(0, new Map(), root)).toThrow(TileError);
    verifyTiles(0, new Map(), merkleRoot([]));
  });

  it('detects a single flipped byte in any tile, edge or not', () => {
    const check = (n: number, tiles: ReturnType<typeof tilesFromLeafHashes>, root: Hash, byteAt: (len: number) => number[]) => {
      const m = tileMap(tiles);
      verifyTiles(n, m, root);
      for (const t of tiles) {
        for (const at of byteAt(t.bytes.length)) {
          const bad = new Map(m);
          const bytes = Uint8Array.from(t.bytes);
          bytes[at]! ^= 0x01;
          bad.set(t.path, bytes);
          // Whoever reads that tile refuses it: the whole-tree check, and a reader asking for that tile alone.
          if (n < 1000) expect(() => verifyTiles(n, bad, root), `${t.path} byte ${at}`).toThrow(TileError);
          expect(() => new VerifiedTiles(n, bad, root).tile(t.level, t.index), `${t.path} byte ${at}`).toThrow(TileError);
          if (t.level === 0) {
            expect(() => new VerifiedTiles(n, bad, root).leafHashes(t.index * 256, t.index * 256 + 1)).toThrow(TileError);
          }
        }
      }
    };
    for (const n of [1, 255, 256, 257, 600]) {
      const l = leaves(n);
      check(n, tilesFromLeafHashes(l), merkleRoot(l), (len) => [0, len >> 1, len - 1]);
    }
    // The big tree: every tile, at a random byte (the full tiles of levels 0 and 1 are all non-edge).
    check(BIG, bigTiles, bigRoot, (len) => [Math.floor(Math.random() * len)]);
  });

  it('detects a flipped byte at any position under fast-check', () => {
    const n = BIG;
    const tiles = bigTiles;
    const m = tileMap(tiles);
    const root = bigRoot;
    for (const t of tiles) expect(new VerifiedTiles(n, m, root).tile(t.level, t.index).length).toBe(t.width); // untampered: fine
    fc.assert(
      fc.property(fc.nat(tiles.length - 1), fc.nat(8191), fc.integer({ min: 1, max: 255 }), (ti, pos, mask) => {
        const t = tiles[ti]!;
        const bytes = Uint8Array.from(t.bytes);
        bytes[pos % bytes.length]! ^= mask;
        const bad = new Map(m);
        bad.set(t.path, bytes);
        expect(() => new VerifiedTiles(n, bad, root).tile(t.level, t.index)).toThrow(TileError);
      }),
      { numRuns: 200 },
    );
  });
});
