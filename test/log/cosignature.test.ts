/**
 * C2SP cosignature/v1: round trip, key ids and vkeys of type 0x04, refusal of a wrong key, a tampered body or
 * timestamp, and no confusion between note signatures (0x01) and cosignatures (0x04).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, signCheckpoint } from '../../src/log/checkpoint.ts';
import {
  addCosignatures,
  COSIGNATURE_V1,
  cosign,
  cosignatureKeyId,
  cosignatureMessage,
  cosignatureVerifierKey,
  cosignatureVerifierOf,
  openCosignature,
  openCosignatures,
  parseCosignatureVerifierKey,
} from '../../src/log/cosignature.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import {
  keyId,
  NoteError,
  openNote,
  parseVerifierKey,
  signerFromSeed,
  signNote,
  verifierKey,
  verifierOf,
} from '../../src/log/note.ts';

const ORIGIN = 'example.org/plenum';
const log = signerFromSeed(ORIGIN, new Uint8Array(32).fill(1));
const witness = signerFromSeed('witness.example/w1', new Uint8Array(32).fill(2));
const other = signerFromSeed('witness.example/w1', new Uint8Array(32).fill(3));
const root = merkleRoot([1, 2, 3].map((i) => leafHash(Uint8Array.of(i))));
const cp = { origin: ORIGIN, size: 3, root };
const body = formatCheckpoint(cp);
const T = 1_700_000_000;

describe('cosignature/v1', () => {
  it('signs the header, the time line and the checkpoint body', () => {
    expect(new TextDecoder().decode(cosignatureMessage(body, T))).toBe(`cosignature/v1\ntime ${T}\n${body}`);
    expect(() => cosignatureMessage(body, -1)).toThrow(NoteError);
    expect(() => cosignatureMessage(body, 1.5)).toThrow(NoteError);
    expect(() => cosignatureMessage('not a checkpoint\n', T)).toThrow(NoteError);
  });

  it('derives the key id with type byte 0x04', () => {
    const expected = createHash('sha256')
      .update(witness.name)
      .update(Uint8Array.of(0x0a, 0x04))
      .update(witness.publicKey)
      .digest()
      .readUInt32BE(0);
    expect(cosignatureKeyId(witness.name, witness.publicKey)).toBe(expected);
    expect(cosignatureKeyId(witness.name, witness.publicKey)).not.toBe(keyId(witness.name, witness.publicKey));
    const vkey = cosignatureVerifierKey(witness.name, witness.publicKey);
    expect(Buffer.from(vkey.split('+')[2]!, 'base64')[0]).toBe(COSIGNATURE_V1);
    expect(vkey.split('+')[1]).toBe(expected.toString(16).padStart(8, '0'));
    const v = parseCosignatureVerifierKey(vkey);
    expect(v.id).toBe(expected);
    expect(Buffer.from(v.publicKey).equals(Buffer.from(witness.publicKey))).toBe(true);
  });

  it('round-trips: the line carries key id, big-endian timestamp and signature', () => {
    const line = cosign(body, witness, T);
    expect(line.startsWith(`\u2014 ${witness.name} `)).toBe(true);
    const blob = Buffer.from(line.trim().split(' ').pop()!, 'base64');
    expect(blob.length).toBe(4 + 8 + 64);
    expect(blob.readUInt32BE(0)).toBe(cosignatureKeyId(witness.name, witness.publicKey));
    expect(blob.readBigUInt64BE(4)).toBe(BigInt(T));
    const got = openCosignature(body, line, cosignatureVerifierOf(witness));
    expect(got).toEqual({ name: witness.name, id: cosignatureKeyId(witness.name, witness.publicKey), timestamp: T });
  });

  it('refuses a wrong key, a tampered body and a tampered timestamp', () => {
    const line = cosign(body, witness, T);
    expect(() => openCosignature(body, line, cosignatureVerifierOf(other))).toThrow(NoteError);
    const tamperedBody = formatCheckpoint({ ...cp, size: 4 });
    expect(() => openCosignature(tamperedBody, line, cosignatureVerifierOf(witness))).toThrow(/does not verify/);
    const blob = Buffer.from(line.trim().split(' ').pop()!, 'base64');
    blob.writeBigUInt64BE(BigInt(T + 1), 4);
    const tamperedTime = `\u2014 ${witness.name} ${blob.toString('base64')}\n`;
    expect(() => openCosignature(body, tamperedTime, cosignatureVerifierOf(witness))).toThrow(/does not verify/);
    // Same key and id, but with the signature for another key spliced in.
    const forged = Buffer.from(Buffer.from(cosign(body, other, T).trim().split(' ').pop()!, 'base64'));
    forged.writeUInt32BE(cosignatureKeyId(witness.name, witness.publicKey), 0);
    const forgedLine = `\u2014 ${witness.name} ${forged.toString('base64')}\n`;
    expect(() => openCosignature(body, forgedLine, cosignatureVerifierOf(witness))).toThrow(/does not verify/);
  });

  it('does not accept a note signature (0x01) as a cosignature', () => {
    const note = signNote(body, [witness]);
    const noteLine = note.slice(body.length + 1);
    expect(() => openCosignature(body, noteLine, cosignatureVerifierOf(witness))).toThrow(NoteError);
    // Even with the key id rewritten to the cosignature id, the length and the message differ.
    const blob = Buffer.from(noteLine.trim().split(' ').pop()!, 'base64');
    blob.writeUInt32BE(cosignatureKeyId(witness.name, witness.publicKey), 0);
    expect(() =>
      openCosignature(body, `\u2014 ${witness.name} ${blob.toString('base64')}\n`, cosignatureVerifierOf(witness)),
    ).toThrow(NoteError);
    // Verifier keys of the two types are not interchangeable.
    expect(() => parseCosignatureVerifierKey(verifierKey(witness.name, witness.publicKey))).toThrow(NoteError);
    expect(() => parseVerifierKey(cosignatureVerifierKey(witness.name, witness.publicKey))).toThrow(NoteError);
  });

  it('does not accept a cosignature as a note signature (0x01)', () => {
    const only = `${body}\n${cosign(body, witness, T)}`;
    expect(() => openNote(only, [verifierOf(witness)])).toThrow(/not signed by any of the keys/);
  });

  it('cosigns a signed checkpoint alongside the log signature', () => {
    const signed = signCheckpoint(cp, log);
    const note = addCosignatures(signed, [cosign(body, witness, T)]);
    expect(openNote(note, [verifierOf(log)]).unverified).toHaveLength(1);
    expect(openCosignatures(note, verifierOf(log), [cosignatureVerifierOf(witness)])).toEqual([
      { name: witness.name, id: cosignatureKeyId(witness.name, witness.publicKey), timestamp: T },
    ]);
    expect(openCosignatures(signed, verifierOf(log), [cosignatureVerifierOf(witness)])).toEqual([]);
    const bad = addCosignatures(signed, [cosign(formatCheckpoint({ ...cp, size: 4 }), witness, T)]);
    expect(() => openCosignatures(bad, verifierOf(log), [cosignatureVerifierOf(witness)])).toThrow(/does not verify/);
  });
});
