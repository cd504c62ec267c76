/**
 * Checking the public record in the browser (docs/verifiable-record.md), with WebCrypto only: SHA-256 and Ed25519.
 * The same rules as the server's src/log/{merkle,note,checkpoint,proof,tiles}.ts — which use node:crypto and so cannot
 * be imported here — ported to async hashing; test/web/record-checkpoint.test.ts runs this module under Node against the
 * transparency-dev vectors and against notes signed by src/log.
 *
 *   vkey        "<name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 public key)>"
 *   key id      SHA-256(name || 0x0A || 0x01 || public key)[:4]
 *   signed note text || "\n" || lines "— <name> <base64(key id || signature)>\n"
 *   checkpoint  "<origin>\n<size>\n<base64 root>\n" (no extension lines), signed by the key named after the origin
 *
 * Opening a note (pinned so two verifiers agree): signatures by keys not given are ignored — witnesses' cosignatures
 * among them; a signature by a given key that does not verify rejects the note; a note with no verified signature is
 * refused; public keys of small order or not canonically encoded are refused when a vkey is read.
 */

/** A note, key or proof text that is malformed, or a signature that does not verify. */
export class NoteError extends Error {
  override name = 'NoteError';
}
/** A Merkle proof that does not verify (RFC 9162 §2.1.3.2, §2.1.4.2). */
export class ProofError extends Error {
  override name = 'ProofError';
}

export type Hash = Uint8Array;
export const HASH_SIZE = 32;
const ED25519 = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
const utf8 = new TextEncoder();

// ---- bytes ----

/** Standard base64 (RFC 4648 §4), padded and canonical; anything else is refused. */
export function decodeBase64(s: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new NoteError(`${what} is not canonical base64`);
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new NoteError(`${what} is not canonical base64`);
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (encodeBase64(bytes) !== s) throw new NoteError(`${what} is not canonical base64`);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function sha256(...parts: Uint8Array[]): Promise<Hash> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// ---- Merkle tree (RFC 6962 §2.1) ----

export const leafHash = (entry: Uint8Array): Promise<Hash> => sha256(Uint8Array.of(0x00), entry);
export const nodeHash = (left: Hash, right: Hash): Promise<Hash> => sha256(Uint8Array.of(0x01), left, right);

const MAX_U64 = (1n << 64n) - 1n;

function u64(value: number | bigint, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new ProofError(`${what} ${value} is not an exact integer`);
  const v = BigInt(value);
  if (v < 0n || v > MAX_U64) throw new ProofError(`${what} ${v} is not an unsigned 64-bit integer`);
  return v;
}

const bitLength = (v: bigint): number => (v === 0n ? 0 : v.toString(2).length);
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
  return { inner, border: popCount(index >> BigInt(inner)) };
}

function checkHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new ProofError(`proof hash ${i} has ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

async function chainInner(seed: Hash, proof: readonly Hash[], index: bigint): Promise<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) h = ((index >> BigInt(i)) & 1n) === 0n ? await nodeHash(h, proof[i]!) : await nodeHash(proof[i]!, h);
  return h;
}

/** As chainInner, but only where the node is a right child (the old root of a consistency proof). */
async function chainInnerRight(seed: Hash, proof: readonly Hash[], index: bigint): Promise<Hash> {
  let h = seed;
  for (let i = 0; i < proof.length; i++) if (((index >> BigInt(i)) & 1n) === 1n) h = await nodeHash(proof[i]!, h);
  return h;
}

async function chainBorderRight(seed: Hash, proof: readonly Hash[]): Promise<Hash> {
  let h = seed;
  for (const sibling of proof) h = await nodeHash(sibling, h);
  return h;
}

/** Throws ProofError unless `proof` shows that `leaf` is the leaf hash at `index` in the tree of `size` with `root`. */
export async function verifyInclusion(index: number | bigint, size: number | bigint, leaf: Hash, proof: readonly Hash[], root: Hash): Promise<void> {
  const i = u64(index, 'index');
  const n = u64(size, 'tree size');
  if (i >= n) throw new ProofError(`index ${i} is beyond the tree size ${n}`);
  if (leaf.length !== HASH_SIZE) throw new ProofError(`the leaf hash has ${leaf.length} bytes, not ${HASH_SIZE}`);
  const { inner, border } = decompose(i, n);
  if (proof.length !== inner + border) throw new ProofError(`the inclusion proof has ${proof.length} hashes; leaf ${i} of ${n} needs ${inner + border}`);
  checkHashes(proof);
  const computed = await chainBorderRight(await chainInner(leaf, proof.slice(0, inner), i), proof.slice(inner));
  if (!equalBytes(computed, root)) throw new ProofError('the inclusion proof leads to another root than the one given');
}

/**
 * Throws ProofError unless `proof` shows that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize`
 * with `newRoot` (RFC 9162 §2.1.4.2). From size 0 is refused (it proves nothing); from m to m only the empty proof holds.
 */
export async function verifyConsistency(oldSize: number | bigint, newSize: number | bigint, proof: readonly Hash[], oldRoot: Hash, newRoot: Hash): Promise<void> {
  const m = u64(oldSize, 'old size');
  const n = u64(newSize, 'new size');
  if (n < m) throw new ProofError(`the new size ${n} is smaller than the old size ${m}`);
  if (m === 0n) throw new ProofError('a consistency proof from the empty tree proves nothing');
  if (m === n) {
    if (proof.length > 0) throw new ProofError(`the sizes are equal (${m}) but the proof is not empty`);
    if (!equalBytes(oldRoot, newRoot)) throw new ProofError(`the sizes are equal (${m}) but the roots differ`);
    return;
  }
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  checkHashes(proof);
  const decomposed = decompose(m - 1n, n);
  const shift = trailingZeros(m);
  const inner = decomposed.inner - shift;
  // The proof starts with the root of the subtree of size 2^shift, unless the old tree is that very subtree.
  const oldIsSubtree = m === 1n << BigInt(shift);
  const seed = oldIsSubtree ? oldRoot : proof[0]!;
  const rest = oldIsSubtree ? proof : proof.slice(1);
  if (rest.length !== inner + decomposed.border) {
    throw new ProofError(`the consistency proof has ${proof.length} hashes; from ${m} to ${n} needs ${(oldIsSubtree ? 0 : 1) + inner + decomposed.border}`);
  }
  const mask = (m - 1n) >> BigInt(shift);
  const innerPath = rest.slice(0, inner);
  const borderPath = rest.slice(inner);
  if (!equalBytes(await chainBorderRight(await chainInnerRight(seed, innerPath, mask), borderPath), oldRoot)) {
    throw new ProofError('the consistency proof does not lead to the old root');
  }
  if (!equalBytes(await chainBorderRight(await chainInner(seed, innerPath, mask), borderPath), newRoot)) {
    throw new ProofError('the consistency proof does not lead to the new root');
  }
}

// ---- Ed25519 public keys and verifier keys ----

const P = (1n << 255n) - 19n;
/** y of the points of order 8 (the others of small order have y = 0, 1 or p − 1). */
const Y8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;
const SMALL_ORDER_Y = new Set([0n, 1n, P - 1n, Y8, P - Y8]);

/** Refuses a 32-byte Ed25519 public key that is non-canonical (y ≥ p) or of small order. */
export function checkEd25519PublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== 32) throw new NoteError(`an Ed25519 public key has 32 bytes, not ${publicKey.length}`);
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? publicKey[i]! & 0x7f : publicKey[i]!);
  if (y >= P) throw new NoteError('the public key is not canonically encoded');
  if (SMALL_ORDER_Y.has(y)) throw new NoteError('the public key is of small order');
}

/** Key names: non-empty, no Unicode space, no '+'. */
export const isValidKeyName = (name: string): boolean => name.length > 0 && !/[\s+\p{Surrogate}]/u.test(name);

export async function noteKeyId(name: string, publicKey: Uint8Array): Promise<number> {
  const d = await sha256(utf8.encode(name), Uint8Array.of(0x0a, ED25519), publicKey);
  return new DataView(d.buffer, d.byteOffset, 4).getUint32(0);
}

export async function importEd25519PublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('raw', concat(publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    throw new NoteError('the public key is not an Ed25519 point');
  }
}

export async function verifyEd25519(key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify({ name: 'Ed25519' }, key, concat(signature), concat(message));
}

export interface Verifier {
  name: string;
  /** The 4-byte key id, as an unsigned 32-bit integer. */
  id: number;
  publicKey: Uint8Array;
  key: CryptoKey;
  /** The vkey as read. */
  vkey: string;
}

/** Reads a note verifier key `name+<hex id>+base64(0x01 || key)` (the base64 may itself hold '+'). */
export async function parseVerifierKey(vkey: string): Promise<Verifier> {
  const text = vkey.trim();
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text);
  if (!m) throw new NoteError('a verifier key is name+keyid+key');
  const [, name, idHex, key64] = m as unknown as [string, string, string, string];
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('the key id of a verifier key is 8 lowercase hex digits');
  const typed = decodeBase64(key64, 'the verifier key');
  if (typed.length !== 33 || typed[0] !== ED25519) throw new NoteError('only Ed25519 verifier keys (type 0x01, 32 bytes) are supported');
  const publicKey = typed.slice(1);
  const id = await noteKeyId(name, publicKey);
  if (hex8(id) !== idHex) throw new NoteError(`the key id ${idHex} does not match the key (${hex8(id)})`);
  checkEd25519PublicKey(publicKey);
  return { name, id, publicKey, key: await importEd25519PublicKey(publicKey), vkey: text };
}

// ---- signed notes ----

export interface NoteSignature {
  name: string;
  id: number;
  base64: string;
}
export interface OpenedNote {
  text: string;
  verified: NoteSignature[];
  unverified: NoteSignature[];
}

function checkNoteChars(s: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\p{Surrogate}]/u.test(s)) throw new NoteError(`${what} holds a control character or invalid UTF-8`);
}

/** Opens a signed note with the keys given; throws NoteError unless it is well-formed and verified by one of them. */
export async function openNote(note: string | Uint8Array, known: readonly Verifier[]): Promise<OpenedNote> {
  let msg: string;
  if (typeof note === 'string') msg = note;
  else {
    try {
      msg = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw new NoteError('the note is not valid UTF-8');
    }
  }
  checkNoteChars(msg, 'the note');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no blank line before its signatures');
  const text = msg.slice(0, split + 1);
  const sigBlock = msg.slice(split + 2);
  if (sigBlock === '' || !sigBlock.endsWith('\n')) throw new NoteError('the note has no signature lines ending in a newline');
  const message = utf8.encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`the note has more than ${MAX_SIGNATURES} signatures`);
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX)) throw new NoteError(`a signature line must start with "— ": ${JSON.stringify(line)}`);
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const b64 = space < 0 ? '' : rest.slice(space + 1);
    if (!isValidKeyName(name) || b64 === '') throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    const blob = decodeBase64(b64, `the signature of ${name}`);
    if (blob.length < 5) throw new NoteError(`the signature of ${name} is too short`);
    const id = new DataView(blob.buffer, blob.byteOffset, 4).getUint32(0);
    const signature = { name, id, base64: b64 };
    const v = known.find((k) => k.name === name && k.id === id);
    if (!v) {
      unverified.push(signature);
      continue;
    }
    if (blob.length !== 4 + 64 || !(await verifyEd25519(v.key, blob.subarray(4), message))) {
      throw new NoteError(`the signature of ${name}+${hex8(id)} does not verify`);
    }
    verified.push(signature);
  }
  if (verified.length === 0) throw new NoteError('the note is not signed by any of the keys given');
  return { text, verified, unverified };
}

// ---- checkpoints ----

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('a checkpoint body ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint body has three lines: origin, size, root hash');
  if (lines.length > 3) throw new NoteError('a Plenum checkpoint has no extension lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!isValidKeyName(origin)) throw new NoteError(`invalid checkpoint origin ${JSON.stringify(origin)}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteError(`the tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteError(`the tree size ${sizeText} is too large`);
  const root = decodeBase64(rootText, 'the root hash');
  if (root.length !== HASH_SIZE) throw new NoteError(`the root hash has ${root.length} bytes, not ${HASH_SIZE}`);
  return { origin, size, root };
}

/** Opens a signed checkpoint: it must carry a valid signature of the log's key, and its origin must be that key's name. */
export async function openCheckpoint(note: string, logKey: Verifier): Promise<Checkpoint & { note: string }> {
  const opened = await openNote(note, [logKey]);
  const cp = parseCheckpoint(opened.text);
  if (cp.origin !== logKey.name) throw new NoteError(`the checkpoint's origin ${cp.origin} is not the log ${logKey.name}`);
  return { ...cp, note };
}

// ---- receipts (c2sp.org/tlog-proof) and entry bundles (c2sp.org/tlog-tiles) ----

export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  index: number;
  proof: Hash[];
  checkpoint: string;
}

export function parseProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new NoteError('a proof has an empty line before its checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (checkpoint === '' || !checkpoint.endsWith('\n') || checkpoint.startsWith('\n')) throw new NoteError('the checkpoint part is a signed note ending in a newline');
  if (lines[0] !== PROOF_HEADER) throw new NoteError(`a proof starts with the line ${PROOF_HEADER}`);
  let i = 1;
  if (lines[i]?.startsWith('extra ')) {
    if (decodeBase64(lines[i]!.slice('extra '.length), 'the extra data').length === 0) throw new NoteError('extra data, when present, is not empty');
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i] ?? '');
  if (!m) throw new NoteError('a proof has an "index N" line');
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new NoteError(`invalid index ${m[1]}`);
  const proof = lines.slice(i + 1).map((l, k) => {
    const h = decodeBase64(l, `proof hash ${k}`);
    if (h.length !== HASH_SIZE) throw new NoteError(`proof hash ${k} has ${h.length} bytes, not ${HASH_SIZE}`);
    return h;
  });
  return { index, proof, checkpoint };
}

/**
 * Verifies a receipt for `entry`: the checkpoint signed by the log's key, and the entry's leaf hash at the index
 * included in the checkpoint's tree. Returns the parsed proof and the checkpoint.
 */
export async function verifyReceipt(proofText: string, entry: Uint8Array, logKey: Verifier): Promise<TlogProof & { verified: Checkpoint }> {
  const p = parseProof(proofText);
  const cp = await openCheckpoint(p.checkpoint, logKey);
  if (p.index >= cp.size) throw new ProofError(`index ${p.index} is beyond the checkpoint's tree size ${cp.size}`);
  await verifyInclusion(p.index, cp.size, await leafHash(entry), p.proof, cp.root);
  return { ...p, verified: { origin: cp.origin, size: cp.size, root: cp.root } };
}

export const TILE_WIDTH = 256;

/** <N> in 3-digit groups, `x` before all but the last: 1234067 → x001/x234/067. */
export function encodeTileIndex(index: number): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Where entry `index` of a tree of `size` is published: its bundle's path, and its place in the bundle. */
export function entryLocation(index: number, size: number): { path: string; offset: number } {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`entry ${index} is not in a tree of ${size}`);
  const n = Math.floor(index / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
  return { path: `tile/entries/${encodeTileIndex(n)}${width === TILE_WIDTH ? '' : `.p/${width}`}`, offset: index % TILE_WIDTH };
}

/** The entries of a bundle (each a big-endian uint16 length then its bytes). */
export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new NoteError(`bundle truncated in the length of entry ${out.length}`);
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new NoteError(`bundle truncated in entry ${out.length}`);
    out.push(bytes.slice(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}
