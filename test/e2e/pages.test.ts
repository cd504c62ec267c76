/**
 * Every page of the web app, in English and Russian, at desktop and phone widths: it renders its heading, throws no
 * script error, does not scroll sideways on a phone, and axe-core finds no serious or critical violation.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.ts';
import { submitReport } from '../../src/services/reports.ts';
import { browserAvailable, launchBrowser, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { report, smallOrganization } from '../support/factories.ts';

const PASSWORD = 'office password long enough';

const PUBLIC_PAGES = ['/', '/d/d1', '/d/d1/about', '/d/d1/u/r1', '/d/d1/u/b1', '/d/d1/u/b4', '/signin', '/reset', '/accept?token=0123', '/nowhere'];
const OFFICE_PAGES = ['/account', '/d/d1/report?unit=b2', '/d/d1/report/b1/receipt/1', '/office', '/office/import', '/office/discussions/new', '/office/d/d1/not-reported', '/office/roles', '/office/keys', '/account/keys'];

describe.runIf(browserAvailable)('every page', () => {
  let browser: Browser;
  let server: TestServer;
  beforeAll(async () => {
    browser = await launchBrowser();
    const now = new Date();
    const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
    server = await startServer();
    await smallOrganization(server.store.db, {
      discussion: {
        reportingClosesAt: at(7),
        description: 'A discussion **in markdown**, with a [link](https://example.org) and <script>alert(1)</script> removed.',
        rules: { quorum: 0.5, majority: 'votes-cast', publicMinUnitSize: 5 },
      },
    });
    await submitReport(server.store.db, { discussionId: 'd1', report: report({ meetingDate: at(-1).slice(0, 10) }), submittedBy: 'test', now: now.toISOString() });
    await submitReport(server.store.db, { discussionId: 'd1', report: report({ unitId: 'b4', present: 3, votes: { q1: { positions: { cc: 3 }, abstain: 0 } } }), submittedBy: 'test', now: now.toISOString() });
    await createAccount(server.store.db, { email: 'office@example.org', password: PASSWORD, role: 'office' }, now.toISOString());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    for (const phone of [false, true]) {
      it(`${lang}, ${phone ? 'phone' : 'desktop'}: renders, no script errors, no sideways scroll, no serious axe violations`, async () => {
        const ctx = await browser.newContext({ locale: lang === 'ru' ? 'ru-RU' : 'en-US', viewport: phone ? { width: 375, height: 812 } : { width: 1280, height: 800 } });
        await ctx.addInitScript((l) => localStorage.setItem('plenum.language', l), lang);
        const page = await ctx.newPage();
        const errors = watchErrors(page);
        const problems: string[] = [];
        try {
          const visit = async (path: string) => {
            await page.goto(`${server.base}${path}`);
            await page.locator('main h1').first().waitFor();
            await page.waitForTimeout(300); // the page's own requests settle (an open SSE stream never goes idle)
            for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            if (phone && overflow > 1) problems.push(`${path}: scrolls sideways by ${overflow}px at 375px`);
            expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
          };
          for (const path of PUBLIC_PAGES) await visit(path);
          const signedIn = await page.evaluate(async (password) => {
            const r = await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'office@example.org', password }) });
            return r.status;
          }, PASSWORD);
          expect(signedIn).toBe(200);
          for (const path of OFFICE_PAGES) await visit(path);
          // The markdown is rendered, the script is not.
          await page.goto(`${server.base}/d/d1/about`);
          await page.locator('main strong', { hasText: 'in markdown' }).waitFor();
          expect(await page.locator('main script').count()).toBe(0);
        } finally {
          await ctx.close();
        }
        expect(problems).toEqual([]);
        expect(errors.filter((e) => !/status of 40[1349]/.test(e))).toEqual([]);
      }, 180_000);
    }
  }
});
