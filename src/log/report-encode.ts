/**
 * The fast way to a report entry's bytes, for the server that writes one per report (services/report-entry.ts): the
 * same bytes as `reportEntry` (./entries.ts), without building the canonical JSON twice and without zod.
 *
 * A report entry is its statement (./statement.ts) and two more members, `signature` and `submittedAt`; in RFC 8785's
 * order they come right before `supersedes`, which every statement has. So the entry's canonical text is the
 * statement's — already made to be signed — with `"signature":…,"submittedAt":…,` put in front of its top-level
 * `"supersedes":` (the first one: canonical JSON escapes every quote inside a string, so that text can only be a key,
 * and the members before it hold no objects). The result is then checked by the scanner of ./report-scan.ts, which
 * accepts only the one canonical spelling of a valid report entry — exactly what ReportEntrySchema and the canonical
 * check accept, with the same value. Anything it does not accept (an invalid field, an unexpected member) goes the full
 * way, `reportEntry`, which answers with the same bytes or the same error as before. test/log/report-encode.test.ts
 * holds the two to the same answers.
 */
import { canonicalize } from './canonical.ts';
import { reportEntry, type ReportEntry } from './entries.ts';
import { scanReportEntry } from './report-scan.ts';
import { REPORT_STATEMENT_CONTEXT, type ReportStatement } from './statement.ts';

const utf8 = new TextEncoder();
const CONTEXT = utf8.encode(REPORT_STATEMENT_CONTEXT);
const SUPERSEDES = ',"supersedes":';

/** A statement's canonical text (RFC 8785), as `reportStatementBytes` signs it after its context line. */
export function statementText(statement: ReportStatement & { signature?: string; submittedAt?: string }): string {
  const { signature: _s, submittedAt: _t, ...rest } = statement;
  return canonicalize(rest);
}

/** The bytes a signer signs for a statement whose canonical text is `text`: `reportStatementBytes`' bytes. */
export function statementMessage(text: string): Uint8Array {
  const body = utf8.encode(text);
  const out = new Uint8Array(CONTEXT.length + body.length);
  out.set(CONTEXT, 0);
  out.set(body, CONTEXT.length);
  return out;
}

/** A report entry: its text and its bytes (UTF-8). */
export interface EncodedEntry {
  text: string;
  bytes: Uint8Array;
}

/**
 * The entry of statement `signed` (its canonical text `text`, if already made) with `submittedAt` and `signature`:
 * the bytes `reportEntry({ ...signed without type and v, submittedAt, signature })` gives, or its error.
 */
export function encodeReportEntry(signed: ReportStatement, text: string | undefined, submittedAt: string, signature: string): EncodedEntry {
  const fast = text === undefined ? undefined : spliced(text, submittedAt, signature);
  if (fast !== undefined) {
    const bytes = utf8.encode(fast);
    if (scanReportEntry(bytes) !== null) return { text: fast, bytes };
  }
  const { type: _t, v: _v, ...fields } = signed;
  const bytes = reportEntry({ ...fields, submittedAt, signature } as Omit<ReportEntry, 'type' | 'v'>);
  return { text: new TextDecoder().decode(bytes), bytes };
}

/** The statement's text with the two members put in; undefined if it has no top-level `supersedes` or they are no JSON strings. */
function spliced(text: string, submittedAt: string, signature: string): string | undefined {
  const at = text.indexOf(SUPERSEDES);
  if (at < 0 || typeof submittedAt !== 'string' || typeof signature !== 'string') return undefined;
  let members: string;
  try {
    members = `"signature":${canonicalize(signature)},"submittedAt":${canonicalize(submittedAt)},`;
  } catch {
    return undefined;
  }
  return `${text.slice(0, at + 1)}${members}${text.slice(at + 1)}`;
}
