/**
 * The report scanner (src/log/report-scan.ts) is `parseEntry`'s fast path: it may only ever accept what the full way
 * (parseCanonical, then the zod schema) accepts, with the same value. Checked on generated valid reports (every shape
 * the schema allows: empty records, integer-like ids, bounds) and on random mutations of them — a byte changed,
 * inserted or removed — which the scanner must refuse unless the full way accepts the result too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntry, parseEntryFully, reportEntry, type ReportEntry } from '../../src/log/entries.ts';
import { scanReportEntry } from '../../src/log/report-scan.ts';
import { isoDateTime, signatureB64 as signature, statementMembers } from '../support/report-arbitraries.ts';


const reportFields = fc.record({ ...statementMembers, submittedAt: isoDateTime, signature });

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(...'{}[]":,0123456789 \\e-.=/+nAaZz'.split('').map((c) => c.charCodeAt(0))) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(...' ,"0}1\\'.split('').map((c) => c.charCodeAt(0))) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(bytes: Uint8Array, m: { kind: 'set' | 'insert' | 'delete'; at: number; byte: number }): Uint8Array {
  const at = m.at % (bytes.length + (m.kind === 'insert' ? 1 : 0));
  const out = Array.from(bytes);
  if (m.kind === 'set') out[at] = m.byte;
  else if (m.kind === 'insert') out.splice(at, 0, m.byte);
  else out.splice(at, 1);
  return Uint8Array.from(out);
}

const fully = (bytes: Uint8Array): ReportEntry | null => {
  try {
    const e = parseEntryFully(bytes);
    return e.type === 'report' ? e : null;
  } catch {
    return null;
  }
};

describe('the report scanner', () => {
  it('accepts every valid report entry, with the value the full way gives', () => {
    fc.assert(
      fc.property(reportFields, (fields) => {
        const bytes = reportEntry(fields);
        const scanned = scanReportEntry(bytes);
        expect(scanned).not.toBeNull();
        expect(scanned).toEqual(parseEntryFully(bytes));
        expect(reportEntry(scanned as never)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a mutated entry only if the full way accepts it too, with the same value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(reportFields, fc.array(mutation, { minLength: 1, maxLength: 3 }), (fields, mutations) => {
        const bytes = mutations.reduce(mutate, reportEntry(fields));
        const scanned = scanReportEntry(bytes);
        const full = fully(bytes);
        if (scanned !== null) {
          accepted++;
          expect(full).toEqual(scanned);
        }
        // parseEntry agrees with the full way either way.
        if (full) expect(parseEntry(bytes)).toEqual(full);
        else expect(() => parseEntry(bytes)).toThrow();
      }),
      { numRuns: 20000 },
    );
    // Some mutations give another valid entry (a digit changed): the property is not vacuous on the accepting side.
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses what the full way refuses, for the reasons that matter to a signature', () => {
    const bytes = reportEntry(fc.sample(reportFields, { numRuns: 1, seed: 7 })[0]!);
    const text = new TextDecoder().decode(bytes);
    const variants = [
      text.replace('{"discussionId"', '{ "discussionId"'), // whitespace
      text.replace('"v":1', '"v":1.0'), // another spelling of a number
      text.replace('"v":1,', '"v":1,"v":1,'), // a repeated member
      text.replace('"enteredBy":"', '"enteredBy":"\\u0075').replace('\\u0075unit', '\\u0075nit').replace('\\u0075office', '\\u0075ffice'), // an escape
      `${text.slice(0, -1)},"zz":1}`, // an unknown member
    ];
    for (const v of variants) {
      const b = new TextEncoder().encode(v);
      expect(scanReportEntry(b), v).toBeNull();
      expect(() => parseEntry(b), v).toThrow();
    }
  });
});
