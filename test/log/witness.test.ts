/**
 * The witness's add-checkpoint rule (c2sp.org/tlog-witness): the request format both ways, each acceptance and each
 * refusal with the status the spec gives it, cosignatures that verify, and the property that the true consistency
 * proof is accepted and a proof with any one hash flipped is not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, signCheckpoint, type Checkpoint } from '../../src/log/checkpoint.ts';
import { addCosignatures, cosignatureVerifierOf, openCosignature, openCosignatures } from '../../src/log/cosignature.ts';
import { consistencyProof, emptyRoot, leafHash, merkleRoot, type Hash } from '../../src/log/merkle.ts';
import { signerFromSeed, signNote, verifierOf } from '../../src/log/note.ts';
import {
  addCheckpoint,
  formatAddCheckpointRequest,
  initialWitnessState,
  MAX_PROOF_LINES,
  parseAddCheckpointRequest,
  requestOrigin,
  WitnessRequestError,
  type AddCheckpointResult,
  type WitnessState,
} from '../../src/log/witness.ts';

const ORIGIN = 'example.org/log';
const logKey = signerFromSeed(ORIGIN, new Uint8Array(32).fill(1));
const impostor = signerFromSeed(ORIGIN, new Uint8Array(32).fill(9)); // same name, another key
const witness = signerFromSeed('witness.example/w1', new Uint8Array(32).fill(2));
const otherWitness = signerFromSeed('witness.example/w2', new Uint8Array(32).fill(3));
const T = 1_700_000_000;

const leaves = Array.from({ length: 20 }, (_, i) => leafHash(Uint8Array.of(i)));
const treeOf = (size: number): Checkpoint => ({ origin: ORIGIN, size, root: merkleRoot(leaves.slice(0, size)) });
const noteOf = (size: number, key = logKey) => signCheckpoint(treeOf(size), key);
const stateAt = (size: number): WitnessState => ({ origin: ORIGIN, size, root: merkleRoot(leaves.slice(0, size)) });
const proofOf = (m: number, n: number): Hash[] => (m === 0 || m === n ? [] : consistencyProof(m, n, leaves));

/** The request from m to n, with the true proof (or the one given). */
const request = (m: number, n: number, proof = proofOf(m, n), note = noteOf(n)) => formatAddCheckpointRequest(m, proof, note);
const submit = (state: WitnessState, body: string | Uint8Array) => addCheckpoint(state, body, verifierOf(logKey), witness, T);

function expectAccepted(r: AddCheckpointResult): Extract<AddCheckpointResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused ${r.status}: ${r.message}`);
  return r;
}
const expectRefused = (r: AddCheckpointResult, status: number, message?: RegExp) => {
  expect(r.ok).toBe(false);
  if (r.ok) return r;
  expect(r.status).toBe(status);
  if (message) expect(r.message).toMatch(message);
  return r;
};
const flip = (h: Hash, bit: number): Hash => {
  const out = Uint8Array.from(h);
  out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
};

describe('the add-checkpoint request body', () => {
  it('round-trips: old size line, proof lines, blank line, checkpoint note', () => {
    const proof = proofOf(3, 7);
    const note = noteOf(7);
    const body = formatAddCheckpointRequest(3, proof, note);
    expect(body).toBe(`old 3\n${proof.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${note}`);
    expect(parseAddCheckpointRequest(body)).toEqual({ oldSize: 3, proof, checkpoint: note });
    expect(parseAddCheckpointRequest(new TextEncoder().encode(body))).toEqual({ oldSize: 3, proof, checkpoint: note });
    expect(formatAddCheckpointRequest(0, [], note)).toBe(`old 0\n\n${note}`);
    expect(requestOrigin(body)).toBe(ORIGIN);
  });

  it('refuses malformed bodies, naming what is wrong', () => {
    const note = noteOf(2);
    const hash = Buffer.from(leaves[0]!).toString('base64');
    const cases: Array<[string | Uint8Array, RegExp]> = [
      ['', /line 1 .* newline/],
      [`old 01\n\n${note}`, /"old <size>"/],
      [`old -1\n\n${note}`, /"old <size>"/],
      [`Old 1\n\n${note}`, /"old <size>"/],
      [`old  1\n\n${note}`, /"old <size>"/],
      [`old 99999999999999999999\n\n${note}`, /too large/],
      [`old 1\n${hash}`, /line 2 .* newline/],
      [`old 1\n${hash}\n`, /line 3 .* newline/],
      [`old 1\nnot base64!\n\n${note}`, /proof line 1 is not canonical base64/],
      [`old 1\n${Buffer.alloc(31).toString('base64')}\n\n${note}`, /31 bytes, not a 32-byte hash/],
      [`old 1\n\n`, /no checkpoint follows/],
      [`old 1\n\n${note.slice(0, -1)}`, /checkpoint does not end with a newline/],
      [`old 1\n${`${hash}\n`.repeat(MAX_PROOF_LINES + 1)}\n${note}`, /more than 63/],
      [Uint8Array.of(0x6f, 0x6c, 0x64, 0x20, 0x30, 0x0a, 0x0a, 0xff), /not valid UTF-8/],
    ];
    for (const [body, message] of cases) {
      expect(() => parseAddCheckpointRequest(body), JSON.stringify(body).slice(0, 60)).toThrow(WitnessRequestError);
      expect(() => parseAddCheckpointRequest(body)).toThrow(message);
      expectRefused(submit(stateAt(1), body), 400);
    }
    // 63 proof lines are allowed by the format (the proof itself is then judged)
    expect(parseAddCheckpointRequest(`old 1\n${`${hash}\n`.repeat(MAX_PROOF_LINES)}\n${note}`).proof).toHaveLength(MAX_PROOF_LINES);
  });

  it('refuses to format what a witness would refuse to parse', () => {
    const note = noteOf(2);
    expect(() => formatAddCheckpointRequest(-1, [], note)).toThrow(WitnessRequestError);
    expect(() => formatAddCheckpointRequest(1.5, [], note)).toThrow(WitnessRequestError);
    expect(() => formatAddCheckpointRequest(1, [new Uint8Array(31)], note)).toThrow(/31 bytes/);
    expect(() => formatAddCheckpointRequest(1, Array(64).fill(leaves[0]!), note)).toThrow(/63/);
    expect(() => formatAddCheckpointRequest(1, [], note.slice(0, -1))).toThrow(/newline/);
  });
});

describe('addCheckpoint accepts', () => {
  it('a first checkpoint from size 0 with no proof, and cosigns it', () => {
    const r = expectAccepted(submit(initialWitnessState(ORIGIN), request(0, 5)));
    expect(r.state).toEqual(stateAt(5));
    expect(r.checkpoint).toEqual(treeOf(5));
    expect(r.cosignature.startsWith(`\u2014 ${witness.name} `)).toBe(true);
    expect(r.cosignature.endsWith('\n')).toBe(true);
    expect(openCosignature(formatCheckpoint(treeOf(5)), r.cosignature, cosignatureVerifierOf(witness))).toMatchObject({ name: witness.name, timestamp: T });
    // Appended to the log's note, it reads back with openCosignatures.
    const cosigned = addCosignatures(noteOf(5), [r.cosignature]);
    expect(openCosignatures(cosigned, verifierOf(logKey), [cosignatureVerifierOf(witness)])).toEqual([expect.objectContaining({ name: witness.name, timestamp: T })]);
  });

  it('a consistent extension, with the true proof', () => {
    const r = expectAccepted(submit(stateAt(5), request(5, 13)));
    expect(r.state).toEqual(stateAt(13));
    expect(openCosignature(formatCheckpoint(treeOf(13)), r.cosignature, cosignatureVerifierOf(witness)).timestamp).toBe(T);
  });

  it('the same size with the same root (and no proof), leaving the state as it was', () => {
    const r = expectAccepted(submit(stateAt(7), request(7, 7)));
    expect(r.state).toEqual(stateAt(7));
    expectAccepted(submit(initialWitnessState(ORIGIN), formatAddCheckpointRequest(0, [], signCheckpoint({ origin: ORIGIN, size: 0, root: emptyRoot() }, logKey))));
  });

  it('a checkpoint also signed by unknown keys and cosigned by other witnesses', () => {
    const note = signCheckpoint(treeOf(6), logKey, [signerFromSeed('someone.else', new Uint8Array(32).fill(4))]);
    const r0 = expectAccepted(addCheckpoint(stateAt(6), formatAddCheckpointRequest(6, [], note), verifierOf(logKey), otherWitness, T));
    const withCosignature = addCosignatures(note, [r0.cosignature]);
    expectAccepted(submit(stateAt(3), formatAddCheckpointRequest(3, proofOf(3, 6), withCosignature)));
  });
});

describe('addCheckpoint refuses', () => {
  it('an old size that is not the witness state, with 409 and the current size', () => {
    const r = expectRefused(submit(stateAt(8), request(5, 13)), 409, /has size 8, not 5/);
    expect(r.ok === false && r.currentSize).toBe(8);
    // A client without information asks with old size 0 and learns the size.
    const learn = expectRefused(submit(stateAt(8), request(0, 13)), 409);
    expect(learn.ok === false && learn.currentSize).toBe(8);
  });

  it('an invalid consistency proof with 422', () => {
    const proof = proofOf(5, 13);
    expectRefused(submit(stateAt(5), request(5, 13, [...proof.slice(0, -1), flip(proof.at(-1)!, 3)])), 422, /does not verify/);
    expectRefused(submit(stateAt(5), request(5, 13, proof.slice(1))), 422);
    expectRefused(submit(stateAt(5), request(5, 13, [])), 422);
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(4, 13))), 422);
    // a non-empty proof from 0 or between equal sizes
    expectRefused(submit(initialWitnessState(ORIGIN), request(0, 5, [leaves[0]!])), 422, /from size 0 must be empty/);
    expectRefused(submit(stateAt(5), request(5, 5, [leaves[0]!])), 422, /not empty/);
  });

  it('a checkpoint that does not extend the tree the witness cosigned with 422', () => {
    // The witness cosigned a tree of 5 whose leaf 2 was different: the log rewrote history.
    const forked = leaves.map((h, i) => (i === 2 ? leafHash(Uint8Array.of(99)) : h));
    const state = { origin: ORIGIN, size: 5, root: merkleRoot(forked.slice(0, 5)) };
    expectRefused(submit(state, request(5, 13)), 422);
  });

  it('another root at the same size with 409 and no size (a split view)', () => {
    const state = { origin: ORIGIN, size: 7, root: merkleRoot(leaves.slice(1, 8)) };
    const r = expectRefused(submit(state, request(7, 7)), 409, /root differs/);
    expect(r.ok === false && r.currentSize).toBeUndefined();
  });

  it('a checkpoint without a valid signature of the log key with 403', () => {
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(5, 13), noteOf(13, impostor))), 403, /no valid signature of example\.org\/log/);
    const unsigned = signNote(formatCheckpoint(treeOf(13)), [signerFromSeed('someone.else', new Uint8Array(32).fill(4))]);
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(5, 13), unsigned)), 403);
    const tampered = noteOf(13).replace(`\n13\n`, `\n14\n`);
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(5, 13), tampered)), 403);
  });

  it('a checkpoint of another origin with 404', () => {
    const other = signerFromSeed('example.org/other', new Uint8Array(32).fill(5));
    const note = signCheckpoint({ ...treeOf(13), origin: other.name }, other);
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(5, 13), note)), 404, /unknown log "example\.org\/other"/);
  });

  it('an old size beyond the checkpoint (a shrinking tree) with 400', () => {
    expectRefused(submit(stateAt(13), request(13, 5, [])), 400, /old size 13 exceeds the checkpoint's size 5/);
    // Even when the witness is at that size: 400 comes before 409.
    expectRefused(submit(stateAt(5), request(13, 5, [])), 400);
  });

  it('a signed checkpoint body that is not a checkpoint with 400', () => {
    const note = signNote(`${ORIGIN}\nthirteen\n${Buffer.from(leaves[0]!).toString('base64')}\n`, [logKey]);
    expectRefused(submit(stateAt(5), request(5, 13, proofOf(5, 13), note)), 400, /malformed/);
  });
});

/** Distinct leaves (each carries its position), a tree of 1..40 of them and 0 ≤ m ≤ n ≤ its size. */
const treeAndSizes = fc
  .array(fc.uint8Array({ minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 40 })
  .map((es) => es.map((e, k) => leafHash(Uint8Array.from([...e, k]))))
  .chain((ls) =>
    fc
      .tuple(fc.integer({ min: 0, max: ls.length }), fc.integer({ min: 0, max: ls.length }))
      .map(([a, b]) => [ls, Math.min(a, b), Math.max(a, b)] as const),
  );

describe('addCheckpoint, for random trees', () => {
  const at = (ls: readonly Hash[], size: number): WitnessState => ({ origin: ORIGIN, size, root: merkleRoot(ls.slice(0, size)) });
  const bodyFor = (ls: readonly Hash[], m: number, n: number, proof: Hash[]) =>
    formatAddCheckpointRequest(m, proof, signCheckpoint({ origin: ORIGIN, size: n, root: merkleRoot(ls.slice(0, n)) }, logKey));
  const trueProof = (ls: readonly Hash[], m: number, n: number) => (m === 0 || m === n ? [] : consistencyProof(m, n, ls));

  it('accepts m → n with the true consistency proof, and moves the state to n', () => {
    fc.assert(
      fc.property(treeAndSizes, ([ls, m, n]) => {
        const r = expectAccepted(submit(at(ls, m), bodyFor(ls, m, n, trueProof(ls, m, n))));
        expect(r.state).toEqual(at(ls, n));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses the proof with any one hash flipped', () => {
    fc.assert(
      fc.property(treeAndSizes, fc.nat(), fc.nat(255), ([ls, m, n], which, bit) => {
        fc.pre(m > 0 && m < n);
        const proof = trueProof(ls, m, n);
        const i = which % proof.length;
        const bad = proof.map((h, k) => (k === i ? flip(h, bit) : h));
        expectRefused(submit(at(ls, m), bodyFor(ls, m, n, bad)), 422);
      }),
      { numRuns: 150 },
    );
  });
});
