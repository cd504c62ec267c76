/**
 * A secretary's signature on her report, in the browser (WebCrypto Ed25519). The bytes signed are the report's
 * *statement*, built by the very function the server and the verifier use (src/log/statement.ts: "plenum-report/v1\n"
 * then the canonical JSON of the entry without `signature` and `submittedAt`). Key ids are `ed25519-` and the first 16
 * hex digits of SHA-256 of the raw public key, as src/log/signing.ts names them.
 */
import { reportStatementBytes, type ReportStatement } from '../../../src/log/statement.ts';
import { decodeBase64, encodeBase64, importEd25519PublicKey, sha256, toHex, verifyEd25519 } from './checkpoint.ts';

export type { ReportStatement };

export async function signingKeyId(publicKey: Uint8Array): Promise<string> {
  return `ed25519-${toHex(await sha256(publicKey)).slice(0, 16)}`;
}

/** Lower-case hex SHA-256 of a text's UTF-8, as entries carry the resolution. */
export async function sha256HexOfText(text: string): Promise<string> {
  return toHex(await sha256(new TextEncoder().encode(text)));
}

/** What the report form sends, as the statement its signer signs (the server builds the same from the body). */
export interface SignableReport {
  discussionId: string;
  unitId: string;
  supersedes?: number | null;
  meetingDate: string;
  present: number;
  votes: Record<string, { positions: Record<string, number>; abstain: number }>;
  resolution: string;
}

export async function statementOf(report: SignableReport, keyId: string): Promise<ReportStatement> {
  const supersedes = report.supersedes ?? null;
  return {
    type: 'report',
    v: 1,
    discussionId: report.discussionId,
    unitId: report.unitId,
    version: supersedes === null ? 1 : supersedes + 1,
    supersedes,
    meetingDate: report.meetingDate,
    present: report.present,
    votes: report.votes,
    resolutionSha256: await sha256HexOfText(report.resolution),
    keyId,
    enteredBy: 'unit',
  };
}

/** The standard base64 of the 64-byte Ed25519 signature over the statement. */
export async function signStatement(privateKey: CryptoKey, statement: ReportStatement): Promise<string> {
  const bytes = reportStatementBytes(statement);
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, new Uint8Array(bytes));
  return encodeBase64(new Uint8Array(sig));
}

/** Whether a report entry's signature verifies with this raw public key (the entry's extra fields are left out). */
export async function verifyStatement(publicKey: Uint8Array, entry: ReportStatement & { signature: string; submittedAt?: string }): Promise<boolean> {
  let signature: Uint8Array;
  try {
    signature = decodeBase64(entry.signature, 'the signature');
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  return verifyEd25519(await importEd25519PublicKey(publicKey), signature, reportStatementBytes(entry));
}
