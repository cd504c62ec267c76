/**
 * Browser tests find things by the words a user sees, in either language: the catalogs as the web app has them, a
 * string with its placeholders filled, and moving through a form with the Tab key alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export type Catalogs = Record<string, Record<string, unknown>>;

export function catalogs(lang: string): Catalogs {
  const dir = new URL(`../../web/src/locales/${lang}/`, import.meta.url).pathname;
  return Object.fromEntries(readdirSync(dir).map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>]));
}

/** The string at `ns.key.path`, its `{{placeholders}}` filled from `vars` (missing ones empty). */
export function text(c: Catalogs, path: string, vars: Record<string, string | number> = {}): string {
  const [ns, ...keys] = path.split('.');
  let v: unknown = c[ns!];
  for (const k of keys) v = (v as Record<string, unknown>)[k];
  if (typeof v !== 'string') throw new Error(`no string at ${path}`);
  return v.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** The words of a string before its first placeholder: enough to find it, whatever the values. */
export const lead = (c: Catalogs, path: string) => text(c, path).split('{{')[0]!.trim();

/** Presses Tab until the focused field is the one labelled `label` (keyboard only, as a user would). */
export async function tabUntil(page: Page, label: string, most = 25): Promise<void> {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e?.id ? (document.querySelector(`label[for="${CSS.escape(e.id)}"]`)?.textContent?.trim() ?? '') : '';
    });
    if (focused === label) return;
  }
  throw new Error(`Tab never reached the field '${label}'`);
}

/** The words of a catalog string before its first placeholder, as they stand in the catalog. */
export function textHead(c: Catalogs, path: string): string {
  const [ns, ...keys] = path.split('.');
  let v: unknown = c[ns!];
  for (const k of keys) v = (v as Record<string, unknown>)[k];
  if (typeof v !== 'string') throw new Error(`no string at ${path}`);
  return v.split('{{')[0]!.trim();
}
