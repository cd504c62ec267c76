/**
 * Publication of the log as static tiles, after C2SP tlog-tiles (tile height 8, SHA-256, RFC 6962 hashing from
 * ./merkle.ts):
 *
 *   tile/<L>/<N>[.p/<W>]        hash tiles: the W ≤ 256 consecutive hashes at tree height 8·L starting at 256·N
 *   tile/entries/<N>[.p/<W>]    entry bundles: entries 256·N … 256·N + W − 1, each as a big-endian uint16 length + bytes
 *
 * <L> is a decimal 0..63 without leading zeros; <N> is written in zero-padded 3-digit path elements, all but the last
 * prefixed with `x` (1234067 → x001/x234/067), with no all-zero leading element; `.p/<W>` (W in 1..255, no leading
 * zeros) marks a partial tile and is absent from full tiles.
 *
 * Level 0 holds the leaf hashes; level L + 1 holds the roots of the full tiles of level L. A tree of size n has, at each
 * level L with c = ⌊n / 256^L⌋ > 0, ⌊c / 256⌋ full tiles and, when c mod 256 ≠ 0, one partial tile of that width at the
 * right edge. The top level always ends in a partial tile.
 *
 * Reading tiles (`VerifiedTiles`): the root is computed from the partial right-edge tiles only — they alone determine
 * it — and compared with the signed root. A full tile is never trusted on its own: its root must equal the hash stored
 * for it in its parent tile, which is proved the same way, up to an edge tile proved by the root. (Go's
 * golang.org/x/mod/sumdb/tlog v0.7.0 returned hashes from some non-edge tiles without that check.)
 */
import { emptyRoot, equalHashes, HASH_SIZE, nodeHash, subtreeRoot, type Hash } from './merkle.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256; // 2^TILE_HEIGHT
export const MAX_LEVEL = 63;
export const MAX_ENTRY_SIZE = 0xffff;

/** A tile or bundle that is malformed, missing, or does not match the signed root. */
export class TileError extends Error {
  override name = 'TileError';
}

// ---- paths ----

function checkIndex(index: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad ${what} ${index}`);
}

function checkWidth(width: number): void {
  if (!Number.isSafeInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`bad tile width ${width}: must be 1..${TILE_WIDTH}`);
  }
}

/** <N> in 3-digit groups, `x` before all but the last: 1234067 → x001/x234/067, 5 → 005. */
export function encodeTileIndex(index: number): string {
  checkIndex(index, 'tile index');
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

const suffix = (width: number): string => {
  checkWidth(width);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
};

/** `text/<sha256>`: a public text the log names by its SHA-256 (lower-case hex), served beside the tiles. */
export function textPath(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a lower-case hex SHA-256: ${sha256}`);
  return `text/${sha256}`;
}

/** `tile/<L>/<N>[.p/<W>]`; width 256 (the default) is a full tile. */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  if (!Number.isSafeInteger(level) || level < 0 || level > MAX_LEVEL) throw new RangeError(`bad tile level ${level}`);
  return `tile/${level}/${encodeTileIndex(index)}${suffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`; width 256 (the default) is a full bundle. */
export function entryBundlePath(index: number, width: number = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

export type ParsedPath =
  | { kind: 'tile'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number };

const PATH_RE = /^tile\/(entries|0|[1-9][0-9]*)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]*))?$/;

/** The inverse of tilePath / entryBundlePath; throws TileError on anything but the canonical form. */
export function parseTilePath(path: string): ParsedPath {
  const m = PATH_RE.exec(path);
  if (!m) throw new TileError(`not a tile path: ${JSON.stringify(path)}`);
  const [, levelText, xGroups, last, widthText] = m;
  const groups = [...(xGroups ?? '').split('/').filter((g) => g !== '').map((g) => g.slice(1)), last!];
  if (groups.length > 1 && groups[0] === '000') throw new TileError(`tile index with a leading zero group: ${path}`);
  const index = Number(groups.join(''));
  if (!Number.isSafeInteger(index)) throw new TileError(`tile index too large: ${path}`);
  let width = TILE_WIDTH;
  if (widthText !== undefined) {
    width = Number(widthText);
    if (!(width >= 1 && width < TILE_WIDTH)) throw new TileError(`partial tile width must be 1..255: ${path}`);
  }
  if (levelText === 'entries') return { kind: 'entries', index, width };
  const level = Number(levelText);
  if (level > MAX_LEVEL) throw new TileError(`tile level above ${MAX_LEVEL}: ${path}`);
  return { kind: 'tile', level, index, width };
}

// ---- the tiles of a tree ----

export interface TileCoord {
  level: number;
  index: number;
  width: number;
  path: string;
}
export interface Tile extends TileCoord {
  bytes: Uint8Array;
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad tree size ${size}`);
}

/** The hashes stored at level `level` of a tree of `size` leaves: ⌊size / 256^level⌋. */
const levelCount = (size: number, level: number): number => Math.floor(size / TILE_WIDTH ** level);

/** Every tile of a tree of `size` leaves, level by level, left to right. */
export function tileCoords(size: number): TileCoord[] {
  checkSize(size);
  const out: TileCoord[] = [];
  for (let level = 0, count = size; count > 0; level++, count = Math.floor(count / TILE_WIDTH)) {
    const full = Math.floor(count / TILE_WIDTH);
    for (let index = 0; index < full; index++) out.push({ level, index, width: TILE_WIDTH, path: tilePath(level, index) });
    const rest = count % TILE_WIDTH;
    if (rest > 0) out.push({ level, index: full, width: rest, path: tilePath(level, full, rest) });
  }
  return out;
}

/** The width of tile (level, index) in a tree of `size`; throws RangeError if the tree has no such tile. */
export function tileWidth(size: number, level: number, index: number): number {
  checkSize(size);
  checkIndex(index, 'tile index');
  const count = levelCount(size, level);
  const full = Math.floor(count / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full && count % TILE_WIDTH > 0) return count % TILE_WIDTH;
  throw new RangeError(`a tree of ${size} has no tile at level ${level}, index ${index}`);
}

export function concatHashes(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new RangeError(`hash ${i} has ${h.length} bytes, not ${HASH_SIZE}`);
    out.set(h, i * HASH_SIZE);
  });
  return out;
}

export function splitHashes(bytes: Uint8Array): Hash[] {
  if (bytes.length % HASH_SIZE !== 0) throw new TileError(`${bytes.length} bytes is not a whole number of hashes`);
  const out: Hash[] = [];
  for (let i = 0; i < bytes.length; i += HASH_SIZE) out.push(bytes.slice(i, i + HASH_SIZE));
  return out;
}

/** Every tile (with its bytes) of the tree whose leaf hashes are given, in the order of tileCoords. */
export function tilesFromLeafHashes(leaves: readonly Hash[]): Tile[] {
  const out: Tile[] = [];
  let hashes: readonly Hash[] = leaves;
  for (let level = 0; hashes.length > 0; level++) {
    const next: Hash[] = [];
    for (let index = 0; index * TILE_WIDTH < hashes.length; index++) {
      const chunk = hashes.slice(index * TILE_WIDTH, (index + 1) * TILE_WIDTH);
      out.push({ level, index, width: chunk.length, path: tilePath(level, index, chunk.length), bytes: concatHashes(chunk) });
      if (chunk.length === TILE_WIDTH) next.push(subtreeRoot(chunk, 0, TILE_WIDTH));
    }
    hashes = next;
  }
  return out;
}

/** The tiles as a map path → bytes, as a static server holds them. */
export const tileMap = (tiles: readonly Tile[]): Map<string, Uint8Array> => new Map(tiles.map((t) => [t.path, t.bytes]));

// ---- entry bundles ----

/** Entries as a bundle: each a big-endian uint16 length then its bytes. 1..256 entries of at most 65,535 bytes. */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) throw new RangeError(`a bundle holds 1..256 entries, not ${entries.length}`);
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`entry ${i} has ${e.length} bytes; at most ${MAX_ENTRY_SIZE} fit`);
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** The entries of a bundle (views of `bytes`); throws TileError if it is truncated, empty, too long, or not of `width` entries. */
export function decodeBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (out.length === TILE_WIDTH) throw new TileError(`a bundle holds at most ${TILE_WIDTH} entries`);
    if (at + 2 > bytes.length) throw new TileError(`bundle truncated in the length of entry ${out.length}`);
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new TileError(`bundle truncated in entry ${out.length}`);
    out.push(bytes.subarray(at + 2, at + 2 + len)); // views of the bundle's bytes, not copies
    at += 2 + len;
  }
  if (out.length === 0) throw new TileError('an empty bundle');
  if (width !== undefined && out.length !== width) throw new TileError(`the bundle holds ${out.length} entries, not ${width}`);
  return out;
}

// ---- reading tiles against a signed root ----

/** Where tiles come from: a map path → bytes, or a getter (undefined for a missing tile). */
export type TileSource = ReadonlyMap<string, Uint8Array> | ((path: string) => Uint8Array | undefined);

/**
 * The root of the tree of `size` computed from its right-edge (partial) tiles only — NOT checked against anything; use
 * VerifiedTiles to compare it with a signed root.
 */
export function rootFromTiles(size: number, source: TileSource): Hash {
  return edgeRoot(size, (level, index, width) => readTile(source, level, index, width));
}

function readTile(source: TileSource, level: number, index: number, width: number): Hash[] {
  const path = tilePath(level, index, width);
  const bytes = typeof source === 'function' ? source(path) : source.get(path);
  if (bytes === undefined) throw new TileError(`missing tile ${path}`);
  if (bytes.length !== width * HASH_SIZE) {
    throw new TileError(`tile ${path} has ${bytes.length} bytes, not ${width * HASH_SIZE}`);
  }
  return splitHashes(bytes);
}

/**
 * The root from the partial tile at each level: each is a run of perfect subtrees (the binary decomposition of its
 * width), left of those of the levels below; RFC 6962 folds them from the right.
 */
function edgeRoot(size: number, read: (level: number, index: number, width: number) => Hash[]): Hash {
  checkSize(size);
  if (size === 0) return emptyRoot();
  const subtrees: Hash[] = []; // right to left
  for (let level = 0, count = size; count > 0; level++, count = Math.floor(count / TILE_WIDTH)) {
    const width = count % TILE_WIDTH;
    if (width === 0) continue;
    const hashes = read(level, Math.floor(count / TILE_WIDTH), width);
    const perLevel: Hash[] = [];
    for (let start = 0, bit = TILE_WIDTH >> 1; bit > 0; bit >>= 1) {
      if ((width & bit) === 0) continue;
      perLevel.push(subtreeRoot(hashes, start, start + bit));
      start += bit;
    }
    subtrees.push(...perLevel.reverse());
  }
  let root = subtrees[0]!;
  for (const left of subtrees.slice(1)) root = nodeHash(left, root);
  return root;
}

/**
 * The tiles of a tree of `size`, every one proved against `root` before it is returned. Construction reads the edge
 * tiles only (all the root needs) and throws TileError unless they lead to `root`; a full tile is proved through the
 * hash its parent tile holds for it, the parent the same way, up to an edge tile.
 */
export class VerifiedTiles {
  private readonly proven = new Map<string, Hash[]>();
  /** The paths read from the source, in order (each at most once). */
  readonly reads: string[] = [];

  constructor(
    readonly size: number,
    private readonly source: TileSource,
    readonly root: Hash,
  ) {
    checkSize(size);
    const edge = new Map<string, Hash[]>();
    const computed = edgeRoot(size, (level, index, width) => {
      const hashes = this.read(level, index, width);
      edge.set(tilePath(level, index, width), hashes);
      return hashes;
    });
    if (!equalHashes(computed, root)) throw new TileError(`the tiles of a tree of ${size} lead to another root than the one given`);
    for (const [path, hashes] of edge) this.proven.set(path, hashes);
  }

  private read(level: number, index: number, width: number): Hash[] {
    this.reads.push(tilePath(level, index, width));
    return readTile(this.source, level, index, width);
  }

  /** The hashes of tile (level, index), proved against the root. */
  tile(level: number, index: number): Hash[] {
    const width = tileWidth(this.size, level, index);
    const path = tilePath(level, index, width);
    const known = this.proven.get(path);
    if (known) return known;
    // Not an edge tile, so a full one: its root is in the parent tile, which always exists.
    const hashes = this.read(level, index, width);
    const parent = this.tile(level + 1, Math.floor(index / TILE_WIDTH));
    const expected = parent[index % TILE_WIDTH]!;
    if (!equalHashes(subtreeRoot(hashes, 0, TILE_WIDTH), expected)) {
      throw new TileError(`tile ${path} does not match the hash its parent tile holds for it`);
    }
    this.proven.set(path, hashes);
    return hashes;
  }

  /** The proved leaf hashes [start, end) (the whole tree by default). */
  leafHashes(start = 0, end = this.size): Hash[] {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > this.size) {
      throw new RangeError(`bad leaf range [${start}, ${end}) of a tree of ${this.size}`);
    }
    const out: Hash[] = [];
    for (let i = start; i < end; ) {
      const index = Math.floor(i / TILE_WIDTH);
      const hashes = this.tile(0, index);
      const from = i - index * TILE_WIDTH;
      const to = Math.min(hashes.length, end - index * TILE_WIDTH);
      out.push(...hashes.slice(from, to));
      i = index * TILE_WIDTH + to;
    }
    return out;
  }

  /** Proves every tile of the tree; throws TileError at the first missing, malformed or tampered one. */
  verifyAll(): void {
    for (const t of tileCoords(this.size)) this.tile(t.level, t.index);
  }
}

/** Throws TileError unless every tile of the tree of `size` is present and proved against `root`. */
export function verifyTiles(size: number, source: TileSource, root: Hash): void {
  new VerifiedTiles(size, source, root).verifyAll();
}
