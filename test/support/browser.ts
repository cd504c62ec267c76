/**
 * Browser tests: Debian's Chromium driven by playwright-core, against the real server (buildApp, listening on a free
 * port) on a temporary SQLite file, with the web app as built into dist/web (test/support/global-setup.ts builds it).
 * Email is captured in an outbox so a test can follow an invitation link. Without Chromium the suite skips with a
 * loud line locally, and fails under CI=true.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp, type App } from '../../src/server/app.ts';
import type { Mail } from '../../src/services/mailer.ts';
import { migrateToLatest, openStore, type Store } from '../../src/storage/db.ts';
import { DEFAULT_WEB_DIST } from '../../src/server/web.ts';

export const CHROMIUM = process.env.PLENUM_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export const browserAvailable = (() => {
  const ok = existsSync(CHROMIUM) && existsSync(join(DEFAULT_WEB_DIST, 'index.html'));
  if (!ok) {
    const why = existsSync(CHROMIUM) ? 'the web app is not built (dist/web)' : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`browser tests cannot run: ${why}`);
    process.stderr.write(`\n!!! SKIPPING browser tests: ${why}\n\n`);
  }
  return ok;
})();

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface TestServer {
  base: string;
  store: Store;
  app: App;
  outbox: Mail[];
  close(): Promise<void>;
}

export async function startServer(opts: { now?: () => string } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'plenum-e2e-'));
  const store = openStore({ file: join(dir, 'plenum.db') });
  await migrateToLatest(store);
  const outbox: Mail[] = [];
  const app = await buildApp({ store, live: true, mailer: { send: async (m) => void outbox.push(m) }, reportsPerMinute: 1000, ...(opts.now ? { now: opts.now } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    store,
    app,
    outbox,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** axe-core on the page as it stands: the serious and critical violations, described in one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A screenshot of the first element matching `selector` (test-results/screenshots/NAME.png). */
export async function screenshotOf(page: Page, selector: string, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator(selector).first().screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The focused element's id and the texts of what describes it (its hint and its error). */
export async function focusedField(page: Page): Promise<{ id: string; invalid: string | null; described: string }> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    const ids = (e?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return {
      id: e?.id ?? '',
      invalid: e?.getAttribute('aria-invalid') ?? null,
      described: ids.map((i) => document.getElementById(i)?.textContent ?? '').join(' | '),
    };
  });
}

/** Fails the test on any uncaught page error or console error (except failed resource loads the test provokes). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}
