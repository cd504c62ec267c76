/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte string a log entry is signed and hashed as.
 *
 *   - objects: members sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3; JavaScript's `<` on
 *     strings compares exactly that), no whitespace anywhere;
 *   - strings: escaped as ES2019+ `JSON.stringify` escapes a well-formed string, which is what RFC 8785 §3.2.2.2 asks —
 *     `\"`, `\\`, `\b \f \n \r \t`, other controls below U+0020 as `\u00xx` (lower-case hex), everything else
 *     (U+007F, U+2028, non-ASCII) as itself. test/log/canonical.test.ts checks this against every UTF-16 code unit.
 *     Strings with a lone surrogate are refused (I-JSON, RFC 7493 §2.1; RFC 8785 §3.2.2.2);
 *   - numbers: ECMAScript `Number.prototype.toString` (RFC 8785 §3.2.2.3). **Profile restriction**: Plenum's entries
 *     carry only counts, versions and indexes, so `canonicalize` accepts only safe integers (|n| ≤ 2^53 − 1) and refuses
 *     fractions, NaN and ±Infinity. Decimal quantities (a quorum of 0.5) travel as decimal strings. −0 is an integer
 *     and is written `0`, as RFC 8785 requires. `canonicalizeRfc8785` lifts the restriction to any finite number; it
 *     exists to check the serializer against the RFC's own examples, not for entries;
 *   - refused outright: `undefined` (also as a member value or array element), functions, symbols, bigints, objects
 *     other than plain objects and arrays (Date, Map, typed arrays, anything with a prototype of its own), symbol-keyed
 *     members, sparse arrays and cycles. `JSON.stringify` would silently drop or coerce these; a signature must not.
 *
 * Output to the log is the UTF-8 encoding of the string (`canonicalBytes`).
 */

export class CanonicalError extends Error {
  override name = 'CanonicalError';
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/** True iff the string has no lone (unpaired) UTF-16 surrogate. */
export function isWellFormedUtf16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Where a value sits, for error messages only: built when an error is thrown, never on the way (it is the hot path). */
type Path = () => string;
const member = (parent: Path, key: string): Path => () => `${parent()}.${key}`;
const element = (parent: Path, i: number): Path => () => `${parent()}[${i}]`;

// ASCII without controls, `"` or `\` is written as itself: most strings of an entry (ids, dates, hex) need no more.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function serializeString(s: string, path: Path): string {
  if (PLAIN.test(s)) return `"${s}"`;
  if (!isWellFormedUtf16(s)) throw new CanonicalError(`${path()}: string contains a lone surrogate`);
  return JSON.stringify(s);
}

/** Compare by UTF-16 code units (RFC 8785 §3.2.3). Never locale-dependent. */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serializeNumber(n: number, path: Path, anyFinite: boolean): string {
  if (!Number.isFinite(n)) throw new CanonicalError(`${path()}: ${n} is not a JSON number`);
  if (!anyFinite && !Number.isSafeInteger(n)) {
    throw new CanonicalError(`${path()}: ${n} is not a safe integer (entries carry integers of at most 2^53 - 1 only)`);
  }
  // Number.prototype.toString is RFC 8785's number serialization; it already writes -0 as "0".
  return String(n);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: Path, depth: number, stack: Set<object>, anyFinite: boolean): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path, anyFinite);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new CanonicalError(`${path()}: a ${typeof value} is not a JSON value`);
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (depth >= MAX_DEPTH) throw new CanonicalError(`${path()}: nested deeper than ${MAX_DEPTH}`);
  if (stack.has(obj)) throw new CanonicalError(`${path()}: cycle`);
  if (Object.getOwnPropertySymbols(obj).length > 0) throw new CanonicalError(`${path()}: symbol-keyed member`);
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      let out = '[';
      for (let i = 0; i < obj.length; i++) {
        if (!(i in obj)) throw new CanonicalError(`${path()}[${i}]: hole in a sparse array`);
        out += (i ? ',' : '') + serialize(obj[i], element(path, i), depth + 1, stack, anyFinite);
      }
      return `${out}]`;
    }
    if (!isPlainObject(obj)) throw new CanonicalError(`${path()}: only plain objects and arrays are JSON (got ${obj.constructor?.name ?? 'object'})`);
    // The default sort compares UTF-16 code units, which is RFC 8785's order (compareUtf16).
    const keys = Object.keys(obj).sort();
    const record = obj as Record<string, unknown>;
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out += `${i ? ',' : ''}${serializeString(k, () => `${path()} key`)}:${serialize(record[k], member(path, k), depth + 1, stack, anyFinite)}`;
    }
    return `${out}}`;
  } finally {
    stack.delete(obj);
  }
}

const ROOT: Path = () => '$';

/** The JCS form of a value, with Plenum's profile: numbers must be safe integers. Throws CanonicalError. */
export function canonicalize(value: unknown): string {
  return serialize(value, ROOT, 0, new Set(), false);
}

/** Full RFC 8785: any finite number. For conformance tests against the RFC's examples; entries use `canonicalize`. */
export function canonicalizeRfc8785(value: unknown): string {
  return serialize(value, ROOT, 0, new Set(), true);
}

const encoder = new TextEncoder();

/** The UTF-8 bytes of `canonicalize(value)`: what is hashed, signed and logged. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}

// ignoreBOM: a leading U+FEFF is kept (and then refused by JSON.parse) rather than silently stripped.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parse bytes that must already be canonical: valid UTF-8, valid JSON, and byte-identical to the canonical form of what
 * they parse to (so no whitespace, no reordered or duplicated members, no alternative escapes or number spellings).
 */
export function parseCanonical(bytes: Uint8Array): JsonValue {
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    throw new CanonicalError('not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CanonicalError('not valid JSON');
  }
  // The text came from a strict UTF-8 decode, so equal strings mean equal bytes.
  if (canonicalize(value) !== text) throw new CanonicalError('not in canonical form (RFC 8785)');
  return value as JsonValue;
}
