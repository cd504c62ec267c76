/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys (signature type 0x01), on node:crypto.
 *
 *   note        = text (ending in "\n") || "\n" || one or more lines "— <key name> <base64(key id || signature)>\n"
 *   key id      = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], big-endian uint32
 *   verifier    = "<name>+<8 lowercase hex key id>+<base64(0x01 || public key)>"
 *   signer key  = "PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>" (Go's sumdb/note form)
 *
 * Opening a note: it must be valid UTF-8 without control characters other than "\n"; the text ends at the last blank
 * line; signatures from unknown keys (name and id not both known) are ignored; every signature from a known key is
 * verified and one bad signature rejects the whole note (stricter than Go, which skips a repeated name+id); a note with no
 * verified signature is rejected. Public keys of small order or with a non-canonical encoding are refused when a
 * verifier key is read, since verifiers disagree on them (node:crypto accepts R = identity, S = 0 for the identity key).
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/** A note, a key or a signature that is malformed or does not verify; the message names what is wrong. */
export class NoteError extends Error {
  override name = 'NoteError';
}

export const ED25519 = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface Verifier {
  name: string;
  /** The 4-byte key id as an unsigned 32-bit integer. */
  id: number;
  publicKey: Uint8Array;
  key: KeyObject;
}

export interface Signer {
  name: string;
  id: number;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

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

const utf8 = new TextEncoder();

/** Key names: non-empty, no Unicode space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Surrogate}]/u.test(name);
}

export function keyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(utf8.encode(name)).update(Uint8Array.of(0x0a, ED25519)).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export const hex8 = (id: number) => id.toString(16).padStart(8, '0');

/** Standard base64 (RFC 4648 §4), padded, canonical; anything else is refused. */
export function decodeBase64(s: string, what: string): Uint8Array {
  const bytes = Buffer.from(s, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0 || bytes.toString('base64') !== s) {
    throw new NoteError(`${what} is not canonical base64`);
  }
  return new Uint8Array(bytes);
}
const encodeBase64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

// ---- Ed25519 public keys: canonical and not of small order ----

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

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    throw new NoteError('the public key is not an Ed25519 point');
  }
}

// ---- verifier keys ----

/**
 * A typed verifier key `name+<hex key id>+base64(type || public key)`: note keys (0x01) and witness cosignature keys
 * (0x04, src/log/cosignature.ts) share the shape and differ in the type byte and how the key id is derived.
 */
export function formatTypedVerifierKey(name: string, type: number, publicKey: Uint8Array, idOf: (name: string, publicKey: Uint8Array) => number): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  checkEd25519PublicKey(publicKey);
  return `${name}+${hex8(idOf(name, publicKey))}+${encodeBase64(Uint8Array.of(type, ...publicKey))}`;
}

/** Reads a typed verifier key; the base64 may itself contain '+'. `wrongType` is the refusal for another key type. */
export function parseTypedVerifierKey(
  vkey: string,
  type: number,
  idOf: (name: string, publicKey: Uint8Array) => number,
  wrongType: string,
): { name: string; id: number; publicKey: Uint8Array; key: KeyObject } {
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!m) throw new NoteError('a verifier key is name+keyid+key');
  const [, name, idHex, key64] = m as unknown as [string, string, string, string];
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('the key id of a verifier key is 8 lowercase hex digits');
  const typed = decodeBase64(key64, 'the verifier key');
  if (typed.length !== 33 || typed[0] !== type) throw new NoteError(wrongType);
  const publicKey = typed.slice(1);
  const id = idOf(name, publicKey);
  if (hex8(id) !== idHex) throw new NoteError(`the key id ${idHex} does not match the key (${hex8(id)})`);
  checkEd25519PublicKey(publicKey);
  return { name, id, publicKey, key: publicKeyObject(publicKey) };
}

export function verifierKey(name: string, publicKey: Uint8Array): string {
  return formatTypedVerifierKey(name, ED25519, publicKey, keyId);
}

/** Reads `name+hexid+base64(0x01 || key)`. */
export function parseVerifierKey(vkey: string): Verifier {
  return parseTypedVerifierKey(vkey, ED25519, keyId, 'only Ed25519 verifier keys (type 0x01, 32 bytes) are supported');
}

// ---- signers ----

export function signerFromSeed(name: string, seed: Uint8Array): Signer {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed has 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  checkEd25519PublicKey(publicKey);
  return { name, id: keyId(name, publicKey), publicKey, sign: (message) => new Uint8Array(sign(null, message, key)) };
}

export const generateSigner = (name: string): Signer => signerFromSeed(name, randomBytes(32));

export function signerKey(name: string, seed: Uint8Array): string {
  const s = signerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${hex8(s.id)}+${encodeBase64(Uint8Array.of(ED25519, ...seed))}`;
}

export function parseSignerKey(skey: string): Signer {
  const m = /^PRIVATE\+KEY\+([^+]*)\+([^+]*)\+(.*)$/s.exec(skey);
  if (!m) throw new NoteError('a signer key is PRIVATE+KEY+name+keyid+key');
  const [, name, idHex, key64] = m as unknown as [string, string, string, string];
  const typed = decodeBase64(key64, 'the signer key');
  if (typed.length !== 33 || typed[0] !== ED25519) throw new NoteError('only Ed25519 signer keys (type 0x01) are supported');
  const signer = signerFromSeed(name, typed.slice(1));
  if (hex8(signer.id) !== idHex) throw new NoteError(`the key id ${idHex} does not match the key (${hex8(signer.id)})`);
  return signer;
}

export const verifierOf = (s: Signer): Verifier => parseVerifierKey(verifierKey(s.name, s.publicKey));

// ---- notes ----

function checkNoteChars(s: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\p{Surrogate}]/u.test(s)) throw new NoteError(`${what} holds a control character or invalid UTF-8`);
}

export function signNote(text: string, signers: readonly Signer[]): string {
  if (!text.endsWith('\n')) throw new NoteError('a note text ends with a newline');
  checkNoteChars(text, 'the note text');
  if (signers.length === 0) throw new NoteError('a note needs at least one signature');
  const message = utf8.encode(text);
  const lines = signers.map((s) => {
    if (!isValidKeyName(s.name)) throw new NoteError(`invalid key name ${JSON.stringify(s.name)}`);
    const idBytes = Buffer.alloc(4);
    idBytes.writeUInt32BE(s.id);
    return `${EM_DASH_PREFIX}${s.name} ${encodeBase64(new Uint8Array([...idBytes, ...s.sign(message)]))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Opens a signed note with the keys given; throws NoteError unless it is well-formed and verified by one of them. */
export function openNote(note: string | Uint8Array, known: readonly Verifier[]): OpenedNote {
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
    const id = Buffer.from(blob).readUInt32BE(0);
    const signature = { name, id, base64: b64 };
    const v = known.find((k) => k.name === name && k.id === id);
    if (!v) {
      unverified.push(signature);
      continue;
    }
    if (blob.length !== 4 + 64 || !verify(null, message, v.key, blob.subarray(4))) {
      throw new NoteError(`the signature of ${name}+${hex8(id)} does not verify`);
    }
    verified.push(signature);
  }
  if (verified.length === 0) throw new NoteError('the note is not signed by any of the keys given');
  return { text, verified, unverified };
}
