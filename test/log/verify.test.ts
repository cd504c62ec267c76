/**
 * The verifier against logs built here with src/log alone (no database, no server): a tiny discussion whose tallies
 * are worked out by hand, and a log breaking each structural rule once — every problem named by its entry index.
 */
import { describe, expect, it } from 'vitest';
import { apportionmentEntry, decisionEntry, keyEntry, rollEntries, sha256Hex } from '../../src/log/entries.ts';
import { leafHash, merkleRoot } from '../../src/log/merkle.ts';
import { verifierKey, type Signer } from '../../src/log/note.ts';
import { encodeBundle, entryBundlePath, textPath } from '../../src/log/tiles.ts';
import { reportStatementBytes } from '../../src/log/statement.ts';
import { checkBundle, checkSignaturesHere, KeyRing, statementFromEntryBytes, verifyRecord, VerifyUsageError, type EntryPool, type RecordSource, type SignatureChecker } from '../../src/log/verify.ts';
import { parseEntry } from '../../src/log/entries.ts';
import { b64, discussion, enrol, idOf, logKey, memory, newOffice, office, ORIGIN, publish, ROLL, signed, unitKey } from '../support/hand-log.ts';

const zeroQ = () => ({ adopted: { a: { units: 0, members: 0 }, b: { units: 0, members: 0 }, none: { units: 0, members: 0 } }, votes: { a: 0, b: 0 }, abstain: 0 });
const tally = (unitId: string, t: object) => ({ discussionId: 'd1', unitId, asOf: '2024-01-05T12:00:00.000Z', provisional: false, withheld: false, ...t });
// Worked out by hand: b1 (roll 10) reported 6 present (quorate: 6 ≥ 5), 4 for a of 5 cast (adopted), signed by the
// office's key; b2 (roll 5) did not report.
const b1Q = { adopted: { a: { units: 1, members: 10 }, b: { units: 0, members: 0 }, none: { units: 0, members: 0 } }, votes: { a: 4, b: 1 }, abstain: 1 };
const HAND_TALLIES = [
  tally('b1', { unitsTotal: 1, unitsReported: 1, unitsQuorate: 1, membersTotal: 10, membersReported: 10, present: 6, unitsOfficeSigned: 1, questions: { q1: b1Q } }),
  tally('b2', { unitsTotal: 1, unitsReported: 0, unitsQuorate: 0, membersTotal: 5, membersReported: 0, present: 0, unitsOfficeSigned: 0, questions: { q1: zeroQ() } }),
  tally('root', { unitsTotal: 2, unitsReported: 1, unitsQuorate: 1, membersTotal: 15, membersReported: 10, present: 6, unitsOfficeSigned: 1, questions: { q1: b1Q } }),
];
const CLEAN = [discussion, enrol(office, 'root'), ...rollEntries('d1', ROLL), signed({ present: 2, votes: { q1: { positions: { a: 1, b: 1 }, abstain: 0 } } }), signed({ version: 2, supersedes: 1 })];

describe('verifyRecord on a log built by hand', () => {
  it('finds nothing wrong with a clean log whose tallies were worked out by hand', async () => {
    const r = await verifyRecord({ source: memory(publish(CLEAN, HAND_TALLIES)), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.figures).toMatchObject({ origin: ORIGIN, checkpointSize: 5, logSize: 5, entries: 5, reports: 2, keys: 1, units: 3, signaturesChecked: 2 });
    expect(r.figures.tallyFieldsCompared).toBeGreaterThan(3 * 6);
    expect(r.figures.textsChecked).toBe(1);
  });

  it('recomputes the figures a decision rests on: its root and its tally, as reported and as adjudicated', async () => {
    const vkey = verifierKey(logKey.name, logKey.publicKey);
    const rootOf5 = Buffer.from(merkleRoot(CLEAN.map(leafHash))).toString('hex');
    const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, withheld: _w, ...rootFigures } = HAND_TALLIES[2]! as Record<string, unknown>;
    const decision = (over: object) =>
      decisionEntry({
        discussionId: 'd1',
        decisionId: 'dec-1',
        kind: 'decision',
        corrects: null,
        effectiveDate: '2024-01-18',
        textsSha256: sha256Hex('texts'),
        reasonSha256: null,
        basedOn: { size: 5, rootHash: rootOf5 },
        tally: { reported: rootFigures as never, adjudicated: rootFigures as never },
        votes: [{ questionId: 'q1', motionId: 'm1', for: 2, against: 0, abstain: 0, result: 'adopted' }],
        ...over,
      });
    const good = await verifyRecord({ source: memory(publish([...CLEAN, decision({})], HAND_TALLIES, 5)), vkey });
    expect(good.problems).toEqual([]);
    expect(good.figures.decisionsChecked).toBe(1);

    const inflated = structuredClone(rootFigures) as { questions: { q1: { adopted: { a: { members: number } } } } };
    inflated.questions.q1.adopted.a.members = 15; // "approved by all members"
    const wrong = await verifyRecord({ source: memory(publish([...CLEAN, decision({ tally: { reported: inflated, adjudicated: rootFigures } })], HAND_TALLIES, 5)), vkey });
    expect(wrong.problems).toEqual([
      { kind: 'decision', message: "entry 5: the decision's reported tally differs from the one its first 5 entries give: questions.q1.adopted.a.members: recomputed 10, the entry says 15" },
    ]);
    const otherRoot = await verifyRecord({ source: memory(publish([...CLEAN, decision({ basedOn: { size: 4, rootHash: rootOf5 } })], HAND_TALLIES, 5)), vkey });
    expect(otherRoot.problems.map((p) => p.kind)).toContain('decision');
    expect(otherRoot.problems[0]!.message).toMatch(/names the root [0-9a-f]{64} for the first 4 entries; the log's is/);

    // The walk keeps no report it has passed; the decision's tally reads them again. A server that serves the bundle
    // differently the second time (here: report version 1 with other counts) is caught by the leaf hashes.
    const files = publish([...CLEAN, decision({})], HAND_TALLIES, 5);
    const bundle = entryBundlePath(0, 6);
    const other = [...CLEAN.slice(0, 3), signed({ present: 3, votes: { q1: { positions: { a: 2, b: 1 }, abstain: 0 } } }), signed({ version: 2, supersedes: 1 }), decision({})];
    let reads = 0;
    const twoFaced: RecordSource = {
      description: 'two-faced',
      read: async (p) => (p === bundle && ++reads > 1 ? encodeBundle(other.slice(0, 6)) : (files.get(p) ?? null)),
    };
    const caught = await verifyRecord({ source: twoFaced, vkey });
    expect(reads).toBe(2);
    expect(caught.problems.map((p) => p.message)).toContain('entry 3, read again for the decisions and seat tables, is not the entry read before');
    expect(caught.ok).toBe(false);
  });

  it("recomputes a conference's seat table: the populations from the roll, the seats from the logged rule", async () => {
    const vkey = verifierKey(logKey.name, logKey.publicKey);
    const table = (units: Array<[string, number, number, number]>, basis: 'roll' | 'reported' = 'roll') =>
      apportionmentEntry({ discussionId: 'd1', version: 1, basis, deciding: { method: 'hare', seats: 3, min: 1 }, consultative: null, reasonSha256: null, units });
    // b1 (roll 10) and b2 (roll 5): Hare, 3 seats, at least 1 → 2 and 1.
    const good = await verifyRecord({ source: memory(publish([...CLEAN, table([['b1', 10, 2, 0], ['b2', 5, 1, 0]])], HAND_TALLIES, 5)), vkey });
    expect(good.problems).toEqual([]);
    expect(good.figures.apportionmentsChecked).toBe(1);
    const seats = await verifyRecord({ source: memory(publish([...CLEAN, table([['b1', 10, 1, 0], ['b2', 5, 2, 0]])], HAND_TALLIES, 5)), vkey });
    expect(seats.problems).toEqual([{ kind: 'apportionment', message: 'entry 5: apportionment version 1: unit b1 has 1 deciding seat(s); the rule gives it 2' }]);
    const people = await verifyRecord({ source: memory(publish([...CLEAN, table([['b1', 12, 2, 0], ['b2', 5, 1, 0]])], HAND_TALLIES, 5)), vkey });
    expect(people.problems[0]!.message).toBe('entry 5: apportionment version 1: unit b1 has a population of 12; the roll gives 10');
    // On the members of units that had reported: only b1 had; b2, with none, gets no seat whatever the minimum.
    const reported = await verifyRecord({ source: memory(publish([...CLEAN, table([['b1', 10, 3, 0], ['b2', 0, 0, 0]], 'reported')], HAND_TALLIES, 5)), vkey });
    expect(reported.problems).toEqual([]);
  });

  it("checks the title behind entry 0's hash: missing, or not the text the hash names", async () => {
    const path = textPath(sha256Hex('A test'));
    const vkey = verifierKey(logKey.name, logKey.publicKey);
    const missing = publish(CLEAN, HAND_TALLIES);
    missing.delete(path);
    const r1 = await verifyRecord({ source: memory(missing), vkey });
    expect(r1.ok).toBe(false);
    expect(r1.problems).toEqual([{ kind: 'text', message: `entry 0: the title behind titleSha256 ${sha256Hex('A test')} is not served (${path})` }]);
    const changed = publish(CLEAN, HAND_TALLIES);
    changed.set(path, new TextEncoder().encode('A test, edited'));
    const r2 = await verifyRecord({ source: memory(changed), vkey });
    expect(r2.problems).toEqual([{ kind: 'text', message: `${path} is not the text entry 0 names: its SHA-256 is ${sha256Hex('A test, edited')}` }]);
  });

  it('recomputes from entries 0 … logSize − 1 only, and warns when the key is the served one', async () => {
    // tallies.json accounts for the first version only (logSize 4): b1's figures are then those of version 1.
    const v1Q = { adopted: { a: { units: 0, members: 0 }, b: { units: 0, members: 0 }, none: { units: 1, members: 10 } }, votes: { a: 1, b: 1 }, abstain: 0 };
    const v1 = { unitsTotal: 1, unitsReported: 1, unitsQuorate: 0, membersTotal: 10, membersReported: 10, present: 2, unitsOfficeSigned: 1, questions: { q1: v1Q } };
    const units = [tally('b1', v1), HAND_TALLIES[1], tally('root', { ...v1, unitsTotal: 2, membersTotal: 15 })];
    const r = await verifyRecord({ source: memory(publish(CLEAN, units, 4)) });
    expect(r.problems).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/no --vkey given.*the log vouches for itself/);
  });

  it("counts a report signed by the unit's own key as not office-signed", async () => {
    const entries = [...CLEAN, enrol(unitKey, 'b2', 'account:officer-1'), signed({ unitId: 'b2', present: 3, votes: {}, enteredBy: 'unit' }, unitKey)];
    const b2Q = { adopted: { a: { units: 0, members: 0 }, b: { units: 0, members: 0 }, none: { units: 1, members: 5 } }, votes: { a: 0, b: 0 }, abstain: 0 };
    const rootQ = { ...b1Q, adopted: { ...b1Q.adopted, none: { units: 1, members: 5 } } };
    const units = [
      HAND_TALLIES[0],
      tally('b2', { unitsTotal: 1, unitsReported: 1, unitsQuorate: 1, membersTotal: 5, membersReported: 5, present: 3, unitsOfficeSigned: 0, questions: { q1: b2Q } }),
      tally('root', { unitsTotal: 2, unitsReported: 2, unitsQuorate: 2, membersTotal: 15, membersReported: 15, present: 9, unitsOfficeSigned: 1, questions: { q1: rootQ } }),
    ];
    const r = await verifyRecord({ source: memory(publish(entries, units)), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems).toEqual([]);
    expect(r.figures).toMatchObject({ keys: 2, reports: 3, signaturesChecked: 3 });
  });

  it('prints each tally difference naming the unit, the field and both values; withheld units are compared on coverage', async () => {
    const wrong = structuredClone(HAND_TALLIES) as Array<Record<string, any>>;
    wrong[2]!.questions.q1.votes.a = 5;
    wrong[2]!.present = 7;
    wrong[1] = { ...wrong[1], withheld: true, present: null, unitsQuorate: null, questions: null, membersReported: 1 };
    wrong.push(tally('ghost', { unitsTotal: 0, unitsReported: 0, unitsQuorate: 0, membersTotal: 0, membersReported: 0, present: 0, unitsOfficeSigned: 0, questions: {} }));
    const r = await verifyRecord({ source: memory(publish(CLEAN, [...wrong.slice(1)])), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems.map((p) => p.message).sort()).toEqual(
      [
        'unit b1: in the roll but not in tallies.json',
        'unit b2: membersReported published 1, recomputed 0',
        'unit b2: withheld published true, recomputed false',
        'unit ghost: in tallies.json but not in the roll',
        'unit root: present published 7, recomputed 6',
        'unit root: q1.votes.a published 5, recomputed 4',
      ].sort(),
    );
  });

  it('names the entry of every broken rule of the log', async () => {
    const entries = [
      discussion, // 0
      enrol(office, 'root'), // 1
      signed({}), // 2: before the roll
      ...rollEntries('d1', ROLL), // 3
      enrol(unitKey, 'b2', idOf(office)), // 4
      signed({ unitId: 'b2', present: 3, votes: {} }, unitKey), // 5: fine
      signed({ unitId: 'b1', version: 2, supersedes: 1 }, unitKey), // 6: a b2 key signing for b1
      keyEntry({ action: 'revoke', keyId: idOf(unitKey), unitId: 'b2', approvedBy: idOf(office) }), // 7
      signed({ unitId: 'b2', version: 2, supersedes: 1, present: 3, votes: {} }, unitKey), // 8: revoked key
      signed({ unitId: 'b1', version: 4, supersedes: 2 }), // 9: breaks the chain (3 expected)
      signed({ unitId: 'x9' }), // 10: not in the roll
      signed({ unitId: 'b2', version: 3, supersedes: 2, present: 6, votes: {} }), // 11: present over the roll of 5
      signed({ unitId: 'b2', version: 4, supersedes: 3, present: 1, votes: {} }, newOffice, idOf(office)), // 12: forged signature
      keyEntry({ action: 'rotate', keyId: idOf(newOffice), unitId: 'root', publicKey: b64(newOffice.publicKey), replaces: idOf(office), approvedBy: 'organization' }), // 13
      signed({ unitId: 'b2', version: 5, supersedes: 4, present: 1, votes: {} }), // 14: the replaced key
      signed({ unitId: 'b2', version: 6, supersedes: 5, present: 1, votes: {} }, newOffice), // 15: fine
      signed({ unitId: 'b2', version: 7, supersedes: 6, present: 1, votes: {}, submittedAt: '2024-01-15T00:00:00Z' }, newOffice), // 16: at closing
      discussion, // 17
    ];
    const r = await verifyRecord({ source: memory(publish(entries, [])), vkey: verifierKey(logKey.name, logKey.publicKey), checkSignatures: checkSignaturesHere });
    const messages = r.problems.filter((p) => p.kind === 'structure' || p.kind === 'signature').map((p) => p.message);
    const k = (s: Signer) => idOf(s);
    expect(messages).toEqual([
      'entry 2: report of unit b1 version 1 comes before the roll is complete',
      `entry 6: report of unit b1 version 2 is signed by key ${k(unitKey)} of unit b2, which is neither that unit nor above it`,
      `entry 8: report of unit b2 version 2 is signed by key ${k(unitKey)}, which was revoked or replaced at entry 7`,
      'entry 9: report of unit b1 version 4 supersedes 2; expected version 3 superseding 2',
      'entry 10: report of unit x9 version 1: unit x9 is not in the roll',
      "entry 11: report of unit b2 version 3: present (6) exceeds the unit's voting roll (5)",
      `entry 14: report of unit b2 version 5 is signed by key ${k(office)}, which was revoked or replaced at entry 13`,
      'entry 16: report of unit b2 version 7 was submitted at 2024-01-15T00:00:00Z, not before reporting closed at 2024-01-15T00:00:00Z',
      'entry 17: a second discussion entry (only entry 0 may be one)',
      `entry 12: the signature of unit b2's report version 4 by key ${k(office)} does not verify`,
    ]);
  });

  it('finds the same problems when bundles are checked apart, with keys learned late, unknown or under a wrong key', async () => {
    // Entries of the broken log above, over several bundles; each "thread" knows only the keys of the bundles it checked
    // itself, or a key id mapped to another key: the walk must re-check those signatures, not trust the verdict.
    const entries = [
      discussion,
      enrol(office, 'root'),
      ...rollEntries('d1', ROLL),
      enrol(unitKey, 'b2', idOf(office)),
      signed({ unitId: 'b2', present: 3, votes: {} }, unitKey),
      signed({ unitId: 'b1', present: 6 }),
      signed({ unitId: 'b1', version: 2, supersedes: 1, present: 1, votes: {} }, newOffice, idOf(office)), // 6: forged
      // 7 … 266: b2's corrections, the last ones in the second bundle, signed by b2's key (registered in the first).
      ...Array.from({ length: 260 }, (_, k) => signed({ unitId: 'b2', version: k + 2, supersedes: k + 1, present: 3, votes: {} }, unitKey)),
      signed({ unitId: 'b2', version: 262, supersedes: 261, present: 2, votes: {} }, office, idOf(unitKey)), // 267: forged
    ];
    const clean = await verifyRecord({ source: memory(publish(entries, [])), vkey: verifierKey(logKey.name, logKey.publicKey), checkSignatures: checkSignaturesHere });
    const expected = clean.problems.map((p) => p.message);
    expect(expected.filter((m) => m.startsWith('entry'))).toEqual([
      `entry 6: the signature of unit b1's report version 2 by key ${idOf(office)} does not verify`,
      `entry 267: the signature of unit b2's report version 262 by key ${idOf(unitKey)} does not verify`,
    ]);
    for (const ringOf of [
      () => new KeyRing(), // nothing shared: only the bundle's own keys
      () => {
        const r = new KeyRing(); // the office's id naming another key
        r.learn(idOf(office), b64(newOffice.publicKey));
        return r;
      },
    ]) {
      const checked: number[] = [];
      const pool: EntryPool = {
        check: async (bytes, first, width) => checkBundle(bytes, first, width, ringOf()),
        addKeys: () => undefined,
        close: async () => undefined,
      };
      const checker: SignatureChecker = Object.assign(async (jobs: Parameters<SignatureChecker>[0], progress: (n: number) => void) => {
        checked.push(...jobs.map((j) => j.index));
        return checkSignaturesHere(jobs, progress);
      }, { entryPool: () => pool });
      const r = await verifyRecord({ source: memory(publish(entries, [])), vkey: verifierKey(logKey.name, logKey.publicKey), checkSignatures: checker });
      expect(r.problems.map((p) => p.message)).toEqual(expected);
      expect(r.figures.signaturesChecked).toBe(clean.figures.signaturesChecked);
      expect(checked.length).toBeGreaterThan(0);
    }
  });

  it('cuts a report statement from the entry bytes exactly as reportStatementBytes builds it', () => {
    for (const bytes of [signed({}), signed({ unitId: 'b2', votes: { signature: { positions: { submittedAt: 1 }, abstain: 0 } } }), signed({ supersedes: 1, version: 2, meetingDate: '2024-01-06' })]) {
      const e = parseEntry(bytes);
      if (e.type !== 'report') throw new Error('not a report');
      expect(Buffer.from(statementFromEntryBytes(bytes, e)).equals(Buffer.from(reportStatementBytes(e)))).toBe(true);
    }
  });

  it('names a bundle that does not hold its entries, and a tile that differs from the rebuilt tree', async () => {
    const files = publish(CLEAN, HAND_TALLIES);
    const path = entryBundlePath(0, CLEAN.length);
    files.set(path, encodeBundle(CLEAN.slice(0, 4)));
    let r = await verifyRecord({ source: memory(files), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems.map((p) => p.message)).toContain(`entry bundle ${path} holds 4 entries, not 5: entries 0…4 cannot be read`);

    const swapped = publish(CLEAN, HAND_TALLIES);
    swapped.set(path, encodeBundle([CLEAN[0]!, CLEAN[1]!, CLEAN[2]!, CLEAN[4]!, CLEAN[3]!]));
    swapped.set('tile/0/000.p/5', new Uint8Array(5 * 32));
    r = await verifyRecord({ source: memory(swapped), vkey: verifierKey(logKey.name, logKey.publicKey) });
    const messages = r.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/the root rebuilt from the 5 entries \(.*\) is not the checkpoint's root/);
    expect(messages).toMatch(/hash tile tile\/0\/000\.p\/5 differs from the tree rebuilt from the entries, first at the leaf hash of entry 0/);
  });

  it('names an entry that does not parse, and recomputes no tally from a log with a hole', async () => {
    const spaced = new TextEncoder().encode(new TextDecoder().decode(CLEAN[4]!).replace('{', '{ '));
    const r = await verifyRecord({ source: memory(publish([...CLEAN.slice(0, 4), spaced], HAND_TALLIES)), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems.map((p) => p.message)).toEqual([
      'entry 4: entry refused: not in canonical form (RFC 8785)',
      'the tallies are not recomputed: some of entries 0…4 could not be read or parsed',
    ]);
  });

  it('fails when tallies.json accounts for more entries than the checkpoint covers', async () => {
    const r = await verifyRecord({ source: memory(publish(CLEAN, HAND_TALLIES, 6)), vkey: verifierKey(logKey.name, logKey.publicKey) });
    expect(r.problems.map((p) => p.message)).toEqual(['tallies.json accounts for 6 entries, but the checkpoint covers only 5']);
  });

  it('refuses malformed keys and counts as bad usage, before reading anything', async () => {
    const source: RecordSource = { description: 'nothing', read: () => Promise.reject(new Error('read')) };
    await expect(verifyRecord({ source, vkey: 'nonsense' })).rejects.toThrow(VerifyUsageError);
    await expect(verifyRecord({ source, witnesses: ['w+00000000+AAAA'] })).rejects.toThrow(/--witness/);
    await expect(verifyRecord({ source, witnessesRequired: 1 })).rejects.toThrow(/--witnesses-required 1/);
  });
});
