/**
 * C2SP checkpoints (c2sp.org/tlog-checkpoint): the signed head of the log.
 *
 *   <origin>\n<tree size, decimal, no leading zero>\n<base64 of the 32-byte RFC 6962 root>\n
 *
 * Plenum's checkpoints carry no extension lines, and a body with any is refused. The origin is a schema-less URL
 * naming the log: non-empty, no Unicode space, no '+'. The log's key name is its origin.
 */
import { checkCheckpointOrigin, formatCheckpoint, NoteError, parseCheckpoint, type Checkpoint } from './note-format.ts';
import { openNote, signNote, type Signer, type Verifier } from './note.ts';

// The body's rules are note-format.ts's (shared with the browser's web/src/record/checkpoint.ts).
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './note-format.ts';

/** The checkpoint as a signed note, signed by the log's key (whose name must be the origin). */
export function signCheckpoint(cp: Checkpoint, logKey: Signer, others: readonly Signer[] = []): string {
  if (logKey.name !== cp.origin) throw new NoteError(`the log key ${logKey.name} is not named after the origin ${cp.origin}`);
  return signNote(formatCheckpoint(cp), [logKey, ...others]);
}

/** Opens a signed checkpoint: it must carry a valid signature of the log's key, and its origin must be that key's name. */
export function openCheckpoint(note: string | Uint8Array, logKey: Verifier): Checkpoint & { note: string } {
  const opened = openNote(note, [logKey]);
  const cp = parseCheckpoint(opened.text);
  checkCheckpointOrigin(cp, logKey.name);
  return { ...cp, note: typeof note === 'string' ? note : new TextDecoder().decode(note) };
}
