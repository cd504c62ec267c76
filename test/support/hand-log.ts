/**
 * Logs built by hand with src/log alone (no database, no server), for the verifier's tests: a tiny discussion d1
 * (one question, positions a and b; reporting closes 2024-01-15), the office's and a secretary's keys, reports signed
 * over their statement, and the published files of a log.
 */
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { discussionEntry, keyEntry, reportEntry, sha256Hex, type ReportEntry, type RollUnit } from '../../src/log/entries.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { generateSigner, verifierKey, type Signer } from '../../src/log/note.ts';
import { signingKeyId, signReportStatement } from '../../src/log/signing.ts';
import { encodeBundle, entryBundlePath, textPath, TILE_WIDTH, tileMap, tilesFromLeafHashes } from '../../src/log/tiles.ts';
import type { RecordSource } from '../../src/log/verify.ts';

export const ORIGIN = 'plenum.test/d1';
export const logKey = generateSigner(ORIGIN);
export const office = generateSigner('office');
export const unitKey = generateSigner('b2-secretary');
export const newOffice = generateSigner('office-2');
export const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
export const idOf = (s: Signer) => signingKeyId(s.publicKey);

export const discussion = discussionEntry({
  discussionId: 'd1',
  titleSha256: sha256Hex('A test'),
  rules: { quorum: '0.5', majority: 'votes-cast', publicMinUnitSize: 0, witnesses: { required: 0, keys: [] } },
  questions: [{ id: 'q1', positions: ['a', 'b'] }],
  reportingClosesAt: '2024-01-15T00:00:00Z',
});
export const enrol = (s: Signer, unitId: string, approvedBy = 'organization') =>
  keyEntry({ action: 'enrol', keyId: idOf(s), unitId, publicKey: b64(s.publicKey), approvedBy });
export const ROLL: RollUnit[] = [
  ['root', null, 0],
  ['b1', 'root', 10],
  ['b2', 'root', 5],
];

export function signed(over: Partial<ReportEntry>, signer: Signer = office, keyId = idOf(signer)): Uint8Array {
  const statement = {
    type: 'report' as const,
    v: 1 as const,
    discussionId: 'd1',
    unitId: 'b1',
    version: 1,
    supersedes: null,
    meetingDate: '2024-01-05',
    present: 6,
    votes: { q1: { positions: { a: 4, b: 1 }, abstain: 1 } },
    resolutionSha256: sha256Hex('resolved'),
    keyId,
    enteredBy: 'office' as const,
    ...over,
  };
  const { type: _t, v: _v, ...fields } = statement;
  return reportEntry({ ...fields, submittedAt: over.submittedAt ?? '2024-01-05T12:00:00.000Z', signature: signReportStatement(statement, signer) });
}

/** The published files of a log of `entries`, with `units` as tallies.json's. */
export function publish(entries: Uint8Array[], units: unknown[], logSize = entries.length): Map<string, Uint8Array> {
  const leaves = entries.map(leafHash);
  const files = tileMap(tilesFromLeafHashes(leaves));
  for (let i = 0; i * TILE_WIDTH < entries.length; i++) {
    const chunk = entries.slice(i * TILE_WIDTH, (i + 1) * TILE_WIDTH);
    files.set(entryBundlePath(i, chunk.length), encodeBundle(chunk));
  }
  const text = (s: string) => new TextEncoder().encode(s);
  files.set('checkpoint', text(signCheckpoint({ origin: ORIGIN, size: entries.length, root: merkleRoot(leaves) }, logKey)));
  files.set('vkey', text(`${verifierKey(logKey.name, logKey.publicKey)}\n`));
  files.set(textPath(sha256Hex('A test')), text('A test'));
  files.set('tallies.json', text(JSON.stringify({ discussionId: 'd1', logSize, asOf: '2024-01-05T12:00:00.000Z', provisional: false, units })));
  return files;
}

export const memory = (files: Map<string, Uint8Array>): RecordSource => ({ description: 'memory', read: async (p) => files.get(p) ?? null });

/** The log's verifier key, as --vkey takes it. */
export const VKEY = verifierKey(logKey.name, logKey.publicKey);
