/**
 * Report digests (src/log/report-digest.ts): an entry thread sends a report as a row of numbers only when the walk
 * would find nothing wrong with its own rules, and the row gives back its counts exactly. Then the property users rely
 * on: `plenum verify` finds the same problems and the same figures whether reports come digested, whole, or digested
 * with a verdict under the wrong key (read again and checked).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../src/log/canonical.ts';
import { keyEntry, parseEntry, rollEntries, type DiscussionEntry, type ReportEntry } from '../../src/log/entries.ts';
import { ReportDigester } from '../../src/log/report-digest.ts';
import { entryBundlePath } from '../../src/log/tiles.ts';
import { checkBundle, checkSignaturesHere, KeyRing, verifyRecord, type BundleCheck, type EntryPool, type SignatureChecker } from '../../src/log/verify.ts';
import { b64, discussion, enrol, idOf, memory, newOffice, office, publish, ROLL, signed, unitKey, VKEY } from '../support/hand-log.ts';

const entry0 = parseEntry(discussion) as DiscussionEntry;
const ROLL_END = 2;
const context = { discussion: entry0, rollEnd: ROLL_END, units: ROLL.map(([id, , n]) => [id, n] as [string, number]) };

const ids = fc.constantFrom('q1', 'q9', 'a', 'b', 'zz');
const votes = fc.dictionary(ids, fc.record({ abstain: fc.nat({ max: 6 }), positions: fc.dictionary(ids, fc.nat({ max: 8 }), { maxKeys: 3 }) }), { maxKeys: 2 });
const report = fc.record({
  unitId: fc.constantFrom('b1', 'b2', 'root', 'x9'),
  present: fc.nat({ max: 12 }),
  votes,
  discussionId: fc.constantFrom('d1', 'd1', 'd1', 'd2'),
  // Around the close (2024-01-15T00:00:00Z), in the server's form and in others.
  submittedAt: fc.constantFrom(
    '2024-01-05T12:00:00.000Z',
    '2024-01-14T23:59:59.999Z',
    '2024-01-15T00:00:00.000Z',
    '2024-01-15T00:00:00.001Z',
    '2024-01-15T00:00:00Z',
    '2024-01-14T23:59:59Z',
    '2024-01-15T00:59:59.999+01:00',
    '2024-01-15T01:00:00+01:00',
    '2024-02-01T00:00:00Z',
  ),
});

describe('ReportDigester', () => {
  it("digests a report iff the walk would pass its own rules, and gives back its counts as the entry had them (property)", () => {
    const digester = new ReportDigester(context);
    const roll = new Map(ROLL.map(([id, , n]) => [id, n]));
    fc.assert(
      fc.property(report, fc.integer({ min: 0, max: 6 }), (r, index) => {
        const e = parseEntry(signed(r)) as ReportEntry;
        const rows = new Float64Array(digester.width * 2).fill(NaN);
        const digested = digester.digest(e, index, 1, rows, digester.width);
        const n = roll.get(e.unitId);
        const cast = (q: string) => Object.values(e.votes[q]!.positions).reduce((a, b) => a + b, 0) + e.votes[q]!.abstain;
        const own =
          index > ROLL_END &&
          e.discussionId === 'd1' &&
          n !== undefined &&
          n >= 1 &&
          e.present <= n &&
          Object.keys(e.votes).every((q) => q === 'q1' && Object.keys(e.votes[q]!.positions).every((p) => p === 'a' || p === 'b') && cast(q) <= e.present) &&
          Date.parse(e.submittedAt) < Date.parse('2024-01-15T00:00:00Z');
        expect(digested).toBe(own);
        if (!digested) return;
        expect(rows.subarray(0, digester.width).every(Number.isNaN)).toBe(true); // only its own row is written
        expect(digester.read(rows, digester.width, ['x', e.keyId])).toEqual({ unitId: e.unitId, unit: ROLL.findIndex(([id]) => id === e.unitId), version: 1, supersedes: null, keyId: e.keyId });
        const counts = digester.counts(rows, digester.width);
        // The same counts, the same members in the same order as the parser gives them.
        expect(JSON.stringify(counts)).toBe(JSON.stringify({ present: e.present, votes: e.votes }));
      }),
      { numRuns: 2000 },
    );
  });

  it('digests nothing when entry 0 names a question or a position twice', () => {
    const twice = { ...entry0, questions: [{ id: 'q1', positions: ['a', 'a'] }] };
    const digester = new ReportDigester({ ...context, discussion: twice });
    expect(digester.usable).toBe(false);
    expect(digester.digest(parseEntry(signed({ votes: {} })) as ReportEntry, 5, 0, new Float64Array(64), 0)).toBe(false);
  });
});

describe('plenum verify with digested reports', () => {
  // A log over two or three bundles: the office's and b2's keys, then reports breaking the walk's rules at random.
  const step = fc.record({
    r: report,
    version: fc.constantFrom('next', 'next', 'next', 'next', 'same', 'skip'),
    signer: fc.constantFrom('office', 'office', 'office', 'unit', 'forged'),
  });
  const log = fc.tuple(fc.array(step, { minLength: 260, maxLength: 560 }), fc.nat({ max: 400 }));

  function entriesOf(steps: Array<{ r: Parameters<typeof signed>[0]; version: string; signer: string }>, revokeAt: number): Uint8Array[] {
    const entries = [discussion, enrol(office, 'root'), ...rollEntries('d1', ROLL), enrol(unitKey, 'b2', idOf(office))];
    const versions = new Map<string, number>();
    steps.forEach(({ r, version, signer }, k) => {
      if (k === revokeAt) entries.push(keyEntry({ action: 'revoke', keyId: idOf(unitKey), unitId: 'b2', approvedBy: idOf(office) }));
      const unitId = r.unitId!;
      const previous = versions.get(unitId) ?? 0;
      const v = version === 'next' ? previous + 1 : version === 'same' ? Math.max(1, previous) : previous + 2;
      versions.set(unitId, Math.max(previous, v));
      const over = { ...r, version: v, supersedes: v === 1 ? null : v - 1 };
      entries.push(signer === 'office' ? signed(over) : signer === 'unit' ? signed(over, unitKey) : signed(over, newOffice, idOf(office)));
    });
    return entries;
  }

  // Every figure published wrong, so that every recomputed figure is named in a problem.
  const wrong = { adopted: { a: { units: 99, members: 99 }, b: { units: 99, members: 99 }, none: { units: 99, members: 99 } }, votes: { a: 99, b: 99 }, abstain: 99 };
  const tallies = ROLL.map(([unitId]) => ({
    discussionId: 'd1',
    unitId,
    asOf: '2024-01-05T12:00:00.000Z',
    provisional: false,
    withheld: false,
    ...{ unitsTotal: 99, unitsReported: 99, unitsQuorate: 99, membersTotal: 99, membersReported: 99, present: 99, unitsOfficeSigned: 99 },
    questions: { q1: wrong },
  }));

  /** Bundles checked by `checkBundle` here, with `ring()`'s keys; reports digested once the walk gives the context. */
  function pool(ring: () => KeyRing, digests: boolean, seen: { digested: number }): SignatureChecker {
    let digester: ReportDigester | undefined;
    const entryPool: EntryPool = {
      check: async (bytes, first, width) => {
        const c: BundleCheck = checkBundle(bytes, first, width, ring(), digester);
        if (c.ok) seen.digested += c.entries.filter((e) => e === null).length;
        return c;
      },
      addKeys: () => undefined,
      ...(digests ? { setContext: (c: Parameters<NonNullable<EntryPool['setContext']>>[0]) => void (digester = new ReportDigester(c)) } : {}),
      close: async () => undefined,
    };
    return Object.assign((jobs: Parameters<SignatureChecker>[0], progress: (n: number) => void) => checkSignaturesHere(jobs, progress), { entryPool: () => entryPool });
  }

  it('finds the same problems and figures with reports digested, whole, or digested under a wrong key (property)', async () => {
    const seen = { whole: { digested: 0 }, digested: { digested: 0 }, wrongKey: { digested: 0 } };
    await fc.assert(
      fc.asyncProperty(log, async ([steps, revokeAt]) => {
        const files = publish(entriesOf(steps, revokeAt), tallies);
        const run = (checkSignatures?: SignatureChecker) => verifyRecord({ source: memory(files), vkey: VKEY, checkSignatures });
        const shared = new KeyRing();
        const wrongRing = () => {
          const r = new KeyRing(); // each id learned first under another key: every verdict is for the wrong key
          r.learn(idOf(office), b64(newOffice.publicKey));
          r.learn(idOf(unitKey), b64(office.publicKey));
          return r;
        };
        const results = [
          await run(), // this thread: digested from the second bundle on
          await run(pool(() => shared, false, seen.whole)),
          await run(pool(() => shared, true, seen.digested)),
          await run(pool(wrongRing, true, seen.wrongKey)),
        ];
        const [first, ...rest] = results.map((r) => ({ ok: r.ok, problems: r.problems, figures: { ...r.figures, bytesRead: 0 } }));
        expect(first!.problems.length).toBeGreaterThan(0);
        for (const r of rest) expect(r).toEqual(first);
      }),
      { numRuns: 6, endOnFailure: true }, // shrinking a log of hundreds of signed entries takes minutes; the seed replays it
    );
    expect(seen.whole.digested).toBe(0);
    expect(seen.digested.digested).toBeGreaterThan(0);
    expect(seen.wrongKey.digested).toBeGreaterThan(0);
  });

  it('reads a report digested under a wrong key again, and names it if it is not the entry read before', async () => {
    const entries = entriesOf(Array.from({ length: 300 }, (_, k) => ({ r: { unitId: k % 2 ? 'b1' : 'b2', present: 3, votes: {} }, version: 'next', signer: 'office' })), 1000);
    const files = publish(entries, tallies);
    let reads = 0;
    const bundle1 = entryBundlePath(1, entries.length - 256);
    const twoFaced = { ...memory(files), read: async (p: string) => (p === bundle1 && ++reads > 1 ? canonicalBytes({ not: 'the bundle' }) : (files.get(p) ?? null)) };
    const wrongRing = () => {
      const r = new KeyRing();
      r.learn(idOf(office), b64(newOffice.publicKey));
      return r;
    };
    const r = await verifyRecord({ source: twoFaced, vkey: VKEY, checkSignatures: pool(wrongRing, true, { digested: 0 }) });
    expect(r.problems.map((p) => p.message)).toContain('entry 256, read again to check its signature, is not the entry read before');
    expect(r.problems.some((p) => p.kind === 'signature')).toBe(false);
  });
});
