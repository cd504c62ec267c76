/**
 * C2SP witness cosignatures (c2sp.org/tlog-cosignature), the timestamped Ed25519 kind `cosignature/v1`.
 *
 *   key id      = SHA-256(cosigner name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4], big-endian uint32
 *   verifier    = "<name>+<8 lowercase hex key id>+<base64(0x04 || public key)>"
 *   message     = "cosignature/v1\n" || "time <POSIX seconds, decimal, no leading zero>\n" || checkpoint body
 *   signature   = "— <name> " || base64(key id || 8-byte big-endian timestamp || 64-byte Ed25519 signature) || "\n"
 *
 * The cosigner signs with an ordinary Ed25519 `Signer` from note.ts; only the key id (type byte 0x04 rather than
 * 0x01) and the signed message differ, so a note signature (0x01) never passes as a cosignature, nor the reverse: the
 * key ids differ, and so do the signature lengths (4 + 64 against 4 + 8 + 64 bytes). The body must be a Plenum
 * checkpoint body (parseCheckpoint: origin, size, root, no extension lines). Timestamps are whole seconds from 0 to
 * 2^53 − 1 (the spec allows up to 2^63 − 1; larger ones are refused here as far in the future).
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint.ts';
import { EM_DASH_PREFIX, parseSignatureLine } from './note-format.ts';
import { decodeBase64, formatTypedVerifierKey, hex8, isValidKeyName, NoteError, openNote, parseTypedVerifierKey, type Signer } from './note.ts';

export const COSIGNATURE_V1 = 0x04;
const HEADER = 'cosignature/v1\n';
const SIGNATURE_SIZE = 4 + 8 + 64;

export interface CosignatureVerifier {
  name: string;
  /** The 4-byte cosignature key id as an unsigned 32-bit integer. */
  id: number;
  publicKey: Uint8Array;
  key: KeyObject;
}

export interface Cosignature {
  name: string;
  id: number;
  /** POSIX seconds at which the cosignature was made. */
  timestamp: number;
}

const utf8 = new TextEncoder();
const encodeBase64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(utf8.encode(name))
    .update(Uint8Array.of(0x0a, COSIGNATURE_V1))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`invalid cosignature timestamp ${timestamp}`);
}

function checkBody(body: string): void {
  parseCheckpoint(body); // throws NoteError unless a well-formed checkpoint body
}

/** The message a `cosignature/v1` cosigner signs. */
export function cosignatureMessage(body: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  checkBody(body);
  return utf8.encode(`${HEADER}time ${timestamp}\n${body}`);
}

// ---- verifier keys (type 0x04) ----

export function cosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  return formatTypedVerifierKey(name, COSIGNATURE_V1, publicKey, cosignatureKeyId);
}

export function parseCosignatureVerifierKey(vkey: string): CosignatureVerifier {
  return parseTypedVerifierKey(vkey, COSIGNATURE_V1, cosignatureKeyId, 'a cosignature/v1 verifier key has type 0x04 and a 32-byte Ed25519 key');
}

/** The cosignature verifier of a signer's Ed25519 key (under the signer's name). */
export const cosignatureVerifierOf = (s: Signer): CosignatureVerifier =>
  parseCosignatureVerifierKey(cosignatureVerifierKey(s.name, s.publicKey));

// ---- signing and verifying ----

/** The cosignature line ("— name base64\n") of `signer` over the checkpoint body at `timestamp`. */
export function cosign(body: string, signer: Signer, timestamp: number): string {
  if (!isValidKeyName(signer.name)) throw new NoteError(`invalid key name ${JSON.stringify(signer.name)}`);
  const signature = signer.sign(cosignatureMessage(body, timestamp));
  const blob = Buffer.alloc(SIGNATURE_SIZE);
  blob.writeUInt32BE(cosignatureKeyId(signer.name, signer.publicKey), 0);
  blob.writeBigUInt64BE(BigInt(timestamp), 4);
  blob.set(signature, 12);
  return `${EM_DASH_PREFIX}${signer.name} ${encodeBase64(blob)}\n`;
}

/** Verifies one cosignature line over the checkpoint body; throws NoteError unless it is `verifier`'s and valid. */
export function openCosignature(body: string, line: string, verifier: CosignatureVerifier): Cosignature {
  const l = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (!l.startsWith(EM_DASH_PREFIX) || l.includes('\n')) throw new NoteError('a cosignature line starts with "— "');
  const rest = l.slice(EM_DASH_PREFIX.length);
  const space = rest.lastIndexOf(' ');
  if (space < 0) throw new NoteError(`malformed cosignature line ${JSON.stringify(line)}`);
  const name = rest.slice(0, space);
  if (name !== verifier.name) throw new NoteError(`the cosignature is by ${name}, not ${verifier.name}`);
  const blob = Buffer.from(decodeBase64(rest.slice(space + 1), `the cosignature of ${name}`));
  if (blob.length < 4) throw new NoteError(`the cosignature of ${name} is too short`);
  const id = blob.readUInt32BE(0);
  if (id !== verifier.id) throw new NoteError(`the key id ${hex8(id)} is not the cosigner's ${hex8(verifier.id)}`);
  if (blob.length !== SIGNATURE_SIZE) throw new NoteError(`a cosignature/v1 has ${SIGNATURE_SIZE} bytes, not ${blob.length}`);
  const big = blob.readBigUInt64BE(4);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError(`the cosignature timestamp ${big} is out of range`);
  const timestamp = Number(big);
  if (!verify(null, cosignatureMessage(body, timestamp), verifier.key, blob.subarray(12))) {
    throw new NoteError(`the cosignature of ${name}+${hex8(id)} does not verify`);
  }
  return { name, id, timestamp };
}

/** Appends cosignature lines to a signed note (a checkpoint already signed by its log). */
export function addCosignatures(note: string, lines: readonly string[]): string {
  if (!note.endsWith('\n')) throw new NoteError('a signed note ends with a newline');
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX) || !line.endsWith('\n') || line.slice(0, -1).includes('\n')) {
      throw new NoteError('a cosignature line is "— name signature\\n"');
    }
  }
  return note + lines.join('');
}

/**
 * The cosignatures of the given cosigners on a signed checkpoint. The note is first opened with `logKey` (openNote's
 * rules; cosignature lines are unknown keys to it). Lines of a known cosigner (name and 0x04 key id) must verify, or
 * the whole note is refused; other lines are ignored.
 */
export function openCosignatures(
  note: string,
  logKey: Parameters<typeof openNote>[1][number],
  cosigners: readonly CosignatureVerifier[],
): Cosignature[] {
  const { text } = openNote(note, [logKey]);
  const lines = note.slice(text.length + 1, -1).split('\n');
  const found: Cosignature[] = [];
  for (const line of lines) {
    const { name, id } = parseSignatureLine(line); // openNote has read every line already
    const v = cosigners.find((c) => c.name === name && c.id === id);
    if (v) found.push(openCosignature(text, line, v));
  }
  return found;
}
