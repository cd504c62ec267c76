/**
 * C2SP tlog-proof: format and parse, and verification over a real tree of 50 entries — proofs of several indexes
 * verify; another entry, another index, a changed proof hash, a checkpoint of another key fail; malformed texts refused.
 */
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { inclusionProof, leafHash, merkleRoot, ProofError } from '../../src/log/merkle.ts';
import { NoteError, signerFromSeed, verifierKey, verifierOf } from '../../src/log/note.ts';
import { formatProof, parseProof, PROOF_HEADER, ProofFormatError, verifyProof } from '../../src/log/proof.ts';

const ORIGIN = 'example.org/plenum';
const log = signerFromSeed(ORIGIN, new Uint8Array(32).fill(7));
const impostor = signerFromSeed(ORIGIN, new Uint8Array(32).fill(8));
const entries = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`entry ${i}`));
const leaves = entries.map(leafHash);
const cp = { origin: ORIGIN, size: leaves.length, root: merkleRoot(leaves) };
const signed = signCheckpoint(cp, log);
const vkey = verifierKey(log.name, log.publicKey);

const proofFor = (index: number, checkpoint = signed) =>
  formatProof({ index, proof: inclusionProof(index, leaves.length, leaves), checkpoint });

describe('tlog-proof', () => {
  it('formats per the spec and parses back', () => {
    const text = proofFor(5);
    const lines = text.split('\n');
    expect(lines[0]).toBe(PROOF_HEADER);
    expect(lines[1]).toBe('index 5');
    expect(text.endsWith(`\n\n${signed}`)).toBe(true);
    const p = parseProof(text);
    expect(p.index).toBe(5);
    expect(p.checkpoint).toBe(signed);
    expect(p.proof.map((h) => Buffer.from(h).toString('base64'))).toEqual(
      inclusionProof(5, 50, leaves).map((h) => Buffer.from(h).toString('base64')),
    );
    expect(p.extra).toBeUndefined();
    const withExtra = formatProof({ ...p, extra: Uint8Array.of(1, 2, 3) });
    expect(withExtra.split('\n')[1]).toBe('extra AQID');
    expect([...parseProof(withExtra).extra!]).toEqual([1, 2, 3]);
    expect(formatProof(parseProof(withExtra))).toBe(withExtra);
  });

  it('verifies proofs of several indexes against the signed checkpoint', () => {
    for (const i of [0, 1, 17, 31, 32, 48, 49]) {
      const got = verifyProof(proofFor(i), entries[i]!, vkey);
      expect(got.index).toBe(i);
      expect(got.verified.size).toBe(50);
      expect(() => verifyProof(proofFor(i), entries[i]!, verifierOf(log))).not.toThrow();
    }
  });

  it('refuses another entry, another index, a changed proof hash', () => {
    expect(() => verifyProof(proofFor(17), entries[18]!, vkey)).toThrow(ProofError);
    const p = parseProof(proofFor(17));
    expect(() => verifyProof(formatProof({ ...p, index: 16 }), entries[17]!, vkey)).toThrow(ProofError);
    expect(() => verifyProof(formatProof({ ...p, index: 50 }), entries[17]!, vkey)).toThrow(ProofError);
    p.proof.forEach((_, k) => {
      const proof = p.proof.map((h, j) => (j === k ? Uint8Array.from(h, (b, n) => (n === 0 ? b ^ 1 : b)) : h));
      expect(() => verifyProof(formatProof({ ...p, proof }), entries[17]!, vkey)).toThrow(ProofError);
    });
    expect(() => verifyProof(formatProof({ ...p, proof: p.proof.slice(1) }), entries[17]!, vkey)).toThrow(ProofError);
  });

  it('refuses a checkpoint signed by another key', () => {
    const forged = signCheckpoint(cp, impostor);
    expect(() => verifyProof(proofFor(3, forged), entries[3]!, vkey)).toThrow(NoteError);
  });

  it('parse refuses malformed texts', () => {
    const good = proofFor(9);
    const [head, rest] = [good.slice(0, good.indexOf('\n\n')), good.slice(good.indexOf('\n\n') + 2)];
    const lines = head.split('\n');
    const hash = lines[2]!;
    const bad = [
      '',
      head, // no checkpoint
      `${head}\n\n`, // empty checkpoint
      `${head}\n\n${rest.slice(0, -1)}`, // checkpoint without final newline
      good.replace(PROOF_HEADER, 'c2sp.org/tlog-proof@v2'),
      good.replace('index 9', 'index 09'),
      good.replace('index 9', 'index -9'),
      good.replace('index 9', 'index  9'),
      good.replace('index 9', 'index'),
      good.replace('index 9', 'index 99999999999999999999'),
      good.replace('index 9\n', ''),
      good.replace(`${PROOF_HEADER}\n`, `${PROOF_HEADER}\nextra \n`),
      good.replace(`${PROOF_HEADER}\n`, `${PROOF_HEADER}\nextra AQI\n`),
      good.replace(`${PROOF_HEADER}\n`, `${PROOF_HEADER}\nextra!\n`),
      good.replace(`index 9\n`, `index 9\nextra AQID\n`),
      good.replace(hash, hash.slice(0, -4)), // a short hash
      good.replace(hash, hash.replace('=', '')), // unpadded base64
      good.replace(hash, `${hash} `),
      good.replace(hash, `${hash}\n${Buffer.alloc(31).toString('base64')}`),
      `\n${good}`,
      good.replace(`${PROOF_HEADER}\n`, `${PROOF_HEADER}\r\n`),
    ];
    for (const text of bad) expect(() => parseProof(text), JSON.stringify(text)).toThrow(ProofFormatError);
    expect(() => verifyProof('garbage', entries[0]!, vkey)).toThrow(ProofFormatError);
  });

  it('format refuses bad fields', () => {
    const p = parseProof(proofFor(2));
    expect(() => formatProof({ ...p, index: -1 })).toThrow(ProofFormatError);
    expect(() => formatProof({ ...p, index: 1.5 })).toThrow(ProofFormatError);
    expect(() => formatProof({ ...p, proof: [new Uint8Array(31)] })).toThrow(ProofFormatError);
    expect(() => formatProof({ ...p, checkpoint: 'no newline' })).toThrow(ProofFormatError);
    expect(() => formatProof({ ...p, extra: new Uint8Array(0) })).toThrow(ProofFormatError);
  });
});
