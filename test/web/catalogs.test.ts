/**
 * Every language is complete: the same catalogs with the same keys (plural forms per the language's rules), no empty
 * strings, and the same {{placeholders}} in each translation of a string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../web/src/locales/', import.meta.url).pathname;
const languages = readdirSync(DIR).sort();

function flatten(o: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const catalog = (lang: string, ns: string) => flatten(JSON.parse(readFileSync(join(DIR, lang, ns), 'utf8')));
/** Keys with plural suffixes stripped: languages differ in which plural forms they need. */
const baseKeys = (c: Map<string, string>) => new Set([...c.keys()].map((k) => k.replace(PLURAL, '')));
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('has English and Russian', () => {
    expect(languages).toEqual(expect.arrayContaining(['en', 'ru']));
  });
  const namespaces = readdirSync(join(DIR, 'en')).filter((f) => f.endsWith('.json')).sort();
  for (const lang of languages) {
    it(`${lang} has every catalog`, () => {
      expect(readdirSync(join(DIR, lang)).filter((f) => f.endsWith('.json')).sort()).toEqual(namespaces);
    });
    for (const ns of namespaces) {
      it(`${lang}/${ns}: every key, no empty string, the same placeholders`, () => {
        const en = catalog('en', ns);
        const other = catalog(lang, ns);
        expect([...baseKeys(other)].sort()).toEqual([...baseKeys(en)].sort());
        for (const [k, v] of other) {
          expect(v.trim(), `${lang}/${ns}: ${k}`).not.toBe('');
          const enValue = en.get(k) ?? en.get(`${k.replace(PLURAL, '')}_other`) ?? en.get(k.replace(PLURAL, ''));
          if (enValue !== undefined) expect(placeholders(v), `${lang}/${ns}: ${k}`).toEqual(placeholders(enValue));
        }
        if (lang === 'ru') {
          // Russian needs one, few, many for every plural the English has.
          for (const k of en.keys()) {
            if (k.endsWith('_other')) {
              const base = k.slice(0, -'_other'.length);
              for (const form of ['one', 'few', 'many']) expect(other.has(`${base}_${form}`), `${ns}: ${base}_${form}`).toBe(true);
            }
          }
        }
      });
    }
  }
});
