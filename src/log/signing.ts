/**
 * Who signed a report, and over what. A report entry (./entries.ts) carries the Ed25519 signature of the key that
 * vouches for it — the unit secretary's own key, or the office's key for paper minutes the office entered and for
 * reports sent without a personal key — over its *statement*:
 *
 *   "plenum-report/v1\n" || canonical JSON (RFC 8785) of the entry without `signature` and without `submittedAt`
 *
 * `submittedAt` is left out because the server sets it after the signer signed; everything else, the version
 * included (1, or `supersedes` + 1), is known to the signer beforehand. The log's checkpoint covers `submittedAt`.
 *
 * Key ids: `ed25519-` followed by the first 16 lower-case hex digits of SHA-256 of the 32-byte public key. A key is
 * registered in the log by a `key` entry before any report it signs; verification follows note.ts's rule
 * (small-order and non-canonical public keys are refused at registration).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical.ts';
import type { ReportEntry } from './entries.ts';
import { checkEd25519PublicKey, type Signer } from './note.ts';

export const REPORT_STATEMENT_CONTEXT = 'plenum-report/v1\n';

/** The fields of a report entry its signer signs. */
export type ReportStatement = Omit<ReportEntry, 'signature' | 'submittedAt'>;

export function reportStatementBytes(entry: ReportStatement | ReportEntry): Uint8Array {
  const { signature: _s, submittedAt: _t, ...statement } = entry as ReportEntry;
  const body = canonicalBytes(statement);
  const out = new Uint8Array(REPORT_STATEMENT_CONTEXT.length + body.length);
  out.set(new TextEncoder().encode(REPORT_STATEMENT_CONTEXT), 0);
  out.set(body, REPORT_STATEMENT_CONTEXT.length);
  return out;
}

export function signingKeyId(publicKey: Uint8Array): string {
  return `ed25519-${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

/** Signs a report's statement; the standard base64 of the signature, as the entry carries it. */
export function signReportStatement(statement: ReportStatement, signer: Signer): string {
  return Buffer.from(signer.sign(reportStatementBytes(statement))).toString('base64');
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A public key object for verifying many signatures of one key (creating it is the costly part). */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  checkEd25519PublicKey(publicKey);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

export function verifyReportSignature(entry: ReportEntry, key: KeyObject): boolean {
  const signature = Buffer.from(entry.signature, 'base64');
  if (signature.length !== 64) return false;
  return verify(null, reportStatementBytes(entry), key, signature);
}
