/**
 * The witness's rule (c2sp.org/tlog-witness, `add-checkpoint`): cosign a log's checkpoint only if it extends, by a
 * verified consistency proof, the latest checkpoint of that log the witness has cosigned. Pure: the caller stores the
 * state and must store the new one before it hands out the cosignature.
 *
 *   request body = "old <size>\n" || zero to 63 lines "<base64 of a 32-byte hash>\n" || "\n" || signed checkpoint note
 *   size         = decimal, no leading zero (just "0" for zero)
 *   response     = one "— <witness name> <base64>\n" line per witness key: cosignature/v1 over the checkpoint body
 *
 * The checks, in the spec's order, and the status each refusal answers with:
 *   400  the body is malformed, or the old size exceeds the checkpoint's size
 *   404  the checkpoint's origin is not a log this witness knows (the caller decides this one; see requestOrigin)
 *   403  no signature of the log's key verifies (openNote's rules: unknown keys are ignored, one bad known one refuses)
 *   409  the old size is not the size of the latest cosigned checkpoint (the body then carries that size, as
 *        text/x.tlog.size), or the sizes are equal but the roots differ — the second is evidence of a split view
 *   422  the consistency proof does not verify (a non-empty proof from size 0 or between equal sizes included)
 *
 * A log never seen is at size 0 with the empty tree's root, so the first checkpoint is accepted with "old 0" and no
 * proof, as the spec says; a checkpoint of size 0 must then carry the empty tree's root.
 */
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { cosign } from './cosignature.ts';
import { emptyRoot, equalHashes, HASH_SIZE, ProofError, verifyConsistency, type Hash } from './merkle.ts';
import { decodeBase64, NoteError, openNote, type Signer, type Verifier } from './note.ts';

/** The spec's cap on consistency proof lines: a client MUST NOT send more. */
export const MAX_PROOF_LINES = 63;
/** The Content-Type of a 409 answer whose body is the witness's current size for the origin. */
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** A malformed add-checkpoint request (answered with 400); the message names what is wrong. */
export class WitnessRequestError extends Error {
  override name = 'WitnessRequestError';
}

/** What the witness remembers of one log: its latest cosigned checkpoint (size 0 and the empty root if none). */
export interface WitnessState {
  origin: string;
  size: number;
  root: Hash;
}

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  /** The signed checkpoint note, exactly as sent. */
  checkpoint: string;
}

export type RefusalStatus = 400 | 403 | 404 | 409 | 422;

export type AddCheckpointResult =
  | { ok: true; state: WitnessState; checkpoint: Checkpoint; cosignature: string }
  | { ok: false; status: RefusalStatus; message: string; currentSize?: number };

/** The state of a log the witness has never cosigned. */
export const initialWitnessState = (origin: string): WitnessState => ({ origin, size: 0, root: emptyRoot() });

const SIZE = /^(0|[1-9][0-9]*)$/;

function decodeUtf8(body: Uint8Array | string): string {
  if (typeof body === 'string') return body;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new WitnessRequestError('the request body is not valid UTF-8');
  }
}

/** Reads an add-checkpoint request body; throws WitnessRequestError unless it has the spec's shape. */
export function parseAddCheckpointRequest(body: Uint8Array | string): AddCheckpointRequest {
  const text = decodeUtf8(body);
  let pos = 0;
  let lineNo = 0;
  const nextLine = (what: string): string => {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) throw new WitnessRequestError(`line ${lineNo + 1} (${what}) does not end with a newline`);
    const line = text.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    return line;
  };

  const oldLine = nextLine('the old size');
  const sizeText = oldLine.startsWith('old ') ? oldLine.slice(4) : undefined;
  if (sizeText === undefined || !SIZE.test(sizeText)) {
    throw new WitnessRequestError(`the first line must be "old <size>" (decimal, no leading zero), not ${JSON.stringify(oldLine.slice(0, 40))}`);
  }
  const oldSize = Number(sizeText);
  if (!Number.isSafeInteger(oldSize)) throw new WitnessRequestError(`the old size ${sizeText} is too large`);

  const proof: Hash[] = [];
  for (;;) {
    const line = nextLine('a proof hash or the blank line');
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) throw new WitnessRequestError(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    let hash: Uint8Array;
    try {
      hash = decodeBase64(line, `proof line ${proof.length + 1}`);
    } catch (e) {
      throw new WitnessRequestError((e as Error).message);
    }
    if (hash.length !== HASH_SIZE) throw new WitnessRequestError(`proof line ${proof.length + 1} holds ${hash.length} bytes, not a ${HASH_SIZE}-byte hash`);
    proof.push(hash);
  }

  const checkpoint = text.slice(pos);
  if (checkpoint === '') throw new WitnessRequestError('no checkpoint follows the blank line');
  if (!checkpoint.endsWith('\n')) throw new WitnessRequestError('the checkpoint does not end with a newline');
  return { oldSize, proof, checkpoint };
}

/** The body the log sends to a witness (the inverse of parseAddCheckpointRequest). */
export function formatAddCheckpointRequest(oldSize: number, proof: readonly Hash[], checkpointNote: string): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new WitnessRequestError(`invalid old size ${oldSize}`);
  if (proof.length > MAX_PROOF_LINES) throw new WitnessRequestError(`a proof of ${proof.length} hashes exceeds the ${MAX_PROOF_LINES} lines allowed`);
  proof.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new WitnessRequestError(`proof hash ${i + 1} has ${h.length} bytes, not ${HASH_SIZE}`);
  });
  if (!checkpointNote.endsWith('\n')) throw new WitnessRequestError('a signed checkpoint note ends with a newline');
  const lines = proof.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('');
  return `old ${oldSize}\n${lines}\n${checkpointNote}`;
}

/**
 * The origin line of the checkpoint in a request, before any signature is checked: the witness needs it to find the
 * log's key and state (an unknown origin is a 404). Throws WitnessRequestError for a malformed body.
 */
export function requestOrigin(body: Uint8Array | string): string {
  const { checkpoint } = parseAddCheckpointRequest(body);
  return checkpoint.slice(0, checkpoint.indexOf('\n'));
}

const refuse = (status: RefusalStatus, message: string, currentSize?: number): AddCheckpointResult =>
  currentSize === undefined ? { ok: false, status, message } : { ok: false, status, message, currentSize };

/**
 * Decides one add-checkpoint request against the witness's state of the log. `state.origin` must be the log key's
 * name (the log's key name is its origin). On success the caller must persist `state` before it returns
 * `cosignature` — and must run the calls of one origin one at a time, or two requests checked against the same old
 * state could both be cosigned and the stored size roll back (the race the spec describes).
 */
export function addCheckpoint(
  state: WitnessState,
  body: Uint8Array | string,
  logVerifier: Verifier,
  witnessSigner: Signer,
  nowSeconds: number,
): AddCheckpointResult {
  if (state.origin !== logVerifier.name) throw new Error(`the state of ${state.origin} was given with the key of ${logVerifier.name}`);

  let request: AddCheckpointRequest;
  try {
    request = parseAddCheckpointRequest(body);
  } catch (e) {
    if (e instanceof WitnessRequestError) return refuse(400, e.message);
    throw e;
  }
  const { oldSize, proof, checkpoint: note } = request;

  const origin = note.slice(0, note.indexOf('\n'));
  if (origin !== state.origin) return refuse(404, `unknown log ${JSON.stringify(origin.slice(0, 100))}`);

  let text: string;
  try {
    text = openNote(note, [logVerifier]).text;
  } catch (e) {
    if (e instanceof NoteError) return refuse(403, `the checkpoint carries no valid signature of ${origin}: ${e.message}`);
    throw e;
  }
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    if (e instanceof NoteError) return refuse(400, `the checkpoint is malformed: ${e.message}`);
    throw e;
  }

  if (oldSize > cp.size) return refuse(400, `the old size ${oldSize} exceeds the checkpoint's size ${cp.size}`);
  if (oldSize !== state.size) {
    return refuse(409, `the latest checkpoint of ${origin} this witness cosigned has size ${state.size}, not ${oldSize}`, state.size);
  }

  if (oldSize === cp.size) {
    if (proof.length > 0) return refuse(422, `the sizes are equal (${cp.size}) but the consistency proof is not empty`);
    // Same size, another root: the log signed two different trees of one size — a split view, not a stale client.
    if (!equalHashes(state.root, cp.root)) return refuse(409, `the checkpoint's root differs from the cosigned root at size ${cp.size}`);
  } else if (oldSize === 0) {
    if (proof.length > 0) return refuse(422, 'a consistency proof from size 0 must be empty');
  } else {
    try {
      verifyConsistency(oldSize, cp.size, proof, state.root, cp.root);
    } catch (e) {
      if (e instanceof ProofError) return refuse(422, `the consistency proof from ${oldSize} to ${cp.size} does not verify: ${e.message}`);
      throw e;
    }
  }

  return {
    ok: true,
    state: { origin, size: cp.size, root: cp.root },
    checkpoint: cp,
    cosignature: cosign(text, witnessSigner, nowSeconds),
  };
}
