/**
 * C2SP transparency log proofs (c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in the log.
 *
 *   c2sp.org/tlog-proof@v1\n
 *   [extra <base64 of opaque, unauthenticated data>\n]
 *   index <decimal, no leading zero>\n
 *   <base64 of each inclusion proof hash, leaf's sibling first>\n ...
 *   \n
 *   <the signed checkpoint note, verbatim>
 *
 * Parsing is strict: canonical base64, 32-byte hashes, no empty extra, the index a safe integer, the checkpoint part a
 * non-empty text ending in a newline. Verification opens the checkpoint with the log's key (checkpoint.ts) and checks
 * the entry's RFC 6962 leaf hash at the index against the checkpoint's size and root (merkle.ts).
 */
import { openCheckpoint, type Checkpoint } from './checkpoint.ts';
import { HASH_SIZE, leafHash, ProofError, verifyInclusion, type Hash } from './merkle.ts';
import { decodeBase64, NoteError, parseVerifierKey, type Verifier } from './note.ts';

export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  index: number;
  /** The inclusion proof, from the leaf's sibling up to the root's child. */
  proof: Hash[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  /** Opaque extra data; not authenticated. */
  extra?: Uint8Array;
}

/** A proof text that is malformed. */
export class ProofFormatError extends Error {
  override name = 'ProofFormatError';
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new ProofFormatError(`invalid index ${index}`);
}

function checkCheckpointText(checkpoint: string): void {
  if (checkpoint === '' || !checkpoint.endsWith('\n') || checkpoint.startsWith('\n')) {
    throw new ProofFormatError('the checkpoint part is a signed note ending in a newline');
  }
}

export function formatProof(p: TlogProof): string {
  checkIndex(p.index);
  checkCheckpointText(p.checkpoint);
  p.proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new ProofFormatError(`proof hash ${i} has ${h.length} bytes, not ${HASH_SIZE}`);
  });
  if (p.extra !== undefined && p.extra.length === 0) throw new ProofFormatError('extra data, when present, is not empty');
  const lines = [PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${b64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map(b64));
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

function decode(s: string, what: string): Uint8Array {
  try {
    return decodeBase64(s, what);
  } catch (e) {
    if (e instanceof NoteError) throw new ProofFormatError(e.message);
    throw e;
  }
}

export function parseProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new ProofFormatError('a proof has an empty line before its checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  checkCheckpointText(checkpoint);
  if (lines[0] !== PROOF_HEADER) throw new ProofFormatError(`a proof starts with the line ${PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith('extra ')) {
    extra = decode(lines[i]!.slice('extra '.length), 'the extra data');
    if (extra.length === 0) throw new ProofFormatError('extra data, when present, is not empty');
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i] ?? '');
  if (!m) throw new ProofFormatError('the index line is "index <decimal>"');
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new ProofFormatError(`the index ${m[1]} is too large`);
  const proof = lines.slice(i + 1).map((line, k) => {
    const h = decode(line, `proof hash ${k}`);
    if (h.length !== HASH_SIZE) throw new ProofFormatError(`proof hash ${k} has ${h.length} bytes, not ${HASH_SIZE}`);
    return h;
  });
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

/**
 * Verifies a Plenum receipt on its own: a proof whose `extra` data is the entry's bytes (as the server's receipts
 * carry them). The entry is then proved as `verifyProof` does. Throws as it does, and ProofFormatError without extra.
 */
export function verifyReceipt(proofText: string, logVerifierKey: Verifier | string): TlogProof & { verified: Checkpoint; entry: Uint8Array } {
  const { extra } = parseProof(proofText);
  if (!extra) throw new ProofFormatError('this proof carries no entry (no extra line): give the entry to check it against');
  return { ...verifyProof(proofText, extra, logVerifierKey), entry: extra };
}

/**
 * Verifies a proof text for `entry`: the checkpoint must be signed by the log's key (a Verifier or a vkey string), and
 * the inclusion proof must lead from the entry's leaf hash at the index to the checkpoint's root. Throws
 * ProofFormatError, NoteError or ProofError; returns the parsed proof and the verified checkpoint.
 */
export function verifyProof(
  proofText: string,
  entry: Uint8Array,
  logVerifierKey: Verifier | string,
): TlogProof & { verified: Checkpoint } {
  const p = parseProof(proofText);
  const logKey = typeof logVerifierKey === 'string' ? parseVerifierKey(logVerifierKey) : logVerifierKey;
  const cp = openCheckpoint(p.checkpoint, logKey);
  if (p.index >= cp.size) throw new ProofError(`index ${p.index} is beyond the checkpoint's tree size ${cp.size}`);
  verifyInclusion(p.index, cp.size, leafHash(entry), p.proof, cp.root);
  return { ...p, verified: { origin: cp.origin, size: cp.size, root: cp.root } };
}
