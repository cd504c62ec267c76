/**
 * The last step of a report's log entry, pure but for node:crypto: the office's signature over the statement (unless
 * the unit's own signature, already checked, is given), the entry's bytes (src/log/entries.ts) and its leaf hash.
 * Shared by the main thread (services/log.ts) and the entry worker (entry-worker.mjs, services/entry-pool.ts): the
 * same bytes wherever it runs. The statement's canonical text is made once, for the signature and for the entry
 * (src/log/report-encode.ts: the bytes `reportEntry` makes, without building them twice).
 */
import { leafHash } from '../log/merkle.ts';
import type { Signer } from '../log/note.ts';
import { encodeReportEntry, statementMessage, statementText } from '../log/report-encode.ts';
import type { ReportStatement } from '../log/signing.ts';

/** An entry as stored: its text and its leaf hash (hex). */
export interface EntryRow {
  entry: string;
  leafHash: string;
}

const decoder = new TextDecoder();

/** Encodes an entry's bytes as stored. */
export function entryRow(bytes: Uint8Array): EntryRow {
  return { entry: decoder.decode(bytes), leafHash: Buffer.from(leafHash(bytes)).toString('hex') };
}

/** The entry of `signed` submitted at `submittedAt`: signed by `signature`'s signer, or carrying the unit's signature (base64) as given. */
export function finishReportEntry(signed: ReportStatement, submittedAt: string, signature: string | Signer): EntryRow {
  let text: string | undefined;
  let value: string;
  if (typeof signature === 'string') {
    value = signature;
    // Only to spare the entry a second encoding: a statement that cannot be encoded goes the full way (its error).
    try {
      text = statementText(signed);
    } catch {
      text = undefined;
    }
  } else {
    // As signReportStatement: the statement's bytes, signed (a statement that cannot be encoded throws here).
    text = statementText(signed);
    value = Buffer.from(signature.sign(statementMessage(text))).toString('base64');
  }
  const e = encodeReportEntry(signed, text, submittedAt, value);
  return { entry: e.text, leafHash: Buffer.from(leafHash(e.bytes)).toString('hex') };
}
