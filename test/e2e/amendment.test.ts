/**
 * A delegate's own amendment on the public conference page (/d/:id/conference), in a real browser (Debian's Chromium),
 * in English, against the real server on a SQLite file seeded through the services and the API: the two regions elect
 * (m1 for r1, m90 for r2), the commission confirms both, the office opens the session and moves a resolution on q1
 * without putting it to the vote. Two members with accounts of their own (by invitation) sign in with the keyboard:
 * m1, a confirmed delegate, opens "Propose an amendment" under the resolution, fills it with the keyboard and submits;
 * the success is said in the live region and the amendment is listed, moved by a delegate of Region One. m2, who is no
 * delegate, submits the same form and the server's refusal (403) is shown in the form's alert, which takes the focus;
 * nothing is added. axe-core runs on each page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInvitation, inviteMembers } from '../../src/services/links.ts';
import type { Mail } from '../../src/services/mailer.ts';
import { createToken } from '../../src/services/tokens.ts';
import { catalogs, lead, tabUntil, text } from '../support/catalogs.ts';
import { browserAvailable, launchBrowser, screenshot, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { smallOrganization } from '../support/factories.ts';

const PASSWORD = 'a member with an account of her own';
const RESOLUTION = 'On party unity';
const AMENDMENT = 'Add the cliques';
const AMENDMENT_TEXT = 'Add: "and cliques".';

describe.runIf(browserAvailable)("a delegate's amendment on the public conference page, in a real browser", () => {
  let browser: Browser;
  let server: TestServer;
  let resolutionId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer();
    const db = server.store.db;
    const now = new Date().toISOString();
    await smallOrganization(db);
    const tokens: Record<string, string> = {};
    for (const role of ['office', 'commission'] as const) tokens[role] = (await createToken(db, { name: role, role, unitId: null }, now)).token;
    const ok = async (who: 'office' | 'commission', method: 'POST' | 'PUT', url: string, payload: object | undefined, status: number) => {
      const r = await server.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(status);
      return r.json();
    };
    // The conference: the two regions elect, one deciding delegate each, both confirmed; in session; one resolution moved.
    await ok('office', 'PUT', '/discussions/d1/conference', { name: 'Conference', electingLevel: { kind: 'region' }, basis: 'roll', deciding: { method: 'hare', seats: 4, min: 1 } }, 200);
    await ok('office', 'POST', '/discussions/d1/conference/apportion', {}, 201);
    for (const [unitId, memberId] of [['r1', 'm1'], ['r2', 'm90']]) {
      const d = await ok('office', 'POST', '/discussions/d1/conference/delegates', { unitId, memberId, vote: 'deciding', electedAt: '2024-01-10', electedMeeting: 'Regional conference' }, 201);
      await ok('commission', 'POST', `/discussions/d1/conference/delegates/${d.id}/confirm`, {}, 200);
    }
    await ok('office', 'POST', '/discussions/d1/conference/open', undefined, 200);
    const m = await ok('office', 'POST', '/discussions/d1/conference/motions', { kind: 'resolution', questionId: 'q1', title: RESOLUTION, text: 'The conference condemns factionalism.' }, 201);
    resolutionId = m.id;

    // m1 (a confirmed delegate) and m2 (no delegate) get accounts of their own by invitation.
    const outbox: Mail[] = [];
    await inviteMembers(db, { send: async (mail) => void outbox.push(mail) }, { memberIds: ['m1', 'm2'], baseUrl: 'http://plenum.test' }, now);
    expect(outbox).toHaveLength(2);
    for (const mail of outbox) await acceptInvitation(db, /token=(\S+)/.exec(mail.text)![1]!, PASSWORD, now);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('en: a confirmed delegate proposes an amendment; a member who is no delegate is refused', async () => {
    const lang = 'en';
    const c = catalogs(lang);
    const t = (path: string, vars: Record<string, string | number> = {}) => text(c, `decisions.${path}`, vars);
    const base = server.base;
    const contexts: BrowserContext[] = [];
    const violations: string[] = [];
    const errors: string[] = [];
    const newPage = async (): Promise<Page> => {
      const ctx = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
      contexts.push(ctx);
      await ctx.addInitScript((l) => localStorage.setItem('plenum.language', l), lang);
      const page = await ctx.newPage();
      errors.push(...watchErrors(page));
      return page;
    };
    const audit = async (page: Page, where: string) => {
      await page.waitForTimeout(150);
      for (const v of await seriousViolations(page)) violations.push(`${where}: ${v}`);
    };
    /** Signs in with the keyboard on the sign-in page and lands on the conference page. */
    const signIn = async (memberId: string): Promise<Page> => {
      const page = await newPage();
      await page.goto(`${base}/signin?returnTo=${encodeURIComponent('/d/d1/conference')}`);
      await page.getByLabel(text(c, 'account.fields.email')).focus();
      await page.keyboard.type(`${memberId}@example.org`);
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/d/d1/conference`);
      await page.getByRole('heading', { level: 1, name: 'Conference' }).waitFor();
      return page;
    };
    const summary = t('motions.amendSummary', { title: RESOLUTION });
    const motionItems = (page: Page) => page.locator('ol.dec-motions > li');
    /** Opens the resolution's amendment form and fills it with the keyboard alone; returns the form. */
    const fillAmendment = async (page: Page) => {
      const resolution = motionItems(page).filter({ has: page.getByRole('heading', { level: 3, name: RESOLUTION }) });
      await resolution.waitFor();
      const opener = resolution.locator('details.dec-amend > summary', { hasText: summary });
      await opener.focus();
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: summary });
      await form.waitFor();
      await tabUntil(page, t('motions.amendTitle'), 5);
      await page.keyboard.type(AMENDMENT);
      await tabUntil(page, t('motions.amendText'), 5);
      await page.keyboard.type(AMENDMENT_TEXT);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(t('motions.amendSubmit'));
      return form;
    };

    try {
      // 1. m1, a confirmed delegate of Region One: the amendment is proposed and listed.
      const delegate = await signIn('m1');
      await expect.poll(() => motionItems(delegate).count()).toBe(1);
      expect(await delegate.getByText(t('motions.amendIntro')).isVisible()).toBe(false); // the form is closed until opened
      const form = await fillAmendment(delegate);
      await audit(delegate, 'amendment form, filled');
      await delegate.keyboard.press('Enter');
      const status = delegate.locator('section[aria-labelledby=conf-motions-h] > [role=status]');
      await expect.poll(() => status.textContent()).toBe(t('motions.amendDone', { title: AMENDMENT }));
      await expect.poll(() => motionItems(delegate).count()).toBe(2);
      const amendment = motionItems(delegate).filter({ has: delegate.getByRole('heading', { level: 3, name: AMENDMENT }) });
      await amendment.waitFor();
      const listed = (await amendment.textContent())!;
      expect(listed).toContain(t('motions.kind.amendment'));
      expect(listed).toContain(t('motions.amends', { title: RESOLUTION }));
      expect(listed).toContain(t('motions.delegate', { unit: 'Region One' }));
      expect(listed).toContain(t('motions.notVoted'));
      // An amendment is not amended in turn: only the resolution has the form.
      expect(await delegate.locator('details.dec-amend').count()).toBe(1);
      expect(await form.locator('[role=alert]').count()).toBe(0);
      // The API agrees: an amendment to the resolution, moved by a delegate of r1.
      const motions = (await (await fetch(`${base}/api/v1/discussions/d1/conference/motions`)).json()) as { items: Array<{ kind: string; amends: string | null; title: string; text: string; proposedBy: string; proposerUnitId: string | null }> };
      expect(motions.items.find((m) => m.kind === 'amendment')).toMatchObject({ amends: resolutionId, title: AMENDMENT, text: AMENDMENT_TEXT, proposedBy: 'delegate', proposerUnitId: 'r1' });
      await audit(delegate, 'amendment proposed');
      await screenshot(delegate, `${lang}-conference-amendment-proposed`);

      // 2. m2, who is no delegate: the server's refusal (403) in the form's alert, which takes the focus.
      const member = await signIn('m2');
      await expect.poll(() => motionItems(member).count()).toBe(2);
      const refused = await fillAmendment(member);
      const answer = member.waitForResponse((r) => r.url().endsWith('/api/v1/discussions/d1/conference/motions') && r.request().method() === 'POST');
      await member.keyboard.press('Enter');
      expect((await answer).status()).toBe(403);
      const alert = refused.getByRole('alert');
      await alert.waitFor();
      const said = (await alert.textContent())!;
      expect(said).toContain(lead(c, 'decisions.motions.amendRefused.403'));
      expect(said).toContain('only a confirmed delegate of this conference');
      await expect.poll(() => member.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
      // Nothing was added; what she typed is kept.
      expect(await refused.getByLabel(t('motions.amendTitle'), { exact: true }).inputValue()).toBe(AMENDMENT);
      expect(await refused.getByLabel(t('motions.amendText'), { exact: true }).inputValue()).toBe(AMENDMENT_TEXT);
      expect(await member.locator('section[aria-labelledby=conf-motions-h] > [role=status]').textContent()).toBe('');
      const after = (await (await fetch(`${base}/api/v1/discussions/d1/conference/motions`)).json()) as { items: unknown[] };
      expect(after.items).toHaveLength(2);
      await audit(member, 'amendment refused');
      await screenshot(member, `${lang}-conference-amendment-refused`);

      expect(violations).toEqual([]);
      expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
    } catch (e) {
      let i = 0;
      for (const ctx of contexts) for (const pg of ctx.pages()) await screenshot(pg, `failure-amendment-${lang}-${++i}`).catch(() => undefined);
      throw e;
    } finally {
      for (const ctx of contexts) await ctx.close().catch(() => undefined);
    }
  }, 120_000);
});
