/**
 * An append-only RFC 6962 tree kept in memory, for the side that publishes the log: it answers roots, tiles and
 * proofs for any size up to its own without rehashing the leaves. Level k holds the hash of every complete, aligned
 * subtree of 2^k leaves, in flat growable buffers (32 bytes a hash): a million leaves take about 64 MB. Appending a
 * leaf hashes at most log2(size) nodes; any subtree hash is then at most 2·log2(size) node hashes away.
 *
 * The published tiles (./tiles.ts) are slices of this structure: the level-L tile N holds the hashes at height 8L,
 * indexes N·256 … N·256 + width − 1.
 */
import { emptyRoot, HASH_SIZE, nodeHash, nodeHashInto, splitPoint, consistencyProof, inclusionProof, type Hash } from './merkle.ts';
import { TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tiles.ts';

class HashArray {
  buf = Buffer.alloc(HASH_SIZE * 1024);
  length = 0;

  /** Room for one more hash. */
  private grow(): void {
    if ((this.length + 1) * HASH_SIZE > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length * HASH_SIZE);
      this.buf = bigger;
    }
  }

  /** Appends the hash at `from[offset…offset + 32)`. */
  push(from: Uint8Array, offset = 0): void {
    this.grow();
    this.buf.set(from.subarray(offset, offset + HASH_SIZE), this.length * HASH_SIZE);
    this.length++;
  }

  /** Appends the node hash of `level`'s hashes `left` and `left + 1`, computed in place. */
  pushParentOf(level: HashArray, left: number): void {
    this.grow();
    nodeHashInto(level.buf, left * HASH_SIZE, this.buf, this.length * HASH_SIZE);
    this.length++;
  }

  get(i: number): Hash {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + i * HASH_SIZE, HASH_SIZE);
  }

  /** A copy of hashes [from, from + n), concatenated. */
  slice(from: number, n: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, from * HASH_SIZE, (from + n) * HASH_SIZE);
  }
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

export class MerkleTree {
  /** levels[k][j] = MTH of leaves [j·2^k, (j+1)·2^k). */
  private readonly levels: HashArray[] = [new HashArray()];

  get size(): number {
    return this.levels[0]!.length;
  }

  append(leafHash: Hash): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`a leaf hash has ${HASH_SIZE} bytes`);
    this.levels[0]!.push(leafHash);
    this.closeSubtrees();
  }

  /** Appends the leaf hashes given end to end (`append` for each; the verifier's path, a bundle at a time). */
  appendAll(leafHashes: Uint8Array): void {
    if (leafHashes.length % HASH_SIZE !== 0) throw new RangeError(`leaf hashes have ${HASH_SIZE} bytes each`);
    for (let at = 0; at < leafHashes.length; at += HASH_SIZE) {
      this.levels[0]!.push(leafHashes, at);
      this.closeSubtrees();
    }
  }

  /** Every complete subtree the newest leaf closes gets its hash one level up. */
  private closeSubtrees(): void {
    let index = this.size - 1;
    for (let k = 0; index % 2 === 1; k++, index = (index - 1) / 2) {
      (this.levels[k + 1] ??= new HashArray()).pushParentOf(this.levels[k]!, index - 1);
    }
  }

  /** MTH of the complete, aligned subtree of 2^level leaves number `index` at that level. */
  completeSubtree(level: number, index: number): Hash {
    const l = this.levels[level];
    if (!l || index >= l.length) throw new RangeError(`no complete subtree ${index} of height ${level} in a tree of ${this.size}`);
    return l.get(index);
  }

  /** MTH(D[start:end]) for any range within the tree (as the proof algorithms ask for them). */
  readonly subtree = (start: number, end: number): Hash => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > this.size) {
      throw new RangeError(`bad leaf range [${start}, ${end}) of a tree of ${this.size}`);
    }
    if (start === end) return emptyRoot();
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) return this.completeSubtree(Math.log2(n), start / n);
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  };

  root(size: number = this.size): Hash {
    return this.subtree(0, size);
  }

  /**
   * The bytes of tile (level, index) of the tree of `size` leaves, `size` ≤ this tree's: its width is what that
   * tree has (full, or the partial right edge). Throws RangeError if that tree has no such tile.
   */
  tile(size: number, level: number, index: number): { width: number; bytes: Uint8Array } {
    if (size > this.size) throw new RangeError(`a tree of ${size} is larger than the ${this.size} leaves held`);
    const width = tileWidth(size, level, index);
    const height = level * TILE_HEIGHT;
    const l = this.levels[height];
    if (!l) throw new RangeError(`no level ${height}`);
    return { width, bytes: l.slice(index * TILE_WIDTH, width) };
  }

  inclusionProof(index: number, size: number): Hash[] {
    if (size > this.size) throw new RangeError(`a tree of ${size} is larger than the ${this.size} leaves held`);
    return inclusionProof(index, size, this.subtree);
  }

  consistencyProof(oldSize: number, newSize: number): Hash[] {
    if (newSize > this.size) throw new RangeError(`a tree of ${newSize} is larger than the ${this.size} leaves held`);
    return consistencyProof(oldSize, newSize, this.subtree);
  }
}
