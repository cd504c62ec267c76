/**
 * Who signed a report. A report entry (./entries.ts) carries the Ed25519 signature of the key that vouches for it —
 * the unit secretary's own key, or the office's key for paper minutes the office entered and for reports sent
 * without a personal key — over its statement (./statement.ts).
 *
 * Key ids: `ed25519-` followed by the first 16 lower-case hex digits of SHA-256 of the 32-byte public key. A key is
 * registered in the log by a `key` entry before any report it signs; small-order and non-canonical public keys are
 * refused at registration (note.ts `checkEd25519PublicKey`).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ReportEntry } from './entries.ts';
import { checkEd25519PublicKey, type Signer } from './note.ts';
import { reportStatementBytes, type ReportStatement } from './statement.ts';

export { REPORT_STATEMENT_CONTEXT, reportStatementBytes, type ReportStatement } from './statement.ts';

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
