/**
 * The fast path of `parseEntry` (./entries.ts) for report entries: a scanner over the entry's bytes that accepts only
 * the one canonical spelling of a report, member by member, in the order RFC 8785 sorts them:
 *
 *   {"discussionId":ID,"enteredBy":"unit"|"office","keyId":ID,"meetingDate":DATE,"present":COUNT,
 *    "resolutionSha256":HEX64,"signature":BASE64-64,"submittedAt":DATETIME,"supersedes":null|POSITIVE,"type":"report",
 *    "unitId":ID,"v":1,"version":POSITIVE,"votes":{ID:{"abstain":COUNT,"positions":{ID:COUNT,…}},…}}
 *
 * with the rules of ReportEntrySchema: ids by `isValidId` (1–64 of A–Z a–z 0–9 _ . : -, starting with a letter or
 * digit, no name JavaScript objects already have), counts 0…100,000,000, versions 1…2^53 − 1, numbers written as
 * RFC 8785 writes them (no sign, no leading zero, no fraction or exponent), record members strictly increasing, the
 * two dates through the schema's own IsoDate and IsoDateTime, the signature canonical base64. None of these strings
 * can hold a character JSON escapes, so the bytes are canonical exactly when they scan.
 *
 * The scanner answers null on anything else — a byte out of place, a key out of order, a number out of range — and
 * `parseEntry` then takes the full way (parseCanonical, then zod), which accepts or names the problem. So the scanner
 * only ever decides "accepted"; test/log/entries.test.ts checks that whatever it accepts the full way accepts with the
 * same value, on valid entries and on random mutations of them. It exists because `plenum verify` reads one report per
 * signature, and the full way costs as much as a tenth of a signature check.
 */
import { isReservedId } from '../domain/ids.ts';
import { IsoDate, IsoDateTime } from '../schemas/common.ts';
import type { ReportEntry } from './entries.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MAX_COUNT = 100_000_000;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const LITERALS = {
  start: ascii('{"discussionId":"'),
  enteredBy: ascii(',"enteredBy":"'),
  keyId: ascii(',"keyId":"'),
  meetingDate: ascii(',"meetingDate":"'),
  present: ascii(',"present":'),
  resolution: ascii(',"resolutionSha256":"'),
  signature: ascii(',"signature":"'),
  submittedAt: ascii(',"submittedAt":"'),
  supersedes: ascii(',"supersedes":'),
  type: ascii(',"type":"report","unitId":"'),
  v: ascii(',"v":1,"version":'),
  votes: ascii(',"votes":{'),
  abstain: ascii(':{"abstain":'),
  positions: ascii(',"positions":{'),
  null: ascii('null'),
};

// Bytes allowed in an id (after the first), in hex and base64, and in the two date forms.
const ID_BYTE = new Uint8Array(128);
const ID_FIRST_BYTE = new Uint8Array(128);
const HEX_BYTE = new Uint8Array(128);
const B64_BYTE = new Uint8Array(128);
const DATE_BYTE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-') ID_BYTE[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') ID_FIRST_BYTE[c.charCodeAt(0)] = 1;
for (const c of '0123456789abcdef') HEX_BYTE[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64_BYTE[c.charCodeAt(0)] = 1;
for (const c of '0123456789-:.TZ+') DATE_BYTE[c.charCodeAt(0)] = 1;

/** Thrown inside the scanner only, caught by `scanReportEntry`: "not the fast path's to accept". */
const NO = new Error('not a canonical report entry');

/**
 * `buf.toString('latin1', from, to)` without its argument checks: Buffer's own `latin1Slice`, which `toString` ends in
 * (present in every Node.js since 0.x, though undocumented), where there is one — a tenth of the scanner's time for the
 * many short strings of an entry (its ids).
 */
type Latin1Slicing = Buffer & { latin1Slice?: (from: number, to: number) => string };
const latin1: (buf: Buffer, from: number, to: number) => string =
  typeof (Buffer.prototype as Latin1Slicing).latin1Slice === 'function' ? (buf, from, to) => (buf as Latin1Slicing).latin1Slice!(from, to) : (buf, from, to) => buf.toString('latin1', from, to);

class Scanner {
  at = 0;
  /** The same bytes as a Buffer, for `toString('latin1', …)`: one native call per string. */
  private readonly buffer: Buffer;
  constructor(private readonly b: Uint8Array) {
    this.buffer = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  literal(l: Uint8Array): void {
    const { b } = this;
    if (this.at + l.length > b.length) throw NO;
    for (let i = 0; i < l.length; i++) if (b[this.at + i] !== l[i]) throw NO;
    this.at += l.length;
  }

  byte(c: number): void {
    if (this.b[this.at] !== c) throw NO;
    this.at++;
  }

  peek(): number | undefined {
    return this.b[this.at];
  }

  /** The characters up to the closing quote (the opening one already read), each in `allowed`. */
  chars(allowed: Uint8Array, max: number): string {
    const { b } = this;
    const from = this.at;
    for (;;) {
      const c = b[this.at];
      if (c === undefined) throw NO;
      if (c === QUOTE) break;
      if (c >= 128 || allowed[c] !== 1 || this.at - from >= max) throw NO;
      this.at++;
    }
    this.at++;
    // ASCII only (checked above), so latin1 reads each byte as the one UTF-16 code unit it is.
    return latin1(this.buffer, from, this.at - 1);
  }

  /** An id's characters and its closing quote: `isValidId`'s rule, its characters checked by `chars` on the way. */
  id(): string {
    const first = this.b[this.at];
    if (first === undefined || first >= 128 || ID_FIRST_BYTE[first] !== 1) throw NO;
    const s = this.chars(ID_BYTE, 64);
    if (isReservedId(s)) throw NO;
    return s;
  }

  /** A quoted id (opening quote included). */
  quotedId(): string {
    this.byte(QUOTE);
    return this.id();
  }

  /** A non-negative integer as RFC 8785 writes it, at most `max`. */
  number(max: number): number {
    const { b } = this;
    const first = b[this.at];
    if (first === undefined || first < 0x30 || first > 0x39) throw NO;
    if (first === 0x30) {
      this.at++;
      const next = b[this.at];
      if (next !== undefined && next >= 0x30 && next <= 0x39) throw NO;
      return 0;
    }
    let n = 0;
    let digits = 0;
    for (;;) {
      const c = b[this.at];
      if (c === undefined || c < 0x30 || c > 0x39) break;
      if (++digits > 16) throw NO;
      n = n * 10 + (c - 0x30);
      this.at++;
    }
    if (n > max) throw NO;
    return n;
  }

  /** `{` already read: `"id":value,…}` with ids strictly increasing; `value` reads one member's value. */
  record<T>(value: () => T): Record<string, T> {
    const out: Record<string, T> = {};
    if (this.peek() === CLOSE) {
      this.at++;
      return out;
    }
    let previous: string | null = null;
    for (;;) {
      const key = this.quotedId();
      if (previous !== null && !(previous < key)) throw NO;
      previous = key;
      out[key] = value();
      const c = this.peek();
      this.at++;
      if (c === CLOSE) return out;
      if (c !== COMMA) throw NO;
    }
  }
}

/** The report entry the bytes hold, if they are one in canonical form; null otherwise (take the full way). */
export function scanReportEntry(bytes: Uint8Array): ReportEntry | null {
  const s = new Scanner(bytes);
  try {
    const L = LITERALS;
    s.literal(L.start);
    const discussionId = s.id();
    s.literal(L.enteredBy);
    const enteredBy = s.chars(ID_BYTE, 6);
    if (enteredBy !== 'unit' && enteredBy !== 'office') return null;
    s.literal(L.keyId);
    const keyId = s.id();
    s.literal(L.meetingDate);
    const meetingDate = s.chars(DATE_BYTE, 10);
    s.literal(L.present);
    const present = s.number(MAX_COUNT);
    s.literal(L.resolution);
    const resolutionSha256 = s.chars(HEX_BYTE, 64);
    if (resolutionSha256.length !== 64) return null;
    s.literal(L.signature);
    const signature = signatureChars(s);
    s.literal(L.submittedAt);
    const submittedAt = s.chars(DATE_BYTE, 64);
    s.literal(L.supersedes);
    let supersedes: number | null = null;
    if (s.peek() === 0x6e) s.literal(L.null);
    else supersedes = positive(s.number(Number.MAX_SAFE_INTEGER));
    s.literal(L.type);
    const unitId = s.id();
    s.literal(L.v);
    const version = positive(s.number(Number.MAX_SAFE_INTEGER));
    s.literal(L.votes);
    const votes = s.record(() => {
      s.literal(L.abstain);
      const abstain = s.number(MAX_COUNT);
      s.literal(L.positions);
      const positions = s.record(() => {
        s.byte(COLON);
        return s.number(MAX_COUNT);
      });
      s.byte(CLOSE);
      return { abstain, positions };
    });
    s.byte(CLOSE);
    if (s.at !== bytes.length) return null;
    if (!IsoDate.safeParse(meetingDate).success || !IsoDateTime.safeParse(submittedAt).success) return null;
    // Members in the order JSON.parse would give them (sorted), as the full way returns them.
    return { discussionId, enteredBy, keyId, meetingDate, present, resolutionSha256, signature, submittedAt, supersedes, type: 'report', unitId, v: 1, version, votes };
  } catch (e) {
    if (e === NO) return null;
    throw e;
  }
}

function positive(n: number): number {
  if (n < 1) throw NO;
  return n;
}

/** 86 base64 characters and `==`, canonical: the last character's unused low 4 bits are zero. */
function signatureChars(s: Scanner): string {
  const text = s.chars(B64_BYTE_WITH_PAD, 88);
  if (text.length !== 88 || text.indexOf('=') !== 86 || text[87] !== '=') throw NO;
  const last = BASE64_VALUE.indexOf(text[85]!);
  if (last < 0 || (last & 0x0f) !== 0) throw NO;
  return text;
}

const BASE64_VALUE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_BYTE_WITH_PAD = B64_BYTE.slice();
B64_BYTE_WITH_PAD['='.charCodeAt(0)] = 1;
