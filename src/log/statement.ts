/**
 * A report's *statement*: the bytes its signer signs (docs/verifiable-record.md, "Signatures"). Pure — no Node
 * imports — so the web app builds exactly the same bytes in the secretary's browser as the server and the verifier.
 *
 *   "plenum-report/v1\n" || canonical JSON (RFC 8785) of the report entry without `signature` and `submittedAt`
 *
 * `submittedAt` is set by the server after the signer signed; everything else — the version included (1, or
 * `supersedes` + 1) — the signer knows beforehand. The log's checkpoint covers `submittedAt`.
 */
import { canonicalBytes } from './canonical.ts';

export const REPORT_STATEMENT_CONTEXT = 'plenum-report/v1\n';

/** The fields of a report entry that its signer signs. */
export interface ReportStatement {
  type: 'report';
  v: 1;
  discussionId: string;
  unitId: string;
  version: number;
  supersedes: number | null;
  meetingDate: string;
  present: number;
  votes: Record<string, { positions: Record<string, number>; abstain: number }>;
  resolutionSha256: string;
  keyId: string;
  enteredBy: 'unit' | 'office';
}

/** The statement of a report (an entry's extra fields, `signature` and `submittedAt`, are left out). */
export function reportStatementBytes(entry: ReportStatement & { signature?: string; submittedAt?: string }): Uint8Array {
  const { signature: _s, submittedAt: _t, ...statement } = entry;
  const body = canonicalBytes(statement);
  const context = new TextEncoder().encode(REPORT_STATEMENT_CONTEXT);
  const out = new Uint8Array(context.length + body.length);
  out.set(context, 0);
  out.set(body, context.length);
  return out;
}
