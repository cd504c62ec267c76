/**
 * RFC 8785 (JCS): the RFC's examples byte for byte, JSON.stringify's string escaping checked against §3.2.2.2 for every
 * UTF-16 code unit, Plenum's integer-only profile, refusals, and properties (idempotence, key-order independence).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalError,
  canonicalBytes,
  canonicalize,
  canonicalizeRfc8785,
  isWellFormedUtf16,
  parseCanonical,
} from '../../src/log/canonical.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('RFC 8785 examples', () => {
  it('§3.2.2 sample: numbers, escaping, literals (full-number mode)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    const out = canonicalizeRfc8785(input);
    expect(out).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
    // The RFC's hex (§3.2.4).
    expect(hex(utf8(out))).toBe(
      (
        '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 33 ' +
        '33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c 22 ' +
        '73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d'
      ).replace(/ /g, ''),
    );
    // Plenum's profile refuses the fractions in it.
    expect(() => canonicalize(input)).toThrow(CanonicalError);
  });

  it('§3.2.3 sorting by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    const out = canonicalize(input);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","\u{1F600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(hex(canonicalBytes(input))).toBe(
      (
        '7b 22 5c 72 22 3a 22 43 61 72 72 69 61 67 65 20 52 65 74 75 72 6e 22 2c 22 31 22 3a 22 4f 6e 65 22 2c 22 c2 80 22 3a 22 43 6f ' +
        '6e 74 72 6f 6c 22 2c 22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d 61 6c 6c 20 4c 65 74 74 65 72 20 4f 20 57 69 74 68 20 44 69 61 ' +
        '65 72 65 73 69 73 22 2c 22 e2 82 ac 22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c 22 f0 9f 98 80 22 3a 22 45 6d 6f 6a 69 3a 20 47 ' +
        '72 69 6e 6e 69 6e 67 20 46 61 63 65 22 2c 22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74 65 72 20 44 61 6c 65 74 20 57 ' +
        '69 74 68 20 44 61 67 65 73 68 22 7d'
      ).replace(/ /g, ''),
    );
  });

  it('Appendix B number serialization (ECMAScript Number.prototype.toString), in full-number mode', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [Number.MIN_VALUE, '5e-324'],
      [-Number.MIN_VALUE, '-5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [-9007199254740992, '-9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [333333333.3333333, '333333333.3333333'],
    ];
    for (const [n, s] of cases) expect(canonicalizeRfc8785(n)).toBe(s);
  });
});

/** RFC 8785 §3.2.2.2, written out independently of JSON.stringify. */
function referenceEscape(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + '"';
}

describe('string escaping', () => {
  it('JSON.stringify escapes every non-surrogate UTF-16 code unit as RFC 8785 §3.2.2.2 says', () => {
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCharCode(c);
      expect(canonicalize(s)).toBe(referenceEscape(s));
    }
  });

  it('surrogate pairs pass through as themselves (UTF-8 4 bytes)', () => {
    expect(canonicalize('\u{1F600}')).toBe('"\u{1F600}"');
    expect(hex(canonicalBytes('\u{10000}'))).toBe('22f090808022');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => canonicalize(s) === referenceEscape(s)));
  });

  it('lone surrogates are refused, in values and in keys', () => {
    for (const bad of ['\ud800', '\udc00', 'a\ud83d', '\ude00b', '\udc00\ud800']) {
      expect(isWellFormedUtf16(bad)).toBe(false);
      expect(() => canonicalize(bad)).toThrow(/lone surrogate/);
      expect(() => canonicalize({ [bad]: 1 })).toThrow(/lone surrogate/);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const ok = isWellFormedUtf16(s);
        expect(ok).toBe((s as unknown as { isWellFormed(): boolean }).isWellFormed());
        if (ok) expect(canonicalize(s)).toBe(referenceEscape(s));
        else expect(() => canonicalize(s)).toThrow(CanonicalError);
      }),
    );
  });
});

describe("Plenum's profile and refusals", () => {
  it('accepts safe integers only', () => {
    expect(canonicalize(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(canonicalize(-Number.MAX_SAFE_INTEGER)).toBe('-9007199254740991');
    expect(canonicalize(-0)).toBe('0');
    for (const n of [0.5, 2 ** 53, -(2 ** 53), 1e21, NaN, Infinity, -Infinity]) {
      expect(() => canonicalize(n)).toThrow(CanonicalError);
      expect(() => canonicalize({ a: [n] })).toThrow(CanonicalError);
    }
    expect(() => canonicalizeRfc8785(NaN)).toThrow(CanonicalError);
    expect(() => canonicalizeRfc8785(Infinity)).toThrow(CanonicalError);
  });

  it('refuses what is not JSON instead of dropping or coercing it', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: unknown[] = [
      undefined,
      () => 1,
      Symbol('x'),
      10n,
      { a: undefined },
      [undefined],
      [1, , 3], // eslint-disable-line no-sparse-arrays
      new Date(0),
      new Map(),
      new Uint8Array(2),
      { [Symbol('k')]: 1 },
      cyclic,
      Object.assign(Object.create({ inherited: 1 }) as object, { a: 1 }),
      { toJSON: () => 1 },
    ];
    for (const b of bad) expect(() => canonicalize(b), String(b)).toThrow(CanonicalError);
  });

  it('shared (non-cyclic) references are fine', () => {
    const shared = { x: 1 };
    expect(canonicalize({ b: shared, a: [shared, shared] })).toBe('{"a":[{"x":1},{"x":1}],"b":{"x":1}}');
  });

  it('writes no whitespace and sorts nested objects; arrays keep their order', () => {
    expect(canonicalize({ b: [3, 1, { z: 1, a: null }], a: { d: true, c: false }, '': 'e' })).toBe(
      '{"":"e","a":{"c":false,"d":true},"b":[3,1,{"a":null,"z":1}]}',
    );
    expect(canonicalize({ __proto__: null, z: 1 } as object)).toBe('{"z":1}');
    expect(canonicalize(JSON.parse('{"__proto__":1,"a":2}'))).toBe('{"__proto__":1,"a":2}');
  });
});

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.constantFrom('a', 'B', '\u0000', '\n', '"', '\\', '\u007f', '\u2028', '\u00e9', '\u{1F600}', '\ufb33') }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** The same value with every object's members inserted in a shuffled order. */
function reorder(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reorder(x, seed + i));
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    const shuffled = entries
      .map((e, i) => [e, Math.sin(seed * 9973 + i * 131) * 1e4] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([e]) => e);
    const out: Record<string, unknown> = {};
    for (const [k, x] of shuffled) Object.defineProperty(out, k, { value: reorder(x, seed + 1), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

describe('properties', () => {
  it('canonicalize(JSON.parse(canonicalize(x))) === canonicalize(x), and parseCanonical accepts it', () => {
    fc.assert(
      fc.property(json, (x) => {
        const c = canonicalize(x);
        expect(canonicalize(JSON.parse(c))).toBe(c);
        expect(canonicalize(parseCanonical(utf8(c)))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on member insertion order', () => {
    fc.assert(
      fc.property(json, fc.integer(), (x, seed) => {
        expect(canonicalize(reorder(x, seed))).toBe(canonicalize(x));
      }),
      { numRuns: 500 },
    );
  });

  it('matches JSON.stringify on key-sorted input without whitespace', () => {
    fc.assert(
      fc.property(json, (x) => {
        const sortDeep = (v: unknown): unknown =>
          Array.isArray(v)
            ? v.map(sortDeep)
            : v !== null && typeof v === 'object'
              ? Object.fromEntries(
                  Object.keys(v)
                    .sort()
                    .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
                )
              : v;
        // Object.fromEntries puts integer-like keys first, so compare only when no key is an array index.
        const c = canonicalize(x);
        if (!/"(0|[1-9][0-9]*)":/.test(c)) expect(JSON.stringify(sortDeep(x))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseCanonical', () => {
  it('refuses whitespace, reordered or duplicated members, other escapes and number spellings, BOM, bad UTF-8', () => {
    const bad = [
      '{"a":1, "b":2}',
      ' {"a":1}',
      '{"a":1}\n',
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '"\\u0041"',
      '"\\/"',
      '"\\u00E9"',
      '"\\u001F"',
      '1.0',
      '1e2',
      '-0',
      '\ufeff{}',
      '{"a":"\\ud800"}',
    ];
    for (const s of bad) expect(() => parseCanonical(utf8(s)), s).toThrow(CanonicalError);
    expect(() => parseCanonical(Uint8Array.of(0x22, 0xc3, 0x28, 0x22))).toThrow(/UTF-8/);
    expect(() => parseCanonical(utf8('{'))).toThrow(/JSON/);
    expect(parseCanonical(utf8('{"a":[1,"\\u001f",null]}'))).toEqual({ a: [1, '\u001f', null] });
  });
});
