/**
 * The text rules of C2SP signed notes (c2sp.org/signed-note), verifier keys and checkpoints (c2sp.org/tlog-checkpoint),
 * without any cryptography: pure functions over strings and bytes, with no Node import and no Buffer, so that the
 * server (src/log/note.ts, checkpoint.ts, cosignature.ts, on node:crypto) and the browser (web/src/record/checkpoint.ts,
 * on WebCrypto) read notes by the very same rules and refuse them with the very same messages. Hashing (key ids) and
 * signature verification stay with the callers.
 *
 *   note        = text (ending in "\n") || "\n" || one or more lines "— <key name> <base64(key id || signature)>\n"
 *   verifier    = "<name>+<8 lowercase hex key id>+<base64(type || public key)>"
 *   checkpoint  = "<origin>\n<tree size, decimal, no leading zero>\n<base64 of the 32-byte root>\n" (no extension lines)
 */
import { HASH_SIZE, type Hash } from './merkle-verify.ts';
import type { Steps } from './steps.ts';

/** A note, a key or a signature that is malformed or does not verify; the message names what is wrong. */
export class NoteError extends Error {
  override name = 'NoteError';
}

/** The signature type byte of Ed25519 note keys. */
export const ED25519 = 0x01;
export const EM_DASH_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

/** Key names: non-empty, no Unicode space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Surrogate}]/u.test(name);
}

export const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

/** The big-endian uint32 at `at` (a key id). */
export const readUint32BE = (bytes: Uint8Array, at = 0): number => new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);

// ---- base64 (atob/btoa: in browsers and in Node ≥ 16) ----

export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Standard base64 (RFC 4648 §4), padded, canonical; anything else is refused. */
export function decodeBase64(s: string, what: string): Uint8Array {
  const refuse = () => new NoteError(`${what} is not canonical base64`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw refuse();
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw refuse();
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (encodeBase64(bytes) !== s) throw refuse();
  return bytes;
}

// ---- Ed25519 public keys: canonical and not of small order (arithmetic only) ----

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

// ---- verifier keys ----

export interface VerifierKeyText {
  name: string;
  /** The key id as written: 8 lowercase hex digits. */
  idHex: string;
  /** The public key, after the type byte. */
  publicKey: Uint8Array;
}

/**
 * Reads the text of a typed verifier key `name+<hex key id>+base64(type || public key)` (the base64 may itself contain
 * '+'). `wrongType` is the refusal for another key type. The caller then derives the key id (a hash), checks it with
 * `checkKeyId`, and checks the public key (`checkEd25519PublicKey`, then its crypto library's import).
 */
export function parseVerifierKeyText(vkey: string, type: number, wrongType: string): VerifierKeyText {
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!m) throw new NoteError('a verifier key is name+keyid+key');
  const [, name, idHex, key64] = m as unknown as [string, string, string, string];
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('the key id of a verifier key is 8 lowercase hex digits');
  const typed = decodeBase64(key64, 'the verifier key');
  if (typed.length !== 33 || typed[0] !== type) throw new NoteError(wrongType);
  return { name, idHex, publicKey: typed.slice(1) };
}

/** Refuses a key whose written id is not the one derived from it. */
export function checkKeyId(idHex: string, id: number): void {
  if (hex8(id) !== idHex) throw new NoteError(`the key id ${idHex} does not match the key (${hex8(id)})`);
}

// ---- signed notes ----

export interface NoteSignature {
  name: string;
  id: number;
  /** base64(key id || signature), as on the signature line. */
  base64: string;
}

export interface OpenedNote {
  text: string;
  /** Signatures of known keys, each verified. */
  verified: NoteSignature[];
  /** Signatures of keys not given to `openNote`, ignored (not verified). */
  unverified: NoteSignature[];
}

/** A signature line, read: the key id is the blob's first 4 bytes, the signature the rest. */
export interface SignatureLine extends NoteSignature {
  blob: Uint8Array;
}

/** Refuses control characters other than "\n" (and lone surrogates, which were invalid UTF-8). */
export function checkNoteChars(s: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\p{Surrogate}]/u.test(s)) throw new NoteError(`${what} holds a control character or invalid UTF-8`);
}

/**
 * Splits a signed note into its text (up to and including the newline before the last blank line) and its signature
 * lines (not yet read: `parseSignatureLine` reads each, so that a caller verifying as it goes refuses in line order).
 */
export function splitNote(note: string | Uint8Array): { text: string; lines: string[] } {
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
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`the note has more than ${MAX_SIGNATURES} signatures`);
  return { text, lines };
}

/** Reads one signature line "— <name> <base64(key id || signature)>" (without its newline). */
export function parseSignatureLine(line: string): SignatureLine {
  if (!line.startsWith(EM_DASH_PREFIX)) throw new NoteError(`a signature line must start with "— ": ${JSON.stringify(line)}`);
  const rest = line.slice(EM_DASH_PREFIX.length);
  const space = rest.lastIndexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name) || b64 === '') throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
  const blob = decodeBase64(b64, `the signature of ${name}`);
  if (blob.length < 5) throw new NoteError(`the signature of ${name} is too short`);
  return { name, id: readUint32BE(blob), base64: b64, blob };
}

/** A signature openNote needs checked: does `signature` (64 bytes) by `verifier`'s key hold over `message`? */
export interface SignatureCheck<V> {
  verifier: V;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * Opening a signed note with the keys given (run by steps.ts's runSync/runAsync, the caller answering each signature
 * check with its Ed25519): signatures by keys not given (name and id not both known) are ignored; every signature by a
 * known key is checked, and one that does not verify refuses the whole note; a note with no verified signature is
 * refused. The lines are read and checked in order, so the first fault found is the one reported.
 */
export function* openNoteSteps<V extends { name: string; id: number }>(
  note: string | Uint8Array,
  known: readonly V[],
): Steps<SignatureCheck<V>, boolean, OpenedNote> {
  const { text, lines } = splitNote(note);
  const message = new TextEncoder().encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const line of lines) {
    const { blob, ...signature } = parseSignatureLine(line);
    const verifier = known.find((k) => k.name === signature.name && k.id === signature.id);
    if (!verifier) {
      unverified.push(signature);
      continue;
    }
    if (blob.length !== 4 + 64 || !(yield { verifier, message, signature: blob.subarray(4) })) {
      throw new NoteError(`the signature of ${signature.name}+${hex8(signature.id)} does not verify`);
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

/** Refuses a checkpoint whose origin, size or root hash cannot be written as a checkpoint body. */
export function checkCheckpoint(cp: Checkpoint): void {
  if (!isValidKeyName(cp.origin)) throw new NoteError(`invalid checkpoint origin ${JSON.stringify(cp.origin)}`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError(`invalid tree size ${cp.size}`);
  if (cp.root.length !== HASH_SIZE) throw new NoteError(`the root hash has ${cp.root.length} bytes, not ${HASH_SIZE}`);
}

export function formatCheckpoint(cp: Checkpoint): string {
  checkCheckpoint(cp);
  return `${cp.origin}\n${cp.size}\n${encodeBase64(cp.root)}\n`;
}

/** Reads a checkpoint body (the text of the signed note). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('a checkpoint body ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint body has three lines: origin, size, root hash');
  if (lines.length > 3) throw new NoteError('a Plenum checkpoint has no extension lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteError(`the tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteError(`the tree size ${sizeText} is too large`);
  const cp = { origin, size, root: decodeBase64(rootText, 'the root hash') };
  checkCheckpoint(cp);
  return cp;
}

/** Refuses a checkpoint whose origin is not the name of the log key that signed it. */
export function checkCheckpointOrigin(cp: Checkpoint, logKeyName: string): void {
  if (cp.origin !== logKeyName) throw new NoteError(`the checkpoint's origin ${cp.origin} is not the log ${logKeyName}`);
}
