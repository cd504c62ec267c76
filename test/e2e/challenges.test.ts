/**
 * Challenges and the commission in a real browser (Debian's Chromium), in English and Russian, each on a fresh server
 * and SQLite file: an anonymous reader sees a unit's challenges but no form; a member of the branch, on her phone,
 * challenges its report with the keyboard alone (a file over 5 MiB refused before it is sent, then the evidence
 * attached); the challenge appears on the unit's page; the commission opens its page from the navigation, sees the
 * challenge with who filed it and the evidence (downloaded byte for byte), strikes more votes than the report has and
 * gets the server's refusal beside that box, then strikes 15 present and 15 votes and confirms; the unit's page shows
 * the decision, and the dashboard shows the figures after the decision beside the reported ones, with the right
 * numerators and denominators — and nothing extra where no decision applies. axe-core runs on every page.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_REASONS } from '../../src/domain/adjudication.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { submitReport } from '../../src/services/reports.ts';
import { catalogs, tabUntil, text, textHead } from '../support/catalogs.ts';
import { browserAvailable, focusedField, launchBrowser, screenshot, screenshotOf, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { report, smallOrganization } from '../support/factories.ts';

const MEMBER_PASSWORD = 'member of branch one password';
const COMMISSION_PASSWORD = 'commission password long enough';
const EVIDENCE = Buffer.from('%PDF-1.4\nminutes of the meeting of Branch 1, photographed at 18:55\n%%EOF\n');

/** The two cells (as reported, after the decisions) of the comparison's row whose heading starts with `label`. */
async function comparisonRow(page: Page, label: string): Promise<[string, string]> {
  const row = page.locator('.ch-compare tr', { has: page.locator('th[scope=row]', { hasText: label }) }).first();
  const cells = await row.locator('td').allTextContents();
  return [cells[0]!.replace(/\s+/g, ' ').trim(), cells[1]!.replace(/\s+/g, ' ').trim()];
}

describe.runIf(browserAvailable)('challenges and the commission in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: a member challenges a report, the commission strikes votes, the dashboard shows both tallies`, async () => {
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
        if ((page.viewportSize()?.width ?? 0) < 400) {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 1) violations.push(`${lang} ${where}: scrolls sideways by ${overflow}px on a phone`);
        }
      };
      const t = (path: string, vars: Record<string, string | number> = {}) => text(c, `challenges.${path}`, vars);
      const reasonLabel = t('reason.ballots');
      const challengeText =
        lang === 'ru' ? 'Пятнадцать бюллетеней лежали в урне до открытия собрания.' : 'Fifteen ballots were in the box before the meeting opened.';

      try {
        const base = server.base;
        const now = new Date();
        const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
        await smallOrganization(server.store.db, { discussion: { reportingClosesAt: new Date(now.getTime() + 7 * 86_400_000).toISOString() } });
        // b1 (roll 40): 23 present; Unity 20, Opposition 2, 1 abstained — quorate, Unity adopted.
        // b2 (roll 10): 6 present; Unity 2, Opposition 4 — quorate, Opposition adopted.
        for (const r of [report({ meetingDate: yesterday }), report({ unitId: 'b2', meetingDate: yesterday, present: 6, votes: { q1: { positions: { cc: 2, opp: 4 }, abstain: 0 } } })]) {
          await submitReport(server.store.db, { discussionId: 'd1', report: r, submittedBy: 'test', now: now.toISOString() });
        }
        await createAccount(server.store.db, { email: 'maria@example.org', password: MEMBER_PASSWORD, role: 'member', unitId: 'b1' }, now.toISOString());
        await createAccount(server.store.db, { email: 'commission@example.org', password: COMMISSION_PASSWORD, role: 'commission' }, now.toISOString());

        // 1. An anonymous reader: the unit's challenges (none yet), who may challenge, and no form.
        const reader = await newPage();
        await reader.goto(`${base}/d/d1/u/b1`);
        await reader.getByRole('heading', { level: 2, name: t('unit.title') }).waitFor();
        await reader.getByText(t('unit.none')).waitFor();
        await reader.getByText(text(c, `challenges.unit.whoMay_${lang === 'ru' ? 'few' : 'other'}`, { count: 72 })).waitFor();
        expect(await reader.getByRole('heading', { name: t('form.title') }).count()).toBe(0);
        expect(await reader.locator('form.ch-form').count()).toBe(0);
        await audit(reader, 'unit page, anonymous');

        // 2. Maria, a member of Branch 1, signs in on her phone with the keyboard and lands back on the unit's page.
        const maria = await newPage({ phone: true });
        await maria.goto(`${base}/signin?returnTo=${encodeURIComponent('/d/d1/u/b1')}`);
        await maria.getByLabel(text(c, 'account.fields.email')).focus();
        await maria.keyboard.type('maria@example.org');
        await maria.keyboard.press('Tab');
        await maria.keyboard.type(MEMBER_PASSWORD);
        await maria.keyboard.press('Enter');
        await maria.waitForURL(/\/d\/d1\/u\/b1$/);
        await maria.getByRole('heading', { level: 3, name: t('form.title') }).waitFor();
        // The version challenged is the current one, with the window's end (72 hours after it was accepted).
        expect(await maria.getByLabel(t('form.version'), { exact: true }).inputValue()).toBe(t('form.versionValue', { version: 1 }));
        await maria.getByText(textHead(c, 'challenges.form.deadline')).waitFor();
        await audit(maria, 'unit page, challenge form');
        await screenshotOf(maria, '#challenges', `${lang}-challenge-form-phone`);

        // She goes through the form with the keyboard alone.
        await maria.locator('main h1').focus();
        await tabUntil(maria, t('form.reason'), 80);
        for (let i = 0; i <= CHALLENGE_REASONS.indexOf('ballots'); i++) await maria.keyboard.press('ArrowDown');
        expect(await maria.evaluate(() => (document.activeElement as HTMLSelectElement).value)).toBe('ballots');
        await maria.keyboard.press('Tab');
        await maria.keyboard.type(challengeText);
        await tabUntil(maria, t('form.evidence'));
        // A file over 5 MiB is refused at once, before anything is sent, beside the file box.
        const sent: string[] = [];
        maria.on('request', (r) => {
          if (r.method() === 'POST' && r.url().includes('/challenges')) sent.push(r.url());
        });
        await maria.locator('input[type=file]').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0x25) });
        await maria.getByText(textHead(c, 'challenges.errors.fileTooLarge')).waitFor();
        await expect.poll(async () => (await focusedField(maria)).invalid).toBe('true');
        expect((await focusedField(maria)).described).toContain(t('errors.fileTooLarge', { size: t('size.mib', { n: 5 }) }));
        await audit(maria, 'unit page, file too large');
        await maria.locator('input[type=file]').setInputFiles({ name: 'minutes.pdf', mimeType: 'application/pdf', buffer: EVIDENCE });
        await maria.getByText(t('form.evidenceChosen', { name: 'minutes.pdf', size: t('size.bytes', { n: EVIDENCE.length }) })).waitFor();
        expect(await maria.locator('.field-error').count()).toBe(0);
        for (let i = 0; i < 6; i++) {
          await maria.keyboard.press('Tab');
          if (await maria.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type === 'submit')) break;
        }
        expect(await maria.evaluate(() => document.activeElement?.textContent)).toBe(t('form.submit'));
        await maria.keyboard.press('Enter');
        // The result is said in a live region, which takes the focus (the form is gone).
        const filed = maria.locator('.ch-done[role=status]');
        await filed.waitFor();
        expect(await filed.textContent()).toContain(t('form.filedTitle'));
        await expect.poll(() => maria.evaluate(() => document.activeElement?.classList.contains('ch-done'))).toBe(true);
        expect(sent).toHaveLength(1);
        // It appears on the unit's page, with its text (she may read her branch's reports).
        const item = maria.locator('.ch-item', { hasText: t('item.title', { version: 1, reason: reasonLabel }) });
        await item.waitFor();
        expect(await item.textContent()).toContain(challengeText);
        expect(await item.textContent()).toContain(t('state.open'));
        expect(await item.textContent()).toContain(t('filedAs.member'));
        await audit(maria, 'unit page, challenge filed');
        await screenshotOf(maria, '#challenges', `${lang}-challenge-filed-phone`);

        // One challenge per person per version: a second one is refused, beside the version, which gets the focus.
        await maria.reload();
        await maria.getByLabel(t('form.reason'), { exact: true }).selectOption('counts');
        await maria.getByLabel(t('form.text'), { exact: true }).fill(challengeText);
        await maria.getByRole('button', { name: t('form.submit') }).click();
        await maria.getByText('you have already challenged version 1').waitFor();
        await expect.poll(async () => (await focusedField(maria)).id).toMatch(/-version$/);
        expect((await focusedField(maria)).described).toContain(t('refusal.field409'));
        await audit(maria, 'unit page, challenged twice');

        // The anonymous reader sees that it was filed, and why — not its text, and still no form.
        await reader.reload();
        const publicItem = reader.locator('.ch-item', { hasText: t('item.title', { version: 1, reason: reasonLabel }) });
        await publicItem.waitFor();
        expect(await publicItem.textContent()).not.toContain(challengeText);
        expect(await reader.locator('form.ch-form').count()).toBe(0);

        // 3. The commission signs in and opens its page from the navigation.
        const commission = await newPage();
        await commission.goto(`${base}/`);
        const signedIn = await commission.evaluate(
          async ([e, p]) => (await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) })).status,
          ['commission@example.org', COMMISSION_PASSWORD] as const,
        );
        expect(signedIn).toBe(200);
        await commission.reload();
        await commission.getByRole('link', { name: text(c, 'common.nav.commission') }).click();
        await commission.waitForURL(/\/commission$/);
        await commission.getByRole('heading', { level: 1, name: t('commission.title') }).waitFor();
        await audit(commission, 'commission, discussions');
        await commission.getByRole('link', { name: 'Test discussion' }).click();
        await commission.waitForURL(/\/commission\/d1$/);
        const card = commission.locator('.ch-item', { hasText: t('commission.unitVersion', { unit: 'Branch 1', version: 1 }) });
        await card.waitFor();
        expect(await card.textContent()).toContain(challengeText);
        expect(await card.textContent()).toContain(textHead(c, 'challenges.item.filedBy'));
        expect(await card.textContent()).toMatch(/session:[0-9a-f]+/);
        // The evidence, downloaded, is the file Maria attached.
        const [download] = await Promise.all([commission.waitForEvent('download'), card.getByRole('link', { name: t('item.download', { name: 'minutes.pdf' }) }).click()]);
        expect(download.suggestedFilename()).toBe('minutes.pdf');
        expect(readFileSync((await download.path())!).equals(EVIDENCE)).toBe(true);
        await audit(commission, 'commission, open challenge');

        // 4. It strikes more votes than the report has: the server's refusal appears beside that box, which gets the focus.
        await card.getByLabel(t('decision.strike-votes'), { exact: true }).check();
        await card.getByLabel(t('decide.criterion'), { exact: true }).fill(lang === 'ru' ? 'бюллетени поданы до открытия собрания' : 'ballots cast before the meeting opened');
        await card.getByLabel(t('decide.reason'), { exact: true }).fill(lang === 'ru' ? 'Протокол и фотография показывают 15 бюллетеней в урне в 18:55.' : 'The minutes and the photograph show 15 ballots in the box at 18:55.');
        await card.getByLabel(t('decide.present'), { exact: true }).fill('15');
        const unity = card.getByLabel(t('decide.votesFor', { position: 'Unity' }), { exact: true });
        await unity.fill('25');
        await screenshotOf(commission, '.ch-item', `${lang}-commission-decide`);
        await card.getByRole('button', { name: t('decide.review') }).click();
        const dialog = commission.getByRole('dialog', { name: t('decide.confirmTitle', { unit: 'Branch 1', version: 1 }) });
        await dialog.waitFor();
        expect(await dialog.textContent()).toContain(t('decide.final'));
        await audit(commission, 'commission, confirm');
        await screenshot(commission, `${lang}-commission-confirm`);
        await dialog.getByRole('button', { name: t('decide.confirm') }).click();
        await card.getByText('25 struck, but the report has 20 votes for it').waitFor();
        await expect.poll(async () => (await focusedField(commission)).id).toBe(await unity.getAttribute('id'));
        const refused = await focusedField(commission);
        expect(refused.invalid).toBe('true');
        expect(refused.described).toContain(t('refusal.field'));
        expect(refused.described).toContain('25 struck, but the report has 20 votes for it');
        expect(refused.id).toMatch(/struck_votes_q1_positions_cc$/);
        await audit(commission, 'commission, refused');
        await screenshotOf(commission, '.ch-question-counts', `${lang}-commission-refused`);

        // 5. 15 present and 15 votes for Unity: confirmed, recorded, moved to the decided list.
        await unity.fill('15');
        await card.getByRole('button', { name: t('decide.review') }).click();
        await dialog.waitFor();
        await dialog.getByRole('button', { name: t('decide.confirm') }).click();
        const done = commission.locator('.ch-commission > [role=status]');
        await expect.poll(async () => done.textContent()).toBe(t('decide.done', { unit: 'Branch 1', version: 1, decision: t('decision.strike-votes') }));
        await commission.getByText(t('commission.noneOpen')).waitFor();
        const decidedItem = commission.locator('section[aria-labelledby=decided-h] .ch-item');
        await decidedItem.waitFor();
        expect(await decidedItem.textContent()).toContain(t('decision.strike-votes'));
        await audit(commission, 'commission, decided');
        await screenshotOf(commission, 'main', `${lang}-commission-decided`);

        // 6. The unit's page shows the decision: its criterion, its reason, what it struck.
        await reader.reload();
        const decided = reader.locator('.ch-item', { hasText: t('item.title', { version: 1, reason: reasonLabel }) });
        await decided.locator('.ch-state-decided', { hasText: t('state.decided') }).waitFor();
        const decidedText = (await decided.textContent())!;
        expect(decidedText).toContain(t('decision.strike-votes'));
        expect(decidedText).toContain(lang === 'ru' ? 'бюллетени поданы до открытия собрания' : 'ballots cast before the meeting opened');
        expect(decidedText).toContain(t('struck.present', { n: 15 }));
        expect(decidedText).toContain(t('struck.votes', { question: t('questionN', { n: 1 }), position: 'Unity', n: 15 }));
        await audit(reader, 'unit page, decided');
        await screenshotOf(reader, '#challenges', `${lang}-unit-decided`);

        // 7. The dashboard: the figures after the decision beside the reported ones. b1 keeps 8 present of 40 (not
        // quorate), Unity 5, Opposition 2, 1 abstained; with b2, 14 present and 7 of 13 votes for Unity.
        await reader.goto(`${base}/d/d1`);
        const compare = reader.locator('section[aria-labelledby=adjudicated-h]');
        await compare.waitFor();
        const of = (n: number, d: number) => text(c, 'common.share.of', { n, d });
        const cells = async (label: string) => (await comparisonRow(reader, label)).map((s) => s.slice(s.indexOf('(')));
        expect(await cells(t('adjudicated.row.units'))).toEqual([of(2, 8), of(2, 8)]);
        expect(await cells(t('adjudicated.row.quorate'))).toEqual([of(2, 2), of(1, 2)]);
        expect(await cells(t('adjudicated.row.present'))).toEqual([of(29, 50), of(14, 50)]);
        expect(await cells(t('adjudicated.row.votes', { position: 'Unity' }))).toEqual([of(22, 28), of(7, 13)]);
        expect(await cells(t('adjudicated.row.votes', { position: 'Opposition' }))).toEqual([of(6, 28), of(6, 13)]);
        expect(await cells(t('adjudicated.row.adopting', { position: 'Unity' }))).toEqual([of(40, 158), of(0, 158)]);
        expect(await cells(t('adjudicated.row.adopting', { position: 'Opposition' }))).toEqual([of(10, 158), of(10, 158)]);
        // Each share carries its percentage too, and changed rows say so in words.
        expect((await comparisonRow(reader, t('adjudicated.row.quorate')))[1]).toMatch(/^50[.,]0\s?%/);
        expect(await compare.locator('tr', { hasText: t('adjudicated.row.quorate') }).locator('.ch-changed').textContent()).toBe(t('adjudicated.changed'));
        expect(await compare.locator('tr', { hasText: t('adjudicated.row.units') }).locator('.ch-changed').count()).toBe(0);
        // Question 2, on which no count moved (the reports did not vote on it), takes one line.
        expect(await compare.getByText(t('adjudicated.unchanged')).count()).toBe(1);
        await audit(reader, 'dashboard, adjudicated');
        await screenshotOf(reader, 'section[aria-labelledby=adjudicated-h]', `${lang}-dashboard-adjudicated`);
        // The decision is linked: it leads to the unit's challenges.
        await compare.getByRole('link', { name: t('adjudicated.unitVersion', { unit: 'Branch 1', version: 1 }) }).click();
        await reader.waitForURL(/\/d\/d1\/u\/b1#challenges$/);
        await expect.poll(() => reader.evaluate(() => document.activeElement?.id)).toBe('challenges-h');

        // The same on a phone, without sideways scrolling.
        await maria.goto(`${base}/d/d1/u/d11`);
        await maria.locator('section[aria-labelledby=adjudicated-h]').waitFor();
        expect(await comparisonRow(maria, t('adjudicated.row.present'))).toEqual([expect.stringContaining(of(29, 50)), expect.stringContaining(of(14, 50))]);
        await audit(maria, 'district dashboard, adjudicated, phone');
        await screenshotOf(maria, 'section[aria-labelledby=adjudicated-h]', `${lang}-dashboard-adjudicated-phone`);

        // 8. Where no decision applies, nothing extra is shown.
        const answered = reader.waitForResponse((r) => r.url().includes('/adjudicated-tally?unit=r2'));
        await reader.goto(`${base}/d/d1/u/r2`);
        expect((await (await answered).json()).applied).toEqual([]);
        await reader.waitForTimeout(200);
        expect(await reader.locator('section[aria-labelledby=adjudicated-h]').count()).toBe(0);

        expect(violations).toEqual([]);
        expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
      } catch (e) {
        let i = 0;
        for (const ctx of contexts) for (const p of ctx.pages()) await screenshot(p, `failure-challenges-${lang}-${++i}`).catch(() => undefined);
        throw e;
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
        await server.close();
      }
    }, 240_000);
  }
});
