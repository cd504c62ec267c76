/**
 * The browser's record checker (web/src/record/checkpoint.ts, signing.ts), run under Node's WebCrypto: it must agree
 * with the server's src/log on every transparency-dev consistency and inclusion vector, open the checkpoints
 * src/log/checkpoint.ts signs (and refuse forged, re-signed or malformed ones), read receipts and bundles as the server
 * writes them, and make report signatures src/log/signing.ts verifies.
 */
import { describe, expect, it } from 'vitest';
import * as web from '../../web/src/record/checkpoint.ts';
import { signingKeyId as webKeyId, signStatement, statementOf, verifyStatement } from '../../web/src/record/signing.ts';
import { formatCheckpoint, signCheckpoint } from '../../src/log/checkpoint.ts';
import { consistencyProof, inclusionProof, leafHash, merkleRoot, verifyConsistency } from '../../src/log/merkle.ts';
import { generateSigner, signerFromSeed, signNote, verifierKey } from '../../src/log/note.ts';
import { addCosignatures, cosign } from '../../src/log/cosignature.ts';
import { formatProof } from '../../src/log/proof.ts';
import { entryBundlePath, encodeBundle } from '../../src/log/tiles.ts';
import { ed25519PublicKey, signingKeyId, verifyReportSignature } from '../../src/log/signing.ts';
import type { ReportEntry } from '../../src/log/entries.ts';

import { b64, consistencyFiles, hashes, haveVectors, inclusionFiles, int, load, vectorName } from '../support/rfc6962-vectors.ts';

describe.skipIf(!haveVectors)('the browser checker on the RFC 6962 vectors (transparency-dev/merkle)', () => {
  it('has them all', () => {
    expect(consistencyFiles.length).toBeGreaterThanOrEqual(90);
    expect(inclusionFiles.length).toBeGreaterThanOrEqual(90);
  });

  it.each(consistencyFiles.map((f) => [vectorName(f), f]))('consistency %s', async (_name, file) => {
    const v = load(file);
    const run = () => web.verifyConsistency(int(v.size1), int(v.size2), hashes(v.proof), b64(v.root1), b64(v.root2));
    if (v.wantErr) await expect(run()).rejects.toThrow(web.ProofError);
    else await expect(run()).resolves.toBeUndefined();
    // …and it agrees with the server's verifier.
    let server = true;
    try {
      verifyConsistency(int(v.size1), int(v.size2), hashes(v.proof), b64(v.root1), b64(v.root2));
    } catch {
      server = false;
    }
    expect(server).toBe(!v.wantErr);
  });

  it.each(inclusionFiles.map((f) => [vectorName(f), f]))('inclusion %s', async (_name, file) => {
    const v = load(file);
    const run = () => web.verifyInclusion(int(v.leafIdx), int(v.treeSize), b64(v.leafHash), hashes(v.proof), b64(v.root));
    if (v.wantErr) await expect(run()).rejects.toThrow(web.ProofError);
    else await expect(run()).resolves.toBeUndefined();
  });
});

describe('consistency between trees built by src/log', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
  it('holds between every pair of sizes, and fails once an earlier leaf changed', async () => {
    for (const [m, n] of [[1, 2], [3, 7], [4, 8], [5, 70], [32, 64], [33, 70], [69, 70], [70, 70]] as const) {
      const proof = consistencyProof(m, n, leaves);
      await web.verifyConsistency(m, n, proof, merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n)));
      const forged = [...leaves];
      forged[m - 1] = leafHash(new TextEncoder().encode('rewritten'));
      await expect(web.verifyConsistency(m, n, proof, merkleRoot(leaves.slice(0, m)), merkleRoot(forged.slice(0, n)))).rejects.toThrow(web.ProofError);
    }
    await expect(web.verifyConsistency(0, 3, [], new Uint8Array(32), merkleRoot(leaves.slice(0, 3)))).rejects.toThrow(/empty tree/);
    await expect(web.verifyConsistency(5, 4, [], merkleRoot(leaves.slice(0, 5)), merkleRoot(leaves.slice(0, 4)))).rejects.toThrow(/smaller/);
  });
  it('leaf and node hashes match the server', async () => {
    const e = new TextEncoder().encode('{"type":"report"}');
    expect(Buffer.from(await web.leafHash(e))).toEqual(Buffer.from(leafHash(e)));
  });
});

describe('signed checkpoints made by src/log/checkpoint.ts', () => {
  const origin = 'plenum.localhost/d1';
  const log = signerFromSeed(origin, new Uint8Array(32).fill(7));
  const vkey = verifierKey(origin, log.publicKey);
  const cp = { origin, size: 12, root: leafHash(Uint8Array.of(1, 2, 3)) };

  it('reads the vkey as the server writes it', async () => {
    const v = await web.parseVerifierKey(`${vkey}\n`);
    expect(v.name).toBe(origin);
    expect(web.hex8(v.id)).toBe(vkey.split('+')[1]);
    expect(Buffer.from(v.publicKey)).toEqual(Buffer.from(log.publicKey));
  });

  it('opens a checkpoint signed by the log key, ignoring witnesses’ cosignatures', async () => {
    const note = signCheckpoint(cp, log);
    const opened = await web.openCheckpoint(note, await web.parseVerifierKey(vkey));
    expect(opened.size).toBe(12);
    expect(opened.origin).toBe(origin);
    expect(Buffer.from(opened.root)).toEqual(Buffer.from(cp.root));
    // A witness's cosignature line (4 + 8 + 64 bytes) follows; it is not the log's key and is ignored.
    const witness = generateSigner('witness.example');
    const cosigned = addCosignatures(note, [cosign(formatCheckpoint(cp), witness, 1_700_000_000)]);
    const again = await web.openNote(cosigned, [await web.parseVerifierKey(vkey)]);
    expect(again.verified).toHaveLength(1);
    expect(again.unverified.map((s) => s.name)).toEqual(['witness.example']);
  });

  it('refuses a note whose signature does not verify, or that another key signed', async () => {
    const v = await web.parseVerifierKey(vkey);
    const note = signCheckpoint(cp, log);
    // The body changed after signing: the same signature no longer verifies.
    const tampered = note.replace('\n12\n', '\n13\n');
    await expect(web.openCheckpoint(tampered, v)).rejects.toThrow(/does not verify/);
    // One flipped bit in the signature.
    const sigLine = note.trimEnd().split('\n').pop()!;
    const blob = Buffer.from(sigLine.split(' ').pop()!, 'base64');
    blob[10]! ^= 1;
    const flipped = note.replace(sigLine.split(' ').pop()!, blob.toString('base64'));
    await expect(web.openCheckpoint(flipped, v)).rejects.toThrow(/does not verify/);
    // Signed by another key that took the log's name: its key id differs, so nothing verified.
    const other = generateSigner(origin);
    await expect(web.openCheckpoint(signCheckpoint(cp, other), v)).rejects.toThrow(/not signed by any of the keys/);
    // Malformed notes.
    await expect(web.openCheckpoint(formatCheckpoint(cp), v)).rejects.toThrow(web.NoteError);
    await expect(web.openCheckpoint(signNote(`${origin}\n12\n${Buffer.from(cp.root).toString('base64')}\nextra\n`, [log]), v)).rejects.toThrow(/extension/);
    await expect(web.openCheckpoint(signNote(`other.origin\n12\n${Buffer.from(cp.root).toString('base64')}\n`, [{ ...log, name: origin }]), v)).rejects.toThrow(/origin/);
  });

  it('refuses bad verifier keys: wrong id, small order, non-canonical base64', async () => {
    const [name, id, key] = vkey.split('+') as [string, string, string];
    await expect(web.parseVerifierKey(`${name}+${id === '00000000' ? '00000001' : '00000000'}+${key}`)).rejects.toThrow(/does not match/);
    const identity = Buffer.concat([Buffer.of(1), Buffer.of(1), Buffer.alloc(31)]).toString('base64');
    const idOfIdentity = web.hex8(await web.noteKeyId(name, new Uint8Array([1, ...new Array(31).fill(0)])));
    await expect(web.parseVerifierKey(`${name}+${idOfIdentity}+${identity}`)).rejects.toThrow(/small order/);
    expect(() => web.decodeBase64('AQ=', 'x')).toThrow(/canonical/);
    expect(() => web.decodeBase64('AR==', 'x')).toThrow(/canonical/);
  });
});

describe('receipts and bundles as src/log writes them', () => {
  it('verifies a tlog-proof for its entry, and refuses another entry', async () => {
    const origin = 'plenum.localhost/d2';
    const log = generateSigner(origin);
    const entries = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`{"n":${i}}`));
    const leaves = entries.map(leafHash);
    const size = 300;
    const note = signCheckpoint({ origin, size, root: merkleRoot(leaves) }, log);
    const v = await web.parseVerifierKey(verifierKey(origin, log.publicKey));
    for (const index of [0, 5, 255, 256, 299]) {
      const text = formatProof({ index, proof: inclusionProof(index, size, leaves), checkpoint: note });
      const r = await web.verifyReceipt(text, entries[index]!, v);
      expect(r.index).toBe(index);
      expect(r.verified.size).toBe(size);
      await expect(web.verifyReceipt(text, entries[(index + 1) % size]!, v)).rejects.toThrow(web.ProofError);
      // Where the entry is published, and reading it back from its bundle.
      const at = web.entryLocation(index, size);
      const n = Math.floor(index / 256);
      expect(at.path).toBe(entryBundlePath(n, Math.min(256, size - n * 256)));
      const bundle = web.decodeBundle(encodeBundle(entries.slice(n * 256, Math.min(size, (n + 1) * 256))));
      expect(Buffer.from(bundle[at.offset]!)).toEqual(Buffer.from(entries[index]!));
    }
    expect(web.encodeTileIndex(1234067)).toBe('x001/x234/067');
  });
});

describe('report signatures made in the browser', () => {
  it('verify with src/log/signing.ts, under the key id the server computes', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const keyId = await webKeyId(raw);
    expect(keyId).toBe(signingKeyId(raw));
    const statement = await statementOf(
      { discussionId: 'd1', unitId: 'b1', supersedes: 2, meetingDate: '2024-01-05', present: 23, votes: { q1: { positions: { opp: 2, cc: 20 }, abstain: 1 } }, resolution: 'Одобрить линию ЦК.' },
      keyId,
    );
    expect(statement.version).toBe(3);
    expect(statement.resolutionSha256).toBe(Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('Одобрить линию ЦК.'))).toString('hex'));
    const signature = await signStatement(pair.privateKey, statement);
    const entry = { ...statement, submittedAt: '2024-01-05T12:00:00.000Z', signature } as ReportEntry;
    expect(verifyReportSignature(entry, ed25519PublicKey(raw))).toBe(true);
    expect(await verifyStatement(raw, entry)).toBe(true);
    expect(verifyReportSignature({ ...entry, present: 24 }, ed25519PublicKey(raw))).toBe(false);
    expect(await verifyStatement(raw, { ...entry, present: 24 })).toBe(false);
  });
});
