/**
 * C2SP signed notes and checkpoints: Go's sumdb/note known answer reproduced byte for byte, key ids, refusal of notes
 * signed by another key, of a known key's bad signature, of malformed notes and keys (small-order, non-canonical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../src/log/checkpoint.ts';
import { inclusionHolds, inclusionProof, leafHash, merkleRoot } from '../../src/log/merkle.ts';
import {
  checkEd25519PublicKey,
  generateSigner,
  keyId,
  NoteError,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signerKey,
  signNote,
  verifierKey,
  verifierOf,
  type Signer,
} from '../../src/log/note.ts';

// golang.org/x/mod/sumdb/note: the package documentation's example (Ed25519 is deterministic, so it must match exactly).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const refused = (f: () => unknown, message?: RegExp) => {
  expect(f).toThrow(NoteError);
  if (message) expect(f).toThrow(message);
};

describe('signed notes: the Go sumdb/note known answer', () => {
  it('derives the key id and verifier key from the signer key', () => {
    const peter = parseSignerKey(PETER_SKEY);
    expect(peter.id).toBe(0xc74f20a3);
    expect(keyId('PeterNeumann', peter.publicKey)).toBe(0xc74f20a3);
    expect(verifierKey(peter.name, peter.publicKey)).toBe(PETER_VKEY);
    expect(parseVerifierKey(PETER_VKEY).publicKey).toEqual(peter.publicKey);
  });

  it('signs the example note byte for byte, and opens it', () => {
    expect(signNote(PETER_TEXT, [parseSignerKey(PETER_SKEY)])).toBe(PETER_NOTE);
    const opened = openNote(PETER_NOTE, [parseVerifierKey(PETER_VKEY)]);
    expect(opened.text).toBe(PETER_TEXT);
    expect(opened.verified).toHaveLength(1);
    expect(openNote(new TextEncoder().encode(PETER_NOTE), [parseVerifierKey(PETER_VKEY)]).text).toBe(PETER_TEXT);
  });

  it('refuses the example with its text changed', () => {
    refused(() => openNote(PETER_NOTE.replace('cryptography', 'cryptographY'), [parseVerifierKey(PETER_VKEY)]), /does not verify/);
  });

  it('round-trips a signer key', () => {
    const seed = new Uint8Array(32).fill(7);
    const s = parseSignerKey(signerKey('plenum.example/log', seed));
    expect(s.publicKey).toEqual(signerFromSeed('plenum.example/log', seed).publicKey);
  });
});

describe('signed notes: who signed', () => {
  const a = generateSigner('plenum.example/a');
  const b = generateSigner('plenum.example/b');
  const text = 'plenum.example/a\n3\nAAAA\n';

  it('refuses a note signed by one key and checked with another', () => {
    refused(() => openNote(signNote(text, [a]), [verifierOf(b)]), /not signed by any/);
    // The same name with another key has another id: an unknown key, ignored, so nothing verifies.
    const impostor = generateSigner('plenum.example/a');
    refused(() => openNote(signNote(text, [impostor]), [verifierOf(a)]), /not signed by any/);
    refused(() => openNote(signNote(text, [a]), []), /not signed by any/);
  });

  it('ignores unknown keys but rejects the note on a known key’s bad signature', () => {
    const both = signNote(text, [a, b]);
    expect(openNote(both, [verifierOf(a)]).unverified.map((s) => s.name)).toEqual(['plenum.example/b']);
    expect(openNote(both, [verifierOf(a), verifierOf(b)]).verified).toHaveLength(2);
    // Swap in a's signature over another text, under a's name and id.
    const forged = signNote('another\n', [a]).split('\n— ')[1]!;
    const tampered = `${text}\n— ${forged}— ${signNote(text, [b]).split('\n— ')[1]!}`;
    refused(() => openNote(tampered, [verifierOf(a), verifierOf(b)]), /plenum.example\/a.*does not verify/);
    expect(openNote(tampered, [verifierOf(b)]).verified).toHaveLength(1);
  });

  it('verifies whatever text it signs (property)', () => {
    const s = signerFromSeed('plenum.example/p', new Uint8Array(32).fill(1));
    const v = verifierOf(s);
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }).map((l) => l.replace(/[\u0000-\u001f]/g, '')), { minLength: 1, maxLength: 5 }), (lines) => {
        const t = `${lines.join('\n')}\n`;
        expect(openNote(signNote(t, [s]), [v]).text).toBe(t);
      }),
      { numRuns: 50 },
    );
  });
});

describe('signed notes: malformed', () => {
  const s: Signer = signerFromSeed('plenum.example/m', new Uint8Array(32).fill(2));
  const v = verifierOf(s);
  const good = signNote('body\n', [s]);
  const sigLine = good.split('\n')[2]!;

  it.each([
    ['no blank line', good.replace('\n\n', '\n')],
    ['no final newline', good.slice(0, -1)],
    ['no signature line', 'body\n\n'],
    ['a signature line without the em dash', good.replace('— ', '- ')],
    ['a signature line without a signature', 'body\n\n— plenum.example/m\n'],
    ['a key name with a plus', good.replace('plenum.example/m', 'plenum+example/m')],
    ['a signature that is not base64', good.replace(/ (\S+)\n$/, ' $1!\n')],
    ['a signature in non-canonical base64', good.replace(/=\n$/, '\n')],
    ['a signature too short', 'body\n\n— plenum.example/m AAAAAA==\n'],
    ['a control character', good.replace('body', 'bo\u0007dy')],
    ['a carriage return', good.replace('body\n', 'body\r\n')],
    ['an extra empty line among the signatures', `${good}\n${sigLine}\n`],
  ])('refuses %s', (_what, note) => {
    refused(() => openNote(note, [v]));
  });

  it('refuses invalid UTF-8', () => {
    const bytes = new TextEncoder().encode(good);
    bytes[1] = 0xff;
    refused(() => openNote(bytes, [v]), /UTF-8/);
  });

  it('refuses to sign a text without a final newline, or with no signer', () => {
    refused(() => signNote('body', [s]));
    refused(() => signNote('body\n', []));
  });
});

describe('verifier keys', () => {
  it.each([
    ['the wrong key id', PETER_VKEY.replace('c74f20a3', 'c74f20a4')],
    ['an uppercase key id', PETER_VKEY.replace('c74f20a3', 'C74F20A3')],
    ['no key id', 'PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['another name', PETER_VKEY.replace('PeterNeumann', 'PeterNeuman')],
    ['a truncated key', PETER_VKEY.slice(0, -4)],
    ['another signature type', PETER_VKEY.replace('+ARpc', '+Apc')],
    ['an empty name', PETER_VKEY.replace('PeterNeumann', '')],
  ])('refuses %s', (_what, vkey) => refused(() => parseVerifierKey(vkey)));

  const le = (y: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((y >> BigInt(8 * i)) & 0xffn));
  const P = (1n << 255n) - 19n;
  it.each([
    ['the identity', le(1n)],
    ['the point of order 2', le(P - 1n)],
    ['a point of order 4', le(0n)],
    ['a point of order 8', Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex')],
    ['the other point of order 8', Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex')],
  ])('refuses %s as a public key', (_what, key) => refused(() => checkEd25519PublicKey(new Uint8Array(key)), /small order/));

  it('refuses non-canonical public keys (y ≥ p)', () => {
    refused(() => checkEd25519PublicKey(le(P)), /canonical/);
    refused(() => checkEd25519PublicKey(le(P + 1n)), /canonical/);
    refused(() => checkEd25519PublicKey(le((1n << 255n) - 1n)), /canonical/);
  });

  it('refuses a verifier key with a small-order public key, even with the right key id', () => {
    const identity = le(1n);
    const id = keyId('evil.example', identity).toString(16).padStart(8, '0');
    const vkey = `evil.example+${id}+${Buffer.from([1, ...identity]).toString('base64')}`;
    refused(() => parseVerifierKey(vkey), /small order/);
  });
});

describe('checkpoints', () => {
  const C2SP_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

  it('parses and re-formats the C2SP example body', () => {
    const cp = parseCheckpoint(C2SP_BODY);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(cp.root).toHaveLength(32);
    expect(formatCheckpoint(cp)).toBe(C2SP_BODY);
  });

  it('round-trips any checkpoint (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (size, root) => {
        const cp = { origin: 'plenum.example/log/d1', size, root };
        expect(parseCheckpoint(formatCheckpoint(cp))).toEqual(cp);
      }),
    );
  });

  it.each([
    ['an extension line', `${C2SP_BODY}extension\n`],
    ['two lines', 'example.com/log\n0\n'],
    ['no final newline', C2SP_BODY.slice(0, -1)],
    ['a size with a leading zero', C2SP_BODY.replace('20852163', '020852163')],
    ['a negative size', C2SP_BODY.replace('20852163', '-1')],
    ['a size beyond 2^53', C2SP_BODY.replace('20852163', '18446744073709551615')],
    ['a root of 31 bytes', 'example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n'],
    ['a root that is not base64', C2SP_BODY.replace('Cs', 'C$')],
    ['an empty origin', C2SP_BODY.replace('example.com/behind-the-sofa', '')],
    ['an origin with a space', C2SP_BODY.replace('example.com/', 'example.com /')],
  ])('refuses a body with %s', (_what, body) => refused(() => parseCheckpoint(body)));

  it('signs a tree head that opens only with the log key, and proves an entry against it', () => {
    const log = generateSigner('plenum.example/log/d1');
    const leaves = ['a', 'b', 'c', 'd', 'e'].map((e) => leafHash(new TextEncoder().encode(e)));
    const note = signCheckpoint({ origin: log.name, size: leaves.length, root: merkleRoot(leaves) }, log);
    expect(note.startsWith(`plenum.example/log/d1\n5\n${Buffer.from(merkleRoot(leaves)).toString('base64')}\n\n— plenum.example/log/d1 `)).toBe(true);

    const cp = openCheckpoint(note, parseVerifierKey(verifierKey(log.name, log.publicKey)));
    expect(inclusionHolds(3, cp.size, leaves[3]!, inclusionProof(3, leaves.length, leaves), cp.root)).toBe(true);

    refused(() => openCheckpoint(note, verifierOf(generateSigner('plenum.example/log/d1'))), /not signed by any/);
    refused(() => openCheckpoint(note.replace('\n5\n', '\n6\n'), verifierOf(log)), /does not verify/);
    // A key named otherwise than the origin can neither sign nor vouch for the checkpoint.
    const other = generateSigner('plenum.example/log/d2');
    refused(() => signCheckpoint({ origin: log.name, size: 0, root: merkleRoot([]) }, other));
    const misnamed = signNote(formatCheckpoint({ origin: log.name, size: 0, root: merkleRoot([]) }), [other]);
    refused(() => openCheckpoint(misnamed, verifierOf(other)), /origin/);
  });
});
