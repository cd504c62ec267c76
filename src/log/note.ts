/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys (signature type 0x01), on node:crypto. The text rules
 * (line format, key names, base64, checkpoint bodies) are note-format.ts's, shared with the browser.
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
import {
  checkEd25519PublicKey,
  checkKeyId,
  checkNoteChars,
  decodeBase64,
  ED25519,
  EM_DASH_PREFIX,
  encodeBase64,
  hex8,
  isValidKeyName,
  openNoteSteps,
  NoteError,
  parseVerifierKeyText,
  type OpenedNote,
} from './note-format.ts';
import { runSync } from './steps.ts';

// The text rules live in note-format.ts (shared with the browser); re-exported so that imports of note.ts keep working.
export { checkEd25519PublicKey, decodeBase64, ED25519, hex8, isValidKeyName, NoteError, type NoteSignature, type OpenedNote } from './note-format.ts';

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

const utf8 = new TextEncoder();

export function keyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(utf8.encode(name)).update(Uint8Array.of(0x0a, ED25519)).update(publicKey).digest();
  return digest.readUInt32BE(0);
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
  const { name, idHex, publicKey } = parseVerifierKeyText(vkey, type, wrongType);
  const id = idOf(name, publicKey);
  checkKeyId(idHex, id);
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
  checkKeyId(idHex, signer.id);
  return signer;
}

export const verifierOf = (s: Signer): Verifier => parseVerifierKey(verifierKey(s.name, s.publicKey));

// ---- notes ----

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
  return runSync(openNoteSteps(note, known), (c) => verify(null, c.message, c.verifier.key, c.signature));
}
