/**
 * fast-check generators of a report entry's members, for the property tests of its fast paths (test/log/report-scan,
 * test/log/report-encode): ids the schema allows (integer-like, at the 64 limit, names a statement has as members),
 * counts and versions at their bounds, dates across centuries in the forms the schema takes, canonical base64 and hex.
 */
import fc from 'fast-check';

const idChars = 'abcXYZ019_.:-';
export const id = fc.oneof(
  fc.constantFrom('q1', 'q2', 'cc', 'opp', 'b0001', '1', '9', '10', 'a', 'A', 'z-', 'x'.repeat(64), 'supersedes'),
  fc.tuple(fc.constantFrom(...'aZ09'), fc.string({ unit: fc.constantFrom(...idChars), maxLength: 8 })).map(([a, b]) => a + b),
);
export const count = fc.oneof(fc.constantFrom(0, 1, 9, 10, 100_000_000), fc.nat({ max: 100_000_000 }));
export const positive = fc.oneof(fc.constantFrom(1, 2, Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));
/** A record keyed by ids (votes by question, by position). */
export const record = <T>(value: fc.Arbitrary<T>, maxKeys = 4) => fc.dictionary(id, value, { maxKeys });
export const isoDate = fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
export const isoDateTime = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2024-01-05T12:00:00Z', '2024-01-05T12:00:00+03:00', '2024-02-29T23:59:59.5Z'),
);
/** A 64-byte signature in base64. */
export const signatureB64 = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
/** A SHA-256 in hex. */
export const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
/** The members of a report's signed statement but `type` and `v`: what both fast paths' properties draw from. */
export const statementMembers = {
  discussionId: id,
  unitId: id,
  version: positive,
  supersedes: fc.option(positive, { nil: null }),
  meetingDate: isoDate,
  present: count,
  votes: record(fc.record({ positions: record(count), abstain: count })),
  resolutionSha256: hex,
  keyId: id,
  enteredBy: fc.constantFrom('unit' as const, 'office' as const),
};
