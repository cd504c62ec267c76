/**
 * Checking the public record in the browser (docs/verifiable-record.md), with WebCrypto only: SHA-256 and Ed25519.
 * The rules are the server's: the text of notes, verifier keys and checkpoints is read by src/log/note-format.ts and
 * Merkle proofs are checked by src/log/merkle-verify.ts — both pure, shared with src/log/{note,checkpoint,merkle}.ts —
 * and this module adds what needs WebCrypto (async hashing, Ed25519 verification). test/web/record-checkpoint.test.ts
 * runs it under Node against the transparency-dev vectors and against notes signed by src/log.
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
import * as merkle from '../../../src/log/merkle-verify.ts';
import { HASH_SIZE, ProofError, type Hash } from '../../../src/log/merkle-verify.ts';
import { runAsync } from '../../../src/log/steps.ts';
import {
  checkCheckpointOrigin,
  checkEd25519PublicKey,
  checkKeyId,
  decodeBase64,
  ED25519,
  NoteError,
  openNoteSteps,
  parseCheckpoint,
  parseVerifierKeyText,
  type Checkpoint,
  type OpenedNote,
} from '../../../src/log/note-format.ts';

export { equalHashes as equalBytes, HASH_SIZE, ProofError, type Hash } from '../../../src/log/merkle-verify.ts';
export {
  checkEd25519PublicKey,
  decodeBase64,
  encodeBase64,
  hex8,
  isValidKeyName,
  NoteError,
  parseCheckpoint,
  type Checkpoint,
  type NoteSignature,
  type OpenedNote,
} from '../../../src/log/note-format.ts';

const utf8 = new TextEncoder();

// ---- bytes ----

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

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

// ---- Merkle tree (RFC 6962 §2.1): merkle-verify.ts's algorithms, run with WebCrypto ----

export const leafHash = (entry: Uint8Array): Promise<Hash> => sha256(Uint8Array.of(0x00), entry);
export const nodeHash = (left: Hash, right: Hash): Promise<Hash> => sha256(Uint8Array.of(0x01), left, right);

/** Throws ProofError unless `proof` shows that `leaf` is the leaf hash at `index` in the tree of `size` with `root`. */
export const verifyInclusion = (...args: Parameters<typeof merkle.verifyInclusion>): Promise<void> => runAsync(merkle.verifyInclusion(...args), ([l, r]) => nodeHash(l, r));

/**
 * Throws ProofError unless `proof` shows that the tree of `oldSize` with `oldRoot` is a prefix of the tree of `newSize`
 * with `newRoot` (RFC 9162 §2.1.4.2). From size 0 is refused (it proves nothing); from m to m only the empty proof holds.
 */
export const verifyConsistency = (...args: Parameters<typeof merkle.verifyConsistency>): Promise<void> =>
  runAsync(merkle.verifyConsistency(...args), ([l, r]) => nodeHash(l, r));

// ---- Ed25519 and verifier keys ----

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
  const { name, idHex, publicKey } = parseVerifierKeyText(text, ED25519, 'only Ed25519 verifier keys (type 0x01, 32 bytes) are supported');
  const id = await noteKeyId(name, publicKey);
  checkKeyId(idHex, id);
  checkEd25519PublicKey(publicKey);
  return { name, id, publicKey, key: await importEd25519PublicKey(publicKey), vkey: text };
}

// ---- signed notes and checkpoints ----

/** Opens a signed note with the keys given; throws NoteError unless it is well-formed and verified by one of them. */
export const openNote = (note: string | Uint8Array, known: readonly Verifier[]): Promise<OpenedNote> =>
  runAsync(openNoteSteps(note, known), (c) => verifyEd25519(c.verifier.key, c.signature, c.message));

/** Opens a signed checkpoint: it must carry a valid signature of the log's key, and its origin must be that key's name. */
export async function openCheckpoint(note: string, logKey: Verifier): Promise<Checkpoint & { note: string }> {
  const opened = await openNote(note, [logKey]);
  const cp = parseCheckpoint(opened.text);
  checkCheckpointOrigin(cp, logKey.name);
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
