/**
 * C2SP checkpoints (c2sp.org/tlog-checkpoint): the signed head of the log.
 *
 *   <origin>\n<tree size, decimal, no leading zero>\n<base64 of the 32-byte RFC 6962 root>\n
 *
 * Plenum's checkpoints carry no extension lines, and a body with any is refused. The origin is a schema-less URL
 * naming the log: non-empty, no Unicode space, no '+'. The log's key name is its origin.
 */
import { HASH_SIZE, type Hash } from './merkle.ts';
import { decodeBase64, isValidKeyName, NoteError, openNote, signNote, type Signer, type Verifier } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

function check(cp: Checkpoint): void {
  if (!isValidKeyName(cp.origin)) throw new NoteError(`invalid checkpoint origin ${JSON.stringify(cp.origin)}`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError(`invalid tree size ${cp.size}`);
  if (cp.root.length !== HASH_SIZE) throw new NoteError(`the root hash has ${cp.root.length} bytes, not ${HASH_SIZE}`);
}

export function formatCheckpoint(cp: Checkpoint): string {
  check(cp);
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.root).toString('base64')}\n`;
}

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
  check(cp);
  return cp;
}

/** The checkpoint as a signed note, signed by the log's key (whose name must be the origin). */
export function signCheckpoint(cp: Checkpoint, logKey: Signer, others: readonly Signer[] = []): string {
  if (logKey.name !== cp.origin) throw new NoteError(`the log key ${logKey.name} is not named after the origin ${cp.origin}`);
  return signNote(formatCheckpoint(cp), [logKey, ...others]);
}

/** Opens a signed checkpoint: it must carry a valid signature of the log's key, and its origin must be that key's name. */
export function openCheckpoint(note: string | Uint8Array, logKey: Verifier): Checkpoint & { note: string } {
  const opened = openNote(note, [logKey]);
  const cp = parseCheckpoint(opened.text);
  if (cp.origin !== logKey.name) throw new NoteError(`the checkpoint's origin ${cp.origin} is not the log ${logKey.name}`);
  return { ...cp, note: typeof note === 'string' ? note : new TextDecoder().decode(note) };
}
