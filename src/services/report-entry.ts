/**
 * The last step of a report's log entry, pure but for node:crypto: the office's signature over the statement (unless
 * the unit's own signature, already checked, is given), the entry's bytes (src/log/entries.ts) and its leaf hash.
 * Shared by the main thread (services/log.ts) and the entry worker (entry-worker.mjs, services/entry-pool.ts): the
 * same bytes wherever it runs.
 */
import { reportEntry, type ReportEntry } from '../log/entries.ts';
import { leafHash } from '../log/merkle.ts';
import type { Signer } from '../log/note.ts';
import { signReportStatement, type ReportStatement } from '../log/signing.ts';

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
  const value = typeof signature === 'string' ? signature : signReportStatement(signed, signature);
  const { type: _t, v: _v, ...fields } = signed;
  return entryRow(reportEntry({ ...fields, submittedAt, signature: value } as Omit<ReportEntry, 'type' | 'v'>));
}
