/**
 * The whole journey in a real browser (Debian's Chromium), against the real server on a temporary database, in English
 * and in Russian: the office signs in, imports a small organization from CSV (one bad line reported in place, nothing
 * stored), sends invitations, creates and opens a discussion from the form and makes a member secretary; the member
 * accepts her invitation and submits her branch's report with the keyboard alone, on a phone-sized screen; a second
 * browser watching the dashboard sees the figures change without reloading; her correction shows in the branch's
 * history. axe-core runs on every page; screenshots of the dashboard are saved (test-results/screenshots).
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.ts';
import { catalogs, tabUntil, text } from '../support/catalogs.ts';
import { browserAvailable, launchBrowser, screenshot, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';

const PASSWORD = 'office password long enough';
const ANNA_PASSWORD = 'anna chose a long password';


const NAMES = {
  en: { root: 'Central Committee', r1: 'Moscow Gubernia', r2: 'Petrograd Gubernia', d11: 'Krasnaya Presnya', d21: 'Vyborg District', b1: 'Trekhgornaya Mill Cell', b2: 'University Cell', b3: 'Putilov Works Cell' },
  ru: { root: 'Центральный комитет', r1: 'Московская губерния', r2: 'Петроградская губерния', d11: 'Красная Пресня', d21: 'Выборгский район', b1: 'Ячейка Трёхгорной мануфактуры', b2: 'Ячейка университета', b3: 'Ячейка Путиловского завода' },
};
const unitsCsv = (lang: 'en' | 'ru', bad: boolean) => {
  const n = NAMES[lang];
  return [
    'id,parent_id,name,kind',
    `root,,${n.root},national`,
    `r1,root,${n.r1},gubernia`,
    `r2,root,${n.r2},gubernia`,
    `d11,r1,${n.d11},district`,
    `d21,r2,${n.d21},district`,
    `b1,d11,${n.b1},cell`,
    bad ? `b2,d99,${n.b2},cell` : `b2,d11,${n.b2},cell`,
    `b3,d21,${n.b3},cell`,
    '',
  ].join('\n');
};
const membersCsv = () => {
  const lines = ['id,unit_id,name,email,status', 'm1,b1,Anna Ivanova,anna@example.org,member'];
  let n = 1;
  for (const [unit, count] of [['b1', 29], ['b2', 12], ['b3', 40]] as const) for (let i = 0; i < count; i++) lines.push(`m${++n},${unit},Member ${n},,member`);
  return `${lines.join('\n')}\n`;
};

describe.runIf(browserAvailable)('the journey in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: set up, invite, report with the keyboard, watch it live, correct it`, async () => {
      const c = catalogs(lang);
      const server: TestServer = await startServer();
      const contexts: BrowserContext[] = [];
      const violations: string[] = [];
      const errors: string[] = [];
      const newPage = async (opts: { phone?: boolean } = {}): Promise<Page> => {
        const ctx = await browser.newContext({
          locale: lang === 'ru' ? 'ru-RU' : 'en-US',
          timezoneId: 'UTC',
          viewport: opts.phone ? { width: 375, height: 812 } : { width: 1280, height: 800 },
          acceptDownloads: true,
        });
        contexts.push(ctx);
        await ctx.addInitScript((l) => localStorage.setItem('plenum.language', l), lang);
        const page = await ctx.newPage();
        errors.push(...watchErrors(page));
        return page;
      };
      const audit = async (page: Page, where: string) => {
        await page.waitForTimeout(150);
        for (const v of await seriousViolations(page)) violations.push(`${lang} ${where}: ${v}`);
      };
      const countRows = async (table: 'units' | 'members') => Number((await server.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

      try {
        await createAccount(server.store.db, { email: 'office@example.org', password: PASSWORD, role: 'office' }, new Date().toISOString());
        const base = server.base;

        // 1. The office signs in through the sign-in page and lands on the office pages.
        const office = await newPage();
        await office.goto(`${base}/signin?returnTo=/office`);
        await office.getByLabel(text(c, 'account.fields.email')).fill('office@example.org');
        await office.getByLabel(text(c, 'account.fields.password'), { exact: true }).fill(PASSWORD);
        await audit(office, 'sign-in');
        await office.keyboard.press('Enter');
        await office.waitForURL(/\/office$/);
        await office.locator('.office-nav').waitFor();
        await audit(office, 'office home');

        // 2. Import the units: one bad line is reported in place, and nothing is stored.
        await office.goto(`${base}/office/import`);
        await office.setInputFiles('#csv-file', { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(unitsCsv(lang, true)) });
        await office.locator('#preview-title').waitFor();
        await office.click('form button[type=submit]');
        await office.locator('#import-error-title').waitFor();
        expect(await office.locator('.office-bad-line mark').textContent()).toBe('d99');
        await audit(office, 'import error');
        expect(await countRows('units')).toBe(0);
        await office.setInputFiles('#csv-file', { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(unitsCsv(lang, false)) });
        await office.waitForFunction(() => !document.querySelector('#import-error-title'));
        await office.click('form button[type=submit]');
        await office.locator('#import-done-title').waitFor();
        expect(await countRows('units')).toBe(8);
        await office.click('[aria-labelledby=import-done-title] button');
        await office.waitForFunction(() => (document.querySelector('input[name=kind][value=members]') as HTMLInputElement | null)?.checked === true);
        await office.setInputFiles('#csv-file', { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(membersCsv()) });
        await office.locator('#preview-title').waitFor();
        await office.click('form button[type=submit]');
        await office.locator('#import-done-title').waitFor();
        expect(await countRows('members')).toBe(82);

        // 3. Invitations go out (to Anna, the only member with an email).
        await office.click('[aria-labelledby=invite-title] > button');
        await office.locator('dialog[open]').waitFor();
        await office.click('dialog[open] .office-actions button:first-child');
        await office.locator('[aria-labelledby=invite-title] .ok').waitFor();
        expect(server.outbox.map((m) => m.to)).toEqual(['anna@example.org']);
        await audit(office, 'import done');

        // 4. A discussion from the form, then opened (the roll is frozen).
        await office.goto(`${base}/office/discussions/new`);
        await office.locator('#f-id').waitFor();
        await office.fill('#f-id', 'd1');
        await office.fill('#f-title', lang === 'ru' ? 'О партийном строительстве' : 'On party building');
        await office.fill('#f-reportingClosesAt', new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16));
        await office.fill('#f-questions-0-id', 'q1');
        await office.fill('#f-questions-0-text', lang === 'ru' ? 'Допустимы ли фракции и группировки?' : 'May factions and groupings form?');
        await office.fill('#f-questions-0-positions-0-id', 'cc');
        await office.fill('#f-questions-0-positions-0-title', lang === 'ru' ? 'Позиция ЦК: нет' : 'The CC position: no');
        await office.fill('#f-questions-0-positions-1-id', 'opp');
        await office.fill('#f-questions-0-positions-1-title', lang === 'ru' ? 'Позиция оппозиции' : 'The opposition');
        await audit(office, 'discussion form');
        await office.click('form button[type=submit]');
        await office.waitForURL(/\/office\/?\?created=d1/);
        await office.locator('.office-cards li .office-actions button').first().click();
        await office.locator('dialog[open]').waitFor();
        await office.click('dialog[open] .office-actions button:first-child');
        await office.locator('.office-badge.open').waitFor();

        // 5. A second browser watches the dashboard.
        const watcher = await newPage();
        await watcher.goto(`${base}/d/d1`);
        // Members in reporting units, of all voting members: 0 of 82 now.
        const coverage = (page: Page, n: number) => page.getByText(text(c, 'common.share.of', { n, d: 82 }), { exact: true }).first();
        await coverage(watcher, 0).waitFor();
        await watcher.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
        await audit(watcher, 'dashboard');

        // 6. Anna follows her invitation link on her phone and chooses a password.
        const token = /token=(\S+)/.exec(server.outbox[0]!.text)![1]!;
        const anna = await newPage({ phone: true });
        await anna.goto(`${base}/accept?token=${token}`);
        await anna.getByLabel(text(c, 'account.password.new'), { exact: true }).fill(ANNA_PASSWORD);
        await anna.getByLabel(text(c, 'account.password.confirm'), { exact: true }).fill(ANNA_PASSWORD);
        await audit(anna, 'accept invitation');
        await anna.keyboard.press('Enter');
        await anna.getByText(text(c, 'account.accept.doneTitle')).waitFor();

        // 7. The office makes her the cell's secretary (with the reason recorded).
        await office.goto(`${base}/office/roles`);
        const row = office.locator('.office-cards > li', { hasText: 'anna@example.org' });
        await row.waitFor();
        await row.locator('button:not(.office-small)').first().click();
        await office.locator('.office-subform').waitFor();
        await office.selectOption('.office-subform select', 'secretary');
        await office.fill('.office-subform input:not([type=search])', 'b1');
        await office.fill('.office-subform textarea', lang === 'ru' ? 'Избрана секретарём ячейки 5 января' : 'Elected cell secretary on 5 January');
        await audit(office, 'roles');
        await office.click('.office-subform button[type=submit]');
        await row.locator('.ok').waitFor();

        // 8. Anna signs in and reports with the keyboard alone.
        await anna.goto(`${base}/signin?returnTo=/d/d1/report`);
        await anna.getByLabel(text(c, 'account.fields.email')).focus();
        await anna.keyboard.type('anna@example.org');
        await anna.keyboard.press('Tab');
        await anna.keyboard.type(ANNA_PASSWORD);
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/\/d\/d1\/report$/);
        await anna.locator('form.report-form').waitFor();
        await audit(anna, 'report form');
        await anna.getByLabel(text(c, 'report.form.meetingDate')).focus();
        // The date field's segment order follows the browser's own locale (en-US here), not the page's language.
        await anna.keyboard.type('11202026');
        await tabUntil(anna, text(c, 'report.form.present'));
        await anna.keyboard.type('23');
        for (const value of ['20', '2', '1']) {
          await anna.keyboard.press('Tab'); // votes for each position, then abstained
          await anna.keyboard.type(value);
        }
        await tabUntil(anna, text(c, 'report.form.resolution'));
        await anna.keyboard.type(lang === 'ru' ? 'Одобрить линию ЦК.' : 'Approve the line of the Central Committee.');
        await expect.poll(async () => anna.locator('.field-error').count()).toBe(0);
        await audit(anna, 'report form filled');
        await screenshot(anna, `${lang}-report-form-phone`);
        for (let i = 0; i < 10; i++) {
          await anna.keyboard.press('Tab');
          if (await anna.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type === 'submit')) break;
        }
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/\/receipt\/1$/);
        await anna.locator('.receipt dl').waitFor();
        await audit(anna, 'receipt');

        // 9. The dashboard moved without a reload.
        await coverage(watcher, 30).waitFor({ timeout: 15_000 });
        expect(await watcher.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
        await screenshot(watcher, `${lang}-dashboard-desktop`);

        // 10. A correction, from the receipt, then the branch's history shows both versions.
        await anna.getByRole('link', { name: text(c, 'report.receipt.correct') }).focus();
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/report\?unit=b1/);
        await anna.locator('form.report-form').waitFor();
        await anna.getByLabel(text(c, 'report.form.present')).focus();
        await anna.keyboard.press('Control+A');
        await anna.keyboard.type('25');
        await anna.keyboard.press('Tab');
        await anna.keyboard.press('Control+A');
        await anna.keyboard.type('22');
        await anna.locator('.changes').waitFor();
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/\/receipt\/2$/);
        await watcher.goto(`${base}/d/d1/u/b1`);
        await expect.poll(async () => watcher.locator('.pub-history > li').count(), { timeout: 10_000 }).toBe(2);
        await audit(watcher, 'branch page');

        // The phone view of the dashboard, for the README.
        const phone = await newPage({ phone: true });
        await phone.goto(`${base}/d/d1`);
        await coverage(phone, 30).waitFor();
        await screenshot(phone, `${lang}-dashboard-phone`);
        await audit(phone, 'dashboard phone');

        expect(violations).toEqual([]);
        expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
      } catch (e) {
        // What each browser showed when it failed, for whoever reads the CI log next.
        let i = 0;
        for (const ctx of contexts) for (const p of ctx.pages()) await screenshot(p, `failure-${lang}-${++i}`).catch(() => undefined);
        throw e;
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
        await server.close();
      }
    }, 240_000);
  }
});
