/**
 * The conference in the office's and the credentials committee's pages, in a real browser (Debian's Chromium), in
 * English and in Russian, each on a fresh server and SQLite file with a small organization and reports seeded through
 * the services: the office defines the conference (a rule the server refuses is shown beside its box, which takes the
 * focus), apportions and sees the table summing to the seats, records delegates (one with the keyboard alone; a fourth
 * for three seats refused beside the vote); the commission, on a phone, confirms mandates and rejects one with a reason;
 * the office opens the session, proposes resolutions, records an amendment moved from the floor in a confirmed
 * delegate's name (none chosen: said beside the box), records a count (an over-count refused beside "for") and — in
 * English — a roll call (a second ballot refused beside the delegate), publishes the binding decision in two languages
 * after the confirm step, publishes an erratum, and sees the notices' counts. axe-core runs on every page.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.ts';
import { submitReport } from '../../src/services/reports.ts';
import { catalogs, tabUntil, text, textHead } from '../support/catalogs.ts';
import { browserAvailable, focusedField, launchBrowser, screenshot, screenshotOf, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { report, smallOrganization } from '../support/factories.ts';

const OFFICE_PASSWORD = 'office password long enough';
const COMMISSION_PASSWORD = 'commission password long enough';

const signIn = async (page: Page, base: string, email: string, password: string) => {
  await page.goto(`${base}/`);
  const status = await page.evaluate(
    async ([e, p]) => (await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) })).status,
    [email, password] as const,
  );
  expect(status).toBe(200);
};

const seatCounts = async (page: Page, kind: 'deciding' | 'consultative', column: number) => {
  // The body's seat cells of a kind, and the total row's.
  const rows = await page.locator('table.cf-seats tbody tr').all();
  const cells: number[] = [];
  for (const r of rows) cells.push(Number((await r.locator('td.cf-seatcount').nth(column).textContent())!.replace(/\D/g, '')));
  const total = Number((await page.locator(`table.cf-seats tfoot td.cf-seatcount[data-kind=${kind}]`).textContent())!.replace(/\D/g, ''));
  return { cells, total };
};

describe.runIf(browserAvailable)('the conference in the office pages, in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: define, apportion, delegates and credentials, the session, votes, the binding decision and its erratum`, async () => {
      const c = catalogs(lang);
      const server: TestServer = await startServer();
      const contexts: BrowserContext[] = [];
      const violations: string[] = [];
      const errors: string[] = [];
      const t = (path: string, vars: Record<string, string | number> = {}) => text(c, `conference-office.${path}`, vars);
      const newPage = async (opts: { phone?: boolean } = {}): Promise<Page> => {
        const ctx = await browser.newContext({ locale: lang === 'ru' ? 'ru-RU' : 'en-US', timezoneId: 'UTC', viewport: opts.phone ? { width: 375, height: 812 } : { width: 1280, height: 900 } });
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
      const status = (page: Page) => page.locator('.cf-done[role=status]');
      const full = lang === 'en';

      try {
        const base = server.base;
        const now = new Date();
        const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
        await smallOrganization(server.store.db, { discussion: { reportingClosesAt: new Date(now.getTime() + 7 * 86_400_000).toISOString() } });
        for (const r of [report({ meetingDate: yesterday }), report({ unitId: 'b5', meetingDate: yesterday, present: 40, votes: { q1: { positions: { cc: 39 }, abstain: 1 } } })]) {
          await submitReport(server.store.db, { discussionId: 'd1', report: r, submittedBy: 'test', now: now.toISOString() });
        }
        await createAccount(server.store.db, { email: 'office@example.org', password: OFFICE_PASSWORD, role: 'office' }, now.toISOString());
        await createAccount(server.store.db, { email: 'commission@example.org', password: COMMISSION_PASSWORD, role: 'commission' }, now.toISOString());

        // 1. The office opens the conference from its home page.
        const office = await newPage();
        await signIn(office, base, 'office@example.org', OFFICE_PASSWORD);
        await office.goto(`${base}/office`);
        await office.getByRole('link', { name: `${text(c, 'office.home.conference')} — Test discussion` }).click();
        await office.waitForURL(/\/office\/conference\/d1$/);
        await office.getByRole('heading', { level: 1, name: new RegExp(t('pages.setup')) }).waitFor();
        await office.getByText(t('stateAbout.none')).waitFor();
        await audit(office, 'setup, empty');

        // 2. The definition: one rule the server refuses, shown beside its box, which takes the focus.
        await office.getByLabel(t('define.name'), { exact: true }).fill(lang === 'ru' ? 'XIII конференция' : 'Thirteenth Conference');
        // The kinds of the frozen tree are offered; the first below the root is chosen.
        await expect.poll(() => office.getByLabel(t('define.kind'), { exact: true }).inputValue()).toBe('region');
        if (lang === 'ru') {
          // By depth: 9 is deeper than the tree; the server's refusal lands beside the depth.
          await office.getByLabel(t('define.byDepth'), { exact: true }).check();
          await office.getByLabel(t('define.depth'), { exact: true }).fill('9');
          await office.getByLabel(t('define.seats'), { exact: true }).fill('6');
          await office.getByRole('button', { name: t('define.save') }).click();
          await office.getByText('no unit at depth 9').waitFor();
          await expect.poll(async () => (await focusedField(office)).id).toBe('def-electingLevel-depth');
          const f = await focusedField(office);
          expect(f.invalid).toBe('true');
          expect(f.described).toContain(t('refusal.field'));
          await audit(office, 'setup, depth refused');
          await screenshotOf(office, 'form.cf-form', `${lang}-conference-define-refused`);
          await office.getByLabel(t('define.depth'), { exact: true }).fill('1');
        } else {
          // Hare with 3 seats and at least 2 per unit: the two regions need 4.
          await office.getByLabel(t('define.seats'), { exact: true }).fill('3');
          await office.getByLabel(t('define.min'), { exact: true }).fill('2');
          await office.getByLabel(t('define.withConsultative'), { exact: true }).check();
          const consultative = office.locator('fieldset.cf-rulefields').nth(1);
          await consultative.getByLabel(t('define.method'), { exact: true }).selectOption('per');
          // Only the numbers the method takes are shown.
          expect(await consultative.getByLabel(t('define.seats'), { exact: true }).count()).toBe(0);
          await consultative.getByLabel(t('define.per'), { exact: true }).fill('20');
          await office.getByRole('button', { name: t('define.save') }).click();
          await office.getByText('is less than the minimums require').waitFor();
          await expect.poll(async () => (await focusedField(office)).id).toBe('def-deciding-seats');
          const f = await focusedField(office);
          expect(f.invalid).toBe('true');
          expect(f.described).toContain(t('refusal.field'));
          expect(f.described).toContain('seats (3) is less than the minimums require');
          await audit(office, 'setup, seats refused');
          await screenshotOf(office, 'form.cf-form', `${lang}-conference-define-refused`);
          await office.getByLabel(t('define.seats'), { exact: true }).fill('6');
        }
        await office.getByRole('button', { name: t('define.save') }).click();
        await expect.poll(() => status(office).textContent()).toBe(t('define.saved', { name: lang === 'ru' ? 'XIII конференция' : 'Thirteenth Conference' }));
        await office.locator('.cf-state', { hasText: t('state.draft') }).waitFor();

        // 3. Apportion: the table sums to the seats, with exact quotas; the result is said in the live region.
        await office.getByRole('button', { name: t('apportion.submit') }).click();
        await office.locator('table.cf-seats').waitFor();
        await expect.poll(() => status(office).textContent()).toContain(textHead(c, 'conference-office.apportion.done'));
        const deciding = await seatCounts(office, 'deciding', 0);
        expect(deciding.total).toBe(6);
        expect(deciding.cells.reduce((a, b) => a + b, 0)).toBe(6);
        expect(deciding.cells).toEqual([3, 3]);
        if (full) {
          // 1 per 20 members or part thereof: 78 → 4, 80 → 4.
          const consultative = await seatCounts(office, 'consultative', 1);
          expect(consultative).toEqual({ cells: [4, 4], total: 8 });
        }
        // Region One: 78 members, quota 6 × 78 / 158 = 234/79 ≈ 2.9620 (min 2 binds nothing here in English; in Russian no min).
        const firstRow = (await office.locator('table.cf-seats tbody tr').first().textContent())!;
        expect(firstRow).toContain('234/79');
        expect(firstRow).toMatch(/2[.,]9620/);
        await audit(office, 'setup, apportioned');
        await screenshotOf(office, 'section[aria-labelledby=cf-seats-h]', `${lang}-conference-seat-table`);
        if (full) {
          // Again: a reason is asked for.
          await office.getByRole('button', { name: t('apportion.again') }).click();
          await expect.poll(async () => (await focusedField(office)).id).toBe('app-reason');
          expect((await focusedField(office)).described).toContain(t('apportion.reasonNeeded', { version: 1 }));
        }

        // 4. Delegates: Region One's three deciding seats, recorded with the keyboard alone (the first), then a fourth refused.
        await office.getByRole('link', { name: t('pages.delegates') }).click();
        await office.waitForURL(/\/office\/conference\/d1\/delegates$/);
        await office.getByRole('heading', { level: 2, name: t('delegates.recordTitle') }).waitFor();
        await expect.poll(() => office.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        await audit(office, 'delegates, empty');
        const unit = office.getByLabel(t('delegates.unit'), { exact: true });
        await unit.focus();
        await office.keyboard.press('ArrowDown');
        expect(await unit.inputValue()).toBe('r1');
        await office.keyboard.press('Tab');
        await office.keyboard.type('m1');
        await tabUntil(office, t('delegates.meeting'), 10);
        await office.keyboard.type(lang === 'ru' ? 'Областная конференция' : 'Regional conference');
        await office.keyboard.press('Enter');
        await expect.poll(() => status(office).textContent()).toContain('m1');
        // The focus is back on the member id, ready for the next delegate.
        await expect.poll(async () => (await focusedField(office)).id).toBe('del-memberId');
        const record = async (unitId: string, memberId: string) => {
          await office.getByLabel(t('delegates.unit'), { exact: true }).selectOption(unitId);
          await office.getByLabel(t('delegates.memberId'), { exact: true }).fill(memberId);
          await office.getByLabel(t('delegates.meeting'), { exact: true }).fill(lang === 'ru' ? 'Областная конференция' : 'Regional conference');
          await office.getByRole('button', { name: t('delegates.record') }).click();
        };
        for (const [u, m] of [['r1', 'm2'], ['r1', 'm3'], ['r2', 'm83'], ['r2', 'm84']] as const) {
          await record(u, m);
          await expect.poll(() => status(office).textContent()).toContain(m);
        }
        await record('r1', 'm4');
        const noSeat = t('delegates.noSeatLeft.deciding');
        await office.getByText(noSeat).waitFor();
        await expect.poll(async () => (await focusedField(office)).described).toContain(noSeat);
        expect((await focusedField(office)).described).toContain('no seat is left');
        await audit(office, 'delegates, no seat left');
        await screenshotOf(office, 'section[aria-labelledby=cf-record-h]', `${lang}-conference-no-seat`);
        const mandates = office.locator('.cf-delegate');
        await expect.poll(() => mandates.count()).toBe(5);
        expect(await office.locator('.cf-delegate', { hasText: 'Member 1 (m1)' }).textContent()).toContain(t('delegateState.pending'));

        // 5. The commission, on its phone: the credentials page from the navigation; three confirmed, one rejected.
        const commission = await newPage({ phone: true });
        await signIn(commission, base, 'commission@example.org', COMMISSION_PASSWORD);
        await commission.reload();
        await commission.getByRole('link', { name: text(c, 'common.nav.credentials') }).click();
        await commission.getByRole('heading', { level: 1, name: t('index.title') }).waitFor();
        await commission.getByRole('link', { name: t('index.link', { title: 'Test discussion' }) }).click();
        await commission.waitForURL(/\/office\/conference\/d1\/delegates$/);
        await commission.locator('.cf-delegate').first().waitFor();
        // No recording form for the commission (the committee's and the office's), no decision page.
        expect(await commission.getByRole('heading', { name: t('delegates.recordTitle') }).count()).toBe(0);
        expect(await commission.getByRole('link', { name: t('pages.decision') }).count()).toBe(0);
        await audit(commission, 'credentials, phone');
        await screenshot(commission, `${lang}-conference-credentials-phone`);
        const card = (name: string) => commission.locator('.cf-delegate', { has: commission.getByRole('heading', { name: new RegExp(`^${name} \\(`) }) });
        for (const [name, id] of [['Member 1', 'm1'], ['Member 2', 'm2'], ['Member 83', 'm83']] as const) {
          await card(name).getByRole('button', { name: `${t('delegates.confirm')} — ${name}` }).click();
          await expect.poll(() => status(commission).textContent()).toBe(t('delegates.confirmed', { name }));
          expect(id).toBeTruthy();
        }
        // The focus went to the message (the buttons it was on are gone).
        await expect.poll(() => commission.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('status');
        const m3 = card('Member 3');
        await m3.getByRole('button', { name: `${t('delegates.reject')} — Member 3` }).click();
        await expect.poll(async () => (await focusedField(commission)).described).toContain(t('errors.rejectReason'));
        await audit(commission, 'credentials, reason needed');
        await screenshotOf(commission, '.cf-delegate:has-text("Member 3")', `${lang}-conference-reject-reason-phone`);
        const why = lang === 'ru' ? 'Протокол собрания не подписан.' : 'The minutes of the meeting are not signed.';
        await m3.getByLabel(t('delegates.decisionReason'), { exact: true }).fill(why);
        await m3.getByRole('button', { name: `${t('delegates.reject')} — Member 3` }).click();
        await expect.poll(() => status(commission).textContent()).toBe(t('delegates.rejected', { name: 'Member 3' }));
        const rejected = card('Member 3');
        await expect.poll(() => rejected.textContent()).toContain(t('delegateState.rejected'));
        expect(await rejected.textContent()).toContain(why);
        expect(await card('Member 1').textContent()).toContain(t('delegateState.confirmed'));
        await audit(commission, 'credentials, decided');
        await screenshotOf(commission, 'main', `${lang}-conference-credentials-decided-phone`);

        // 6. The office opens the session, after the confirm.
        await office.getByRole('link', { name: t('pages.setup') }).click();
        await office.getByRole('button', { name: t('session.open') }).click();
        const openDialog = office.getByRole('dialog', { name: t('session.openTitle', { name: lang === 'ru' ? 'XIII конференция' : 'Thirteenth Conference' }) });
        await openDialog.waitFor();
        // The safe choice has the focus.
        await expect.poll(() => office.evaluate(() => document.activeElement?.textContent)).toBe(t('back'));
        await audit(office, 'session, confirm');
        await openDialog.getByRole('button', { name: t('session.openConfirm') }).click();
        await office.locator('.cf-state', { hasText: t('state.in-session') }).waitFor();
        await expect.poll(() => status(office).textContent()).toBe(t('session.opened'));

        // 7. Motions: a resolution on question 1, a count with one vote too many refused beside "for", then the count.
        await office.getByRole('link', { name: t('pages.motions') }).click();
        await office.getByRole('heading', { level: 2, name: t('motions.proposeTitle') }).waitFor();
        const propose = async (question: string, title: string, body: string) => {
          await office.getByLabel(t('motions.question'), { exact: true }).selectOption(question);
          await office.getByLabel(t('motions.motionTitle'), { exact: true }).fill(title);
          await office.getByLabel(t('motions.text'), { exact: true }).fill(body);
          await office.getByRole('button', { name: t('motions.propose') }).click();
          await expect.poll(() => status(office).textContent()).toBe(t('motions.proposed', { title }));
        };
        const unity = lang === 'ru' ? 'О единстве партии' : 'On party unity';
        const unityText = lang === 'ru' ? 'Конференция осуждает фракционность.' : 'The conference condemns factionalism.';
        await propose('q1', unity, unityText);
        const motion = (title: string): Locator => office.locator('.cf-motion', { has: office.getByRole('heading', { name: title }) });
        const m1 = motion(unity);
        await m1.waitFor();
        // An amendment moved from the floor, recorded in a confirmed delegate's name: without one chosen, said beside the box.
        const amendment = lang === 'ru' ? 'Поправка о единстве' : 'Amendment on unity';
        await m1.locator('summary', { hasText: textHead(c, 'conference-office.motions.amendSummary') }).click();
        await m1.getByLabel(t('motions.amendTitle'), { exact: true }).fill(amendment);
        await m1.getByLabel(t('motions.amendText'), { exact: true }).fill(lang === 'ru' ? 'Добавить: «и групповщину».' : 'Add: "and cliques".');
        await m1.getByRole('button', { name: t('motions.amend') }).click();
        await expect.poll(async () => (await focusedField(office)).described).toContain(t('errors.chooseMover'));
        const mover = m1.getByLabel(t('motions.amendMover'), { exact: true });
        await mover.selectOption((await mover.locator('option', { hasText: '(m1)' }).getAttribute('value'))!);
        await m1.getByRole('button', { name: t('motions.amend') }).click();
        await expect.poll(() => status(office).textContent()).toBe(t('motions.amended', { title: amendment }));
        const a1 = motion(amendment);
        await expect.poll(() => a1.textContent()).toContain(t('motions.amendment', { title: unity }));
        expect(await a1.textContent()).toContain(t('motions.byDelegate', { unit: 'r1' }));
        await a1.getByRole('button', { name: t('votes.recordCount') }).waitFor();
        await audit(office, 'motions, amendment');
        await m1.getByLabel(t('votes.for'), { exact: true }).fill('3');
        await m1.getByLabel(t('votes.against'), { exact: true }).fill('1');
        await m1.getByRole('button', { name: t('votes.recordCount') }).click();
        await m1.getByText('exceeds the confirmed delegates with a deciding vote (3)').waitFor();
        await expect.poll(async () => (await focusedField(office)).id).toMatch(/-for$/);
        expect((await focusedField(office)).invalid).toBe('true');
        await audit(office, 'motions, over-count');
        await screenshotOf(office, '.cf-motion', `${lang}-conference-over-count`);
        await m1.getByLabel(t('votes.for'), { exact: true }).fill('2');
        await m1.getByRole('button', { name: t('votes.recordCount') }).click();
        await expect.poll(() => status(office).textContent()).toBe(t('votes.result.adopted', { title: unity }));
        await m1.locator('.cf-result').waitFor();
        expect(await m1.locator('.cf-result').textContent()).toContain(t('votes.outcome.adopted'));
        expect(await m1.locator('.cf-result').textContent()).toContain(t('votes.rule'));

        const nep = lang === 'ru' ? 'О новой экономической политике' : 'On the New Economic Policy';
        const nepText = lang === 'ru' ? 'НЭП остаётся.' : 'The NEP stands.';
        await propose('q2', nep, nepText);
        const m2 = motion(nep);
        if (full) {
          // A roll call: each confirmed deciding delegate once; a second ballot is refused beside the delegate.
          await m2.getByLabel(t('votes.methods.roll-call')).check();
          await m2.getByRole('button', { name: t('votes.openRollCall') }).click();
          await expect.poll(() => status(office).textContent()).toBe(t('votes.opened', { title: nep }));
          const ballot = async (member: string, choice: 'for' | 'against' | 'abstain') => {
            const select = m2.getByLabel(t('votes.delegate'), { exact: true });
            const value = await select.locator('option', { hasText: `(${member})` }).getAttribute('value');
            await select.selectOption(value!);
            await m2.getByLabel(t(`votes.choice.${choice}`), { exact: true }).check();
            await m2.getByRole('button', { name: t('votes.castBallot') }).click();
          };
          await ballot('m1', 'for');
          await expect.poll(() => status(office).textContent()).toContain('Member 1');
          await ballot('m1', 'against');
          await m2.locator('.cf-detail', { hasText: 'has already voted' }).waitFor();
          await expect.poll(async () => (await focusedField(office)).id).toMatch(/-delegateId$/);
          expect((await focusedField(office)).described).toContain(t('votes.alreadyVoted', { name: 'Member 1 (m1)' }));
          await audit(office, 'motions, second ballot');
          await screenshotOf(office, '.cf-rollcall', `${lang}-conference-second-ballot`);
          await ballot('m2', 'for');
          await expect.poll(() => status(office).textContent()).toContain('Member 2');
          await ballot('m83', 'against');
          await expect.poll(() => status(office).textContent()).toContain('Member 83');
          await m2.getByRole('button', { name: t('votes.closeRollCall') }).click();
          const closeDialog = office.getByRole('dialog', { name: t('votes.closeTitle', { title: nep }) });
          await closeDialog.waitFor();
          await closeDialog.getByRole('button', { name: t('votes.closeConfirm') }).click();
          await expect.poll(() => status(office).textContent()).toBe(t('votes.result.adopted', { title: nep }));
          expect(await m2.locator('.cf-result').textContent()).toContain(t('votes.figures', { for: 2, against: 1, abstain: 0 }));
        } else {
          await m2.getByLabel(t('votes.for'), { exact: true }).fill('3');
          await m2.getByRole('button', { name: t('votes.recordCount') }).click();
          await expect.poll(() => status(office).textContent()).toBe(t('votes.result.adopted', { title: nep }));
        }
        await audit(office, 'motions, voted');
        await screenshotOf(office, 'main', `${lang}-conference-motions`);

        // 8. The binding decision, in two languages, after the confirm step.
        const other = lang === 'en' ? 'ru' : 'en';
        await office.getByRole('link', { name: t('pages.decision') }).click();
        await office.getByRole('heading', { level: 2, name: t('publish.title') }).waitFor();
        await audit(office, 'decision, form');
        // The first language's texts are the motions'.
        expect(await office.getByLabel(t('publish.textIn', { language: lang === 'ru' ? 'Русский' : 'English' })).first().inputValue()).toBe(unityText);
        // A tag that is not one is refused at once.
        await office.getByLabel(t('publish.addLanguage'), { exact: true }).fill('Russian');
        await office.getByRole('button', { name: t('publish.add'), exact: true }).click();
        await expect.poll(async () => (await focusedField(office)).described).toContain(t('errors.languageTag'));
        await office.getByLabel(t('publish.addLanguage'), { exact: true }).fill(other);
        await office.getByRole('button', { name: t('publish.add'), exact: true }).click();
        const otherName = other === 'ru' ? 'Русский' : 'English';
        const ownName = lang === 'ru' ? 'Русский' : 'English';
        const titles = { en: 'On party building', ru: 'О партийном строительстве' };
        await office.getByLabel(t('publish.titleIn', { language: ownName }), { exact: true }).fill(titles[lang]);
        await office.getByLabel(t('publish.titleIn', { language: otherName }), { exact: true }).fill(titles[other]);
        const texts = office.getByLabel(t('publish.textIn', { language: otherName }), { exact: true });
        await expect.poll(() => texts.count()).toBe(2);
        // Review with one text missing: said beside it.
        await office.getByRole('button', { name: t('publish.review') }).click();
        await expect.poll(async () => (await focusedField(office)).described).toContain(t('errors.textIn', { language: otherName }));
        await texts.nth(0).fill(other === 'ru' ? 'Конференция осуждает фракционность.' : 'The conference condemns factionalism.');
        await texts.nth(1).fill(other === 'ru' ? 'НЭП остаётся.' : 'The NEP stands.');
        await office.getByRole('button', { name: t('publish.review') }).click();
        const publishDialog = office.getByRole('dialog', { name: t('publish.confirmTitle') });
        await publishDialog.waitFor();
        expect(await publishDialog.textContent()).toContain(t('publish.final'));
        expect(await publishDialog.textContent()).toContain(titles[other]);
        await audit(office, 'decision, confirm');
        await screenshot(office, `${lang}-conference-publish-confirm`);
        await publishDialog.getByRole('button', { name: t('publish.confirm') }).click();
        await expect.poll(() => status(office).textContent()).toBe(t('publish.done'));
        await office.getByRole('heading', { level: 2, name: t('published.title') }).waitFor();
        expect(await office.getByRole('link', { name: t('published.publicPage') }).getAttribute('href')).toBe('/decisions/d1');
        const doc = await office.evaluate(async () => (await fetch('/api/v1/discussions/d1/decision')).json());
        expect(doc.decision.languages).toEqual([lang, other]);
        expect(doc.decision.title).toEqual({ [lang]: titles[lang], [other]: titles[other] });
        expect(doc.decision.body.resolutions).toHaveLength(2);
        expect(doc.decision.provenance.votes.map((v: { result: string }) => v.result)).toEqual(['adopted', 'adopted']);

        // 9. The notices' counts, each "N of total"; and how they are sent.
        const counts = await office.evaluate(async () => (await fetch('/api/v1/discussions/d1/decision/notices')).json());
        expect(counts.total).toBeGreaterThan(100);
        const notices = office.locator('.cf-notices').first();
        await expect.poll(() => notices.textContent()).toContain(t('notices.of', { n: counts.pending, total: counts.total }));
        expect(await notices.textContent()).toContain(t('notices.noEmail'));
        expect(await office.locator('section[aria-labelledby=cf-notices-h]').textContent()).toContain('plenum notify d1');

        // 10. An erratum, in both languages, after its own confirm.
        const erratum = office.locator('section[aria-labelledby=cf-erratum-h]');
        await erratum.getByLabel(t('erratum.titleIn', { language: ownName }), { exact: true }).fill(lang === 'ru' ? 'Исправление' : 'Erratum');
        await erratum.getByLabel(t('erratum.titleIn', { language: otherName }), { exact: true }).fill(other === 'ru' ? 'Исправление' : 'Erratum');
        await erratum.getByLabel(t('erratum.textIn', { language: ownName }), { exact: true }).fill(lang === 'ru' ? 'Читать «НЭП остаётся в силе».' : 'Read "The NEP stays in force".');
        await erratum.getByLabel(t('erratum.textIn', { language: otherName }), { exact: true }).fill(other === 'ru' ? 'Читать «НЭП остаётся в силе».' : 'Read "The NEP stays in force".');
        await erratum.getByLabel(t('erratum.reason'), { exact: true }).fill(lang === 'ru' ? 'Опечатка в тексте.' : 'A typing error in the text.');
        await erratum.getByRole('button', { name: t('erratum.review') }).click();
        const erratumDialog = office.getByRole('dialog', { name: t('erratum.confirmTitle') });
        await erratumDialog.waitFor();
        await erratumDialog.getByRole('button', { name: t('erratum.confirm') }).click();
        await expect.poll(() => status(office).textContent()).toBe(t('erratum.done'));
        await expect.poll(() => office.locator('.cf-notices').count()).toBe(2);
        const after = await office.evaluate(async () => (await fetch('/api/v1/discussions/d1/decision')).json());
        expect(after.errata).toHaveLength(1);
        expect(after.errata[0].corrects).toBe(after.decision.id);
        await audit(office, 'decision, published');
        await screenshot(office, `${lang}-conference-decision-published`);

        // On a phone, the seat table scrolls in its own box, never the page.
        const phone = await newPage({ phone: true });
        await signIn(phone, base, 'office@example.org', OFFICE_PASSWORD);
        await phone.goto(`${base}/office/conference/d1`);
        await phone.locator('table.cf-seats').waitFor();
        await audit(phone, 'setup, phone');
        await screenshot(phone, `${lang}-conference-setup-phone`);

        expect(violations).toEqual([]);
        expect(errors.filter((e) => !/status of 40[0349]/.test(e))).toEqual([]);
      } catch (e) {
        let i = 0;
        for (const ctx of contexts) for (const p of ctx.pages()) await screenshot(p, `failure-conference-${lang}-${++i}`).catch(() => undefined);
        throw e;
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
        await server.close();
      }
    }, 240_000);
  }
});
