/**
 * The fast way to a report entry (src/log/report-encode.ts, used by services/report-entry.ts on the main thread and
 * the entry worker) against the full way it replaces — `signReportStatement` then `reportEntry`: for any statement,
 * valid or not (ids out of the alphabet or reserved, counts out of range or fractional, dates that are not, members
 * missing, extra or of the wrong type, lone surrogates), the same bytes and leaf hash, or the same error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportEntry, type ReportEntry } from '../../src/log/entries.ts';
import { leafHash } from '../../src/log/merkle.ts';
import { signerFromSeed } from '../../src/log/note.ts';
import { encodeReportEntry, statementMessage, statementText } from '../../src/log/report-encode.ts';
import { reportStatementBytes, signReportStatement, type ReportStatement } from '../../src/log/signing.ts';
import { finishReportEntry } from '../../src/services/report-entry.ts';
import { id, isoDateTime, signatureB64, statementMembers } from '../support/report-arbitraries.ts';


const statement = fc.record({
  type: fc.constant('report' as const),
  v: fc.constant(1 as const),
  ...statementMembers,
});

/** Values that break one rule or another, for any member. */
const odd = fc.constantFrom<unknown>(
  '',
  'constructor',
  '__proto__',
  'a b',
  'é',
  '\ud800',
  'x'.repeat(65),
  '"supersedes":1',
  ',"supersedes":',
  -1,
  -0,
  1.5,
  100_000_001,
  Number.MAX_SAFE_INTEGER + 1,
  Number.NaN,
  null,
  undefined,
  true,
  {},
  [],
  [1],
  { supersedes: 1 },
  '2024-13-01',
  '2024-02-30',
  '2024-01-05T25:00:00Z',
  'report',
  2,
  'AAAA',
);
const members = ['type', 'v', 'discussionId', 'unitId', 'version', 'supersedes', 'meetingDate', 'present', 'votes', 'resolutionSha256', 'keyId', 'enteredBy', 'zz', 'signature', 'a'];

/** A statement, often broken: a member set to an odd value, removed, or a vote of an odd shape. */
const anyStatement = fc
  .tuple(
    statement,
    fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom(...members), odd, fc.boolean()), { minLength: 1, maxLength: 2 }) }),
    fc.option(fc.tuple(id, odd), { nil: undefined, freq: 4 }),
  )
  .map(([s, changes, vote]) => {
    const out: Record<string, unknown> = { ...s };
    for (const [m, value, remove] of changes) {
      if (remove) delete out[m];
      else out[m] = value;
    }
    if (vote) out.votes = { ...(typeof out.votes === 'object' && out.votes ? out.votes : {}), [vote[0]]: { positions: { a: vote[1] }, abstain: 0 } };
    return out as unknown as ReportStatement;
  });

const submittedAt = fc.oneof({ weight: 6, arbitrary: isoDateTime }, { weight: 1, arbitrary: odd });
const signature = fc.oneof({ weight: 6, arbitrary: signatureB64 }, { weight: 1, arbitrary: signatureB64.map((s) => `${s.slice(0, 85)}B==`) }, { weight: 1, arbitrary: odd });

/** The answer of `f`: its value, or the error's class and message. */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const theFullWay = (signed: ReportStatement, at: unknown, sig: unknown) => {
  const { type: _t, v: _v, ...fields } = signed;
  return reportEntry({ ...fields, submittedAt: at, signature: sig } as unknown as Omit<ReportEntry, 'type' | 'v'>);
};

const office = signerFromSeed('plenum-office', new Uint8Array(32).fill(3));

describe('a report entry made the fast way', () => {
  it('is the statement as signed: the same text and bytes as reportStatementBytes', () => {
    fc.assert(
      fc.property(statement, (s) => {
        expect(statementMessage(statementText(s))).toEqual(reportStatementBytes(s));
      }),
    );
  });

  it('has the bytes of the full way, or its error', () => {
    let fast = 0;
    fc.assert(
      fc.property(anyStatement, submittedAt, signature, fc.boolean(), (s, at, sig, withText) => {
        const text = withText ? outcome(() => statementText(s)) : undefined;
        const got = outcome(() => encodeReportEntry(s, text && 'ok' in text ? text.ok : undefined, at as string, sig as string));
        const want = outcome(() => theFullWay(s, at, sig));
        if ('ok' in got && 'ok' in want) {
          fast++;
          expect(got.ok.bytes).toEqual(want.ok);
          expect(got.ok.text).toBe(new TextDecoder().decode(want.ok));
        } else expect(got).toEqual(want);
      }),
      { numRuns: 5000 },
    );
    expect(fast).toBeGreaterThan(500);
  });

  it('finishReportEntry: the same entry and leaf hash as signing and encoding the full way, or the same error', () => {
    fc.assert(
      fc.property(anyStatement, submittedAt, fc.oneof(signature.filter((x) => typeof x === 'string'), fc.constant(office)), (s, at, sig) => {
        const got = outcome(() => finishReportEntry(s, at as string, sig as string));
        const want = outcome(() => {
          const value = sig === office ? signReportStatement(s, office) : sig;
          const bytes = theFullWay(s, at, value);
          return { entry: new TextDecoder().decode(bytes), leafHash: Buffer.from(leafHash(bytes)).toString('hex') };
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });
});
