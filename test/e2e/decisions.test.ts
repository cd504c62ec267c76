/**
 * The public side of the summing-up in a real browser (Debian's Chromium), in English and Russian, against the real
 * server on a SQLite file seeded through the services: three branches report (b2's report then struck by the commission),
 * the conference is defined, apportioned twice (the second time with a reason), its delegates recorded and decided, its
 * resolutions adopted by count (an amendment rejected); the binding decision is published in Russian and English, and
 * an erratum after it.
 *
 * An anonymous reader finds the register from the navigation (the decision and the erratum, titles in the reader's
 * language with `lang`, the Atom feed), opens the decision: the texts in the language chosen with the keyboard, each
 * with its `lang`; the conference's votes; the provenance — checkpoint, how to verify, the figures as reported and as
 * adjudicated with numerators and denominators equal to the API's; the PDFs (200, application/pdf); the erratum. The
 * conference page, reached from the dashboard, shows the seat table summing to the seats (exact quotas on request), the
 * earlier table, delegates and motions. A member with an account of her own (by invitation) sees the notices, opens
 * one with the keyboard, and they are marked read. axe-core on every page; no sideways scrolling on a phone.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR, type Actor } from '../../src/domain/audit.ts';
import { adjudicateReport } from '../../src/services/challenges.ts';
import { apportionConference, changeConferenceState, decideDelegate, defineConference, proposeMotion, recordDelegate, recordVote } from '../../src/services/conference.ts';
import { publishDecision, publishErratum } from '../../src/services/decisions.ts';
import { acceptInvitation, inviteMembers } from '../../src/services/links.ts';
import { LogPublisher } from '../../src/services/log.ts';
import type { Mail } from '../../src/services/mailer.ts';
import { submitReport } from '../../src/services/reports.ts';
import { catalogs, text, type Catalogs } from '../support/catalogs.ts';
import { browserAvailable, launchBrowser, screenshot, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { report, smallOrganization } from '../support/factories.ts';

const PASSWORD = 'a member of branch one, long enough';
const COMMISSION: Actor = { principal: { kind: 'cli', id: 'e2e-commission', name: 'commission (test)', grants: [{ role: 'commission', unitId: null }] }, address: null };
const TITLE = { ru: 'О партийном строительстве', en: 'On party building' };
const TEXTS = {
  q1: { ru: 'Конференция осуждает фракционность.', en: 'The conference condemns factionalism.' },
  q2: { ru: 'НЭП остаётся.', en: 'The NEP stands.' },
};
const ERRATUM = {
  title: { ru: 'Исправление', en: 'Erratum' },
  text: { ru: 'Читать «НЭП остаётся в силе».', en: 'Read "The NEP stays in force".' },
  reason: 'A typing error in the English text.',
};
const RECONSTRUCTED = 'A reconstructed decision';
/** The member who reads her notices, per language (each run marks its own member's notices read). */
const MEMBER = { en: 'm5', ru: 'm6' } as const;

interface Figures {
  unitsTotal: number;
  unitsReported: number;
  membersTotal: number;
  questions: Record<string, { adopted: Record<string, { members: number }>; votes: Record<string, number> }>;
}

describe.runIf(browserAvailable)('the decision, the register, the conference and notices in a real browser', () => {
  let browser: Browser;
  let server: TestServer;
  let decisionId = '';
  let erratumId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer();
    const db = server.store.db;
    await smallOrganization(db);
    // Reporting (closed on the 15th): b1, b2 and b5 reported in time.
    const early = '2024-01-05T10:00:00.000Z';
    for (const r of [
      report(),
      report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 2, opp: 4 }, abstain: 0 } } }),
      report({ unitId: 'b5', present: 40, votes: { q1: { positions: { cc: 39 }, abstain: 1 }, q2: { positions: { cc: 30, opp: 8 }, abstain: 2 } } }),
    ]) {
      await submitReport(db, { discussionId: 'd1', report: r, submittedBy: 'test', now: early });
    }
    const at = (h: number) => `2024-01-16T${String(h).padStart(2, '0')}:00:00.000Z`;
    // The commission strikes b2's report.
    await adjudicateReport(db, COMMISSION, 'd1', 'b2', 1, { decision: 'strike', criterion: 'no quorum', reason: 'Four were present, not six.' }, at(8));

    // The conference: the two regions elect; apportioned, then enlarged (a second table, with a reason).
    await defineConference(db, CONSOLE_ACTOR, 'd1', { name: 'Conference of the regions', electingLevel: { kind: 'region' }, basis: 'roll', deciding: { method: 'hare', seats: 4, min: 1 }, consultative: { method: 'dhondt', seats: 5 } }, at(9));
    await apportionConference(db, CONSOLE_ACTOR, 'd1', null, at(9));
    await defineConference(db, CONSOLE_ACTOR, 'd1', { name: 'Conference of the regions', electingLevel: { kind: 'region' }, basis: 'roll', deciding: { method: 'hare', seats: 6, min: 1 }, consultative: { method: 'dhondt', seats: 5 } }, at(10));
    await apportionConference(db, CONSOLE_ACTOR, 'd1', 'The conference enlarged to six deciding seats.', at(10));
    const delegate = (unitId: string, memberId: string, vote: 'deciding' | 'consultative') =>
      recordDelegate(db, CONSOLE_ACTOR, 'd1', { unitId, memberId, vote, electedAt: '2024-01-10', electedMeeting: 'Regional conference' }, at(11));
    const confirmed: string[] = [];
    for (const [unitId, memberId] of [['r1', 'm1'], ['r2', 'm90']] as const) {
      const d = await delegate(unitId, memberId, 'deciding');
      await decideDelegate(db, COMMISSION, 'd1', d.id, 'confirm', null, at(11));
      confirmed.push(d.id);
    }
    await delegate('r1', 'm2', 'deciding'); // pending
    const rejected = await delegate('r2', 'm91', 'consultative');
    await decideDelegate(db, COMMISSION, 'd1', rejected.id, 'reject', 'Not elected by the regional conference.', at(11));
    await changeConferenceState(db, CONSOLE_ACTOR, 'd1', 'in-session', at(12));
    const motions: Record<string, string> = {};
    for (const q of ['q1', 'q2'] as const) {
      const m = await proposeMotion(db, CONSOLE_ACTOR, 'd1', { kind: 'resolution', questionId: q, title: `On ${q}`, text: `Resolution on ${q}.` }, at(13));
      motions[q] = m.id;
    }
    const amendment = await proposeMotion(db, CONSOLE_ACTOR, 'd1', { kind: 'amendment', amends: motions.q1!, title: 'Strike the second sentence', text: 'Strike it.', delegateId: confirmed[0]! }, at(13));
    await recordVote(db, CONSOLE_ACTOR, 'd1', amendment.id, { method: 'count', for: 0, against: 1, abstain: 1 }, at(14));
    for (const q of ['q1', 'q2'] as const) await recordVote(db, CONSOLE_ACTOR, 'd1', motions[q]!, { method: 'count', for: 2, against: 0, abstain: 0 }, at(14));
    await changeConferenceState(db, CONSOLE_ACTOR, 'd1', 'closed', at(15));

    // The binding decision, in Russian and English; an erratum the next day.
    const decision = await publishDecision(db, new LogPublisher(db, () => at(16)), CONSOLE_ACTOR, 'd1', {
      languages: ['ru', 'en'],
      title: TITLE,
      resolutions: (['q1', 'q2'] as const).map((q) => ({ questionId: q, motionId: motions[q]!, text: TEXTS[q] })),
      effectiveDate: '2024-01-18',
    }, at(16));
    decisionId = decision.id;
    const erratum = await publishErratum(db, CONSOLE_ACTOR, 'd1', { languages: ['ru', 'en'], ...ERRATUM, effectiveDate: '2024-01-18' }, '2024-01-17T10:00:00.000Z');
    erratumId = erratum.id;

    // A second discussion, whose decision is a historical reconstruction adopted in English only (published before).
    await smallOrganization(db, { discussion: { id: 'd2', title: 'Reconstructed discussion' } });
    await defineConference(db, CONSOLE_ACTOR, 'd2', { name: 'Reconstructed conference', electingLevel: { kind: 'region' }, basis: 'roll', deciding: { method: 'hare', seats: 2, min: 1 } }, at(1));
    await apportionConference(db, CONSOLE_ACTOR, 'd2', null, at(1));
    for (const [unitId, memberId] of [['r1', 'm1'], ['r2', 'm90']] as const) {
      const d = await recordDelegate(db, CONSOLE_ACTOR, 'd2', { unitId, memberId, vote: 'deciding', electedAt: '2024-01-10', electedMeeting: 'Regional conference' }, at(1));
      await decideDelegate(db, COMMISSION, 'd2', d.id, 'confirm', null, at(1));
    }
    await changeConferenceState(db, CONSOLE_ACTOR, 'd2', 'in-session', at(2));
    const old = await proposeMotion(db, CONSOLE_ACTOR, 'd2', { kind: 'resolution', questionId: 'q1', title: 'On q1', text: 'Resolution on q1.' }, at(2));
    await recordVote(db, CONSOLE_ACTOR, 'd2', old.id, { method: 'count', for: 1, against: 0, abstain: 1 }, at(2));
    await publishDecision(db, new LogPublisher(db, () => at(3)), CONSOLE_ACTOR, 'd2', {
      languages: ['en'],
      title: { en: RECONSTRUCTED },
      resolutions: [{ questionId: 'q1', motionId: old.id, text: { en: 'Reconstructed text.' } }],
      effectiveDate: '2024-01-16',
      reconstruction: true,
    }, at(3));

    // Two members with accounts of their own, made by invitation from their roll entries.
    const outbox: Mail[] = [];
    await inviteMembers(db, { send: async (m) => void outbox.push(m) }, { memberIds: Object.values(MEMBER), baseUrl: 'http://plenum.test' }, at(17));
    for (const mail of outbox) await acceptInvitation(db, /token=(\S+)/.exec(mail.text)![1]!, PASSWORD, at(17));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: the register, the decision with its provenance, the conference, and a member's notices`, async () => {
      const c: Catalogs = catalogs(lang);
      const other = lang === 'en' ? 'ru' : 'en';
      const t = (path: string, vars: Record<string, string | number> = {}) => text(c, `decisions.${path}`, vars);
      const of = (n: number, d: number) => text(c, 'common.share.of', { n, d });
      const nf = (n: number) => new Intl.NumberFormat(lang).format(n);
      const plural = (n: number) => new Intl.PluralRules(lang).select(n);
      const base = server.base;
      const contexts: BrowserContext[] = [];
      const violations: string[] = [];
      const errors: string[] = [];
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
      const api = async (path: string) => {
        const r = await fetch(`${base}/api/v1${path}`);
        expect(r.status, path).toBe(200);
        return r.json();
      };

      try {
        const doc = await api('/discussions/d1/decision');
        const p = doc.decision.provenance;

        // 1. The register, from the navigation: the erratum then the decision, titles in the reader's language.
        const reader = await newPage();
        await reader.goto(`${base}/`);
        await reader.getByRole('navigation', { name: text(c, 'common.nav.label') }).getByRole('link', { name: text(c, 'common.nav.decisions') }).click();
        await reader.waitForURL(/\/decisions$/);
        await reader.getByRole('heading', { level: 1, name: t('register.title') }).waitFor();
        const items = reader.locator('.dec-register > li');
        await expect.poll(() => items.count()).toBe(3);
        expect(await items.nth(0).locator('.dec-badge').first().textContent()).toBe(t('kind.erratum'));
        expect(await items.nth(1).locator('.dec-badge').first().textContent()).toBe(t('kind.decision'));
        const titles = items.locator('h2 [lang]');
        expect(await titles.nth(0).textContent()).toBe(ERRATUM.title[lang]);
        expect(await titles.nth(0).getAttribute('lang')).toBe(lang);
        expect(await titles.nth(1).textContent()).toBe(TITLE[lang]);
        expect(await titles.nth(1).getAttribute('lang')).toBe(lang);
        expect(await items.nth(1).textContent()).toContain(t('register.effective'));
        expect(await items.nth(1).textContent()).toContain(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date('2024-01-18T00:00:00Z')));
        // The reconstruction says so in words; its title, in English only, is marked English in either language.
        expect(await items.locator('.dec-badge-reconstruction').count()).toBe(1);
        expect(await items.nth(2).locator('.dec-badge-reconstruction').textContent()).toBe(t('reconstruction.badge'));
        expect(await titles.nth(2).textContent()).toBe(RECONSTRUCTED);
        expect(await titles.nth(2).getAttribute('lang')).toBe('en');
        const feed = reader.getByRole('link', { name: t('register.feed') });
        expect(await feed.getAttribute('href')).toBe('/decisions.atom');
        expect(await reader.locator('link[rel=alternate][type="application/atom+xml"]').getAttribute('href')).toBe('/decisions.atom');
        expect(await reader.locator('aside.dec-notices').count()).toBe(0); // nothing for an anonymous visitor
        await audit(reader, 'register');
        await screenshot(reader, `${lang}-decisions-register`);

        // 2. The decision: its title and texts in the reader's language, each with its lang attribute.
        await titles.nth(1).click();
        await reader.waitForURL(/\/decisions\/d1$/);
        const h1 = reader.locator('main h1');
        await expect.poll(() => h1.textContent()).toBe(TITLE[lang]);
        expect(await h1.getAttribute('lang')).toBe(lang);
        const texts = reader.locator('.dec-resolution .dec-text');
        expect(await texts.allTextContents()).toEqual([TEXTS.q1[lang], TEXTS.q2[lang]]);
        expect(await texts.evaluateAll((es) => es.map((e) => e.getAttribute('lang')))).toEqual([lang, lang]);
        expect(await reader.locator('.dec-resolution h3').first().textContent()).toContain('Factions?');
        await audit(reader, 'decision');

        // The other language, chosen with the keyboard: the title, the texts and the erratum switch, with their lang.
        const switcher = reader.getByRole('group', { name: t('decision.textLanguage') });
        const otherButton = switcher.locator(`button[lang=${other}]`);
        expect(await switcher.locator(`button[lang=${lang}]`).getAttribute('aria-pressed')).toBe('true');
        expect(await otherButton.getAttribute('aria-pressed')).toBe('false');
        // From the heading, Tab reaches the switcher's buttons (ru first, as the act lists its languages).
        await h1.focus();
        for (let i = 0; i < 10 && (await reader.evaluate(() => document.activeElement?.getAttribute('lang'))) !== other; i++) await reader.keyboard.press('Tab');
        expect(await reader.evaluate(() => document.activeElement?.getAttribute('lang'))).toBe(other);
        await reader.keyboard.press('Enter');
        await expect.poll(() => h1.textContent()).toBe(TITLE[other]);
        expect(await h1.getAttribute('lang')).toBe(other);
        expect(await otherButton.getAttribute('aria-pressed')).toBe('true');
        expect(await texts.allTextContents()).toEqual([TEXTS.q1[other], TEXTS.q2[other]]);
        expect(await texts.evaluateAll((es) => es.map((e) => e.getAttribute('lang')))).toEqual([other, other]);
        const erratumText = reader.locator('.dec-erratum .dec-text[lang]');
        expect(await erratumText.textContent()).toBe(ERRATUM.text[other]);
        expect(await erratumText.getAttribute('lang')).toBe(other);
        // …and the labels around them stay in the reader's language.
        expect(await reader.getByRole('heading', { level: 2, name: t('decision.resolutions') }).count()).toBe(1);
        await audit(reader, 'decision, other language');
        await switcher.locator(`button[lang=${lang}]`).focus();
        await reader.keyboard.press('Space');
        await expect.poll(() => h1.textContent()).toBe(TITLE[lang]);

        // The conference's votes, each of the eligible deciding delegates, the result and the rule.
        for (const [i, v] of (p.votes as Array<{ for: number; against: number; abstain: number; eligible: number }>).entries()) {
          const table = reader.locator('.dec-resolution').nth(i).locator('table.dec-vote');
          const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr.querySelector('td')?.textContent ?? '').replace(/\s+/g, ' ')));
          expect(rows.map((r) => r.slice(r.indexOf('(')))).toEqual([of(v.for, v.eligible), of(v.against, v.eligible), of(v.abstain, v.eligible), of(v.eligible - v.for - v.against - v.abstain, v.eligible)]);
          const section = reader.locator('.dec-resolution').nth(i);
          expect(await section.textContent()).toContain(t('vote.result.adopted'));
          expect(await section.textContent()).toContain(t('vote.simpleMajority'));
        }

        // The provenance: the checkpoint, how to verify it, and the figures as the API has them.
        const provenance = reader.locator('section[aria-labelledby=dec-prov-h]');
        expect(await provenance.locator('.dec-hash').first().textContent()).toBe(p.checkpoint.rootHash);
        expect(await provenance.locator('dl').first().textContent()).toContain(t(`provenance.sizeValue_${plural(p.checkpoint.size)}`, { n: nf(p.checkpoint.size) }));
        expect(await provenance.locator('pre.dec-command').textContent()).toBe(`plenum verify ${base}/log/d1 --checkpoint decision-d1.checkpoint`);
        expect(decodeURIComponent((await provenance.getByRole('link', { name: t('provenance.download') }).getAttribute('href'))!.replace(/^data:text\/plain;charset=utf-8,/, ''))).toBe(p.checkpoint.note);
        const cells = async (key: string) =>
          (await provenance.locator(`tr[data-figure="${key}"] td`).allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim()).map((s) => s.slice(s.indexOf('(')));
        const expected = (f: Figures, key: string): string => {
          if (key === 'coverage.units') return of(f.unitsReported, f.unitsTotal);
          const [q, pos, what] = key.split('.') as [string, string, string];
          const qt = f.questions[q];
          if (what === 'members') return of(qt?.adopted[pos]?.members ?? 0, f.membersTotal);
          const cast = Object.values(qt?.votes ?? {}).reduce((a, b) => a + b, 0);
          return of(qt?.votes[pos] ?? 0, cast);
        };
        const keys = ['coverage.units', ...['q1', 'q2'].flatMap((q) => ['cc', 'opp'].flatMap((pos) => [`${q}.${pos}.members`, `${q}.${pos}.votes`]))];
        for (const key of keys) expect(await cells(key), key).toEqual([expected(p.tally.reported, key), expected(p.tally.adjudicated, key)]);
        // The struck report makes the two columns differ: 3 of 8 units reported, 2 of 8 after the decision.
        expect(await cells('coverage.units')).toEqual([of(3, 8), of(2, 8)]);
        // The report versions counted and the commission's decision applied, linked to the unit's challenges.
        expect(await provenance.textContent()).toContain(t(`provenance.reports_${plural(p.reports.length)}`, { n: nf(p.reports.length) }));
        const adjudication = provenance.getByRole('link', { name: t('provenance.adjudication', { unit: 'Branch 2', version: 1 }) });
        expect(await adjudication.getAttribute('href')).toBe('/d/d1/u/b2#challenges');
        await provenance.getByText(t('provenance.showReports')).click();
        // The list renders after the click: wait for it rather than count the figures' table.
        await expect.poll(() => provenance.locator('table').last().locator('tbody tr').count()).toBe(p.reports.length);
        await audit(reader, 'decision, provenance');

        // The PDFs answer, in each language, for the decision and the erratum.
        const pdfs = await reader.locator('a[type="application/pdf"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
        expect(pdfs).toEqual([
          '/api/v1/discussions/d1/decision.pdf?lang=ru',
          '/api/v1/discussions/d1/decision.pdf?lang=en',
          `/api/v1/discussions/d1/decision.pdf?lang=ru&act=${erratumId}`,
          `/api/v1/discussions/d1/decision.pdf?lang=en&act=${erratumId}`,
        ]);
        for (const href of pdfs) {
          const r = await reader.request.get(`${base}${href}`);
          expect(r.status(), href).toBe(200);
          expect(r.headers()['content-type']).toBe('application/pdf');
          expect((await r.body()).subarray(0, 5).toString()).toBe('%PDF-');
        }
        // The erratum, below the decision, with its reason.
        const erratum = reader.locator(`section#${erratumId}`);
        expect(await erratum.locator('h3 [lang]').textContent()).toBe(ERRATUM.title[lang]);
        expect(await erratum.textContent()).toContain(ERRATUM.reason);
        await screenshot(reader, `${lang}-decision-desktop`);

        // The reconstruction: marked first, before its title; one language, so no switcher.
        await reader.goto(`${base}/decisions/d2`);
        await reader.locator('main h1', { hasText: RECONSTRUCTED }).waitFor();
        expect(await reader.locator('main h1').getAttribute('lang')).toBe('en');
        const marked = reader.locator('main [role=note].dec-reconstruction');
        expect(await marked.textContent()).toBe(`${t('reconstruction.badge')} ${t('reconstruction.note')}`);
        expect(await reader.evaluate(() => !!(document.querySelector('main [role=note]')!.compareDocumentPosition(document.querySelector('main h1')!) & Node.DOCUMENT_POSITION_FOLLOWING))).toBe(true);
        expect(await reader.getByRole('group', { name: t('decision.textLanguage') }).count()).toBe(0);
        expect(await reader.locator('main').textContent()).toContain(t('decision.onlyLanguage'));
        expect(await reader.locator('.dec-resolution .dec-text').getAttribute('lang')).toBe('en');
        await audit(reader, 'decision, reconstruction');
        await screenshot(reader, `${lang}-decision-reconstruction`);

        // 3. The dashboard links to the conference and the decision; the conference's page.
        await reader.goto(`${base}/d/d1`);
        const after = reader.getByRole('navigation', { name: t('links.label') });
        await after.getByRole('link', { name: t('links.decision') }).waitFor();
        await screenshot(reader, `${lang}-dashboard-links`);
        await after.getByRole('link', { name: t('links.conference') }).click();
        await reader.waitForURL(/\/d\/d1\/conference$/);
        await reader.getByRole('heading', { level: 1, name: 'Conference of the regions' }).waitFor();
        const conf = await api('/discussions/d1/conference');
        const seats = reader.locator('section[aria-labelledby=conf-seats-h] table.dec-seats');
        await seats.waitFor();
        const seatsOf = async (kind: string) => (await seats.locator(`tbody td[data-seats=${kind}]`).allTextContents()).map((s) => Number(s.replace(/\D/g, '')));
        const totalOf = async (kind: string) => Number((await seats.locator(`tfoot td[data-total=${kind}]`).textContent())!.replace(/\D/g, ''));
        for (const kind of ['deciding', 'consultative'] as const) {
          const rows = await seatsOf(kind);
          expect(rows).toEqual(conf.apportionment.units.map((u: Record<string, { seats: number }>) => u[kind]!.seats));
          expect(rows.reduce((a, b) => a + b, 0)).toBe(conf.apportionment[kind].seats);
          expect(await totalOf(kind)).toBe(conf.apportionment[kind].seats);
        }
        expect(conf.apportionment.deciding.seats).toBe(6);
        // Populations, and a quota as a decimal with its exact fraction on request (the keyboard presses the toggle).
        expect(await seats.locator('tbody tr').first().locator('th').textContent()).toBe('Region One');
        expect(await seats.locator('tbody tr').first().locator('td').first().textContent()).toBe(nf(78));
        const r1 = conf.apportionment.units[0].deciding;
        const decimal = r1.quotaDecimal.replace('.', lang === 'ru' ? ',' : '.');
        expect(await seats.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe(decimal);
        const toggle = reader.getByRole('button', { name: t('seats.exact') });
        await toggle.focus();
        await reader.keyboard.press('Space');
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        expect(await seats.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe(`${decimal}${t('seats.exactValue', { fraction: r1.quota })}`);
        // The rules in words, the earlier table with the reason it was replaced, delegates, motions.
        const page = (await reader.locator('main').textContent())!;
        expect(page).toContain(t('conference.method.hare'));
        expect(page).toContain(t('conference.state.closed'));
        expect(page).toContain(t('seats.reason', { reason: 'The conference enlarged to six deciding seats.' }));
        const earlier = reader.locator('section[aria-labelledby=conf-earlier-h]');
        await earlier.getByText(t('seats.show', { version: 1 })).click();
        await expect.poll(async () => Number(((await earlier.locator('tfoot td[data-total=deciding]').textContent()) ?? '').replace(/\D/g, ''))).toBe(4);
        const delegates = reader.locator('table[data-delegates=deciding] tfoot td');
        expect((await delegates.allTextContents()).map(Number)).toEqual([6, 2, 1, 0]);
        expect((await reader.locator('table[data-delegates=consultative] tfoot td').allTextContents()).map(Number)).toEqual([5, 0, 0, 1]);
        const motionItems = reader.locator('.dec-motions > li');
        expect(await motionItems.count()).toBe(3);
        expect(await motionItems.filter({ hasText: 'Strike the second sentence' }).textContent()).toContain(t('vote.result.rejected'));
        await audit(reader, 'conference');
        await screenshot(reader, `${lang}-conference-desktop`);

        // On a phone: no sideways scrolling (the wide tables scroll inside themselves).
        const phone = await newPage({ phone: true });
        await phone.goto(`${base}/d/d1/conference`);
        await phone.locator('table.dec-seats').first().waitFor();
        await audit(phone, 'conference, phone');
        await screenshot(phone, `${lang}-conference-phone`);
        await phone.goto(`${base}/decisions/d1`);
        await phone.locator('section[aria-labelledby=dec-prov-h] table').first().waitFor();
        await audit(phone, 'decision, phone');
        await screenshot(phone, `${lang}-decision-phone`);

        // 4. A member signs in with the keyboard; the notices say a decision and an erratum were published.
        const member = await newPage({ phone: true });
        await member.goto(`${base}/signin?returnTo=${encodeURIComponent('/')}`);
        await member.getByLabel(text(c, 'account.fields.email')).focus();
        await member.keyboard.type(`${MEMBER[lang]}@example.org`);
        await member.keyboard.press('Tab');
        await member.keyboard.type(PASSWORD);
        await member.keyboard.press('Enter');
        await member.waitForURL(`${base}/`);
        const notices = member.getByRole('complementary', { name: t('notices.label') });
        await notices.waitFor();
        expect(await notices.locator('li').allTextContents()).toEqual([
          `${t('notices.erratum')} ${ERRATUM.title[lang]}`,
          `${t('notices.decision')} ${TITLE[lang]}`,
          `${t('notices.decision')} ${RECONSTRUCTED} (${t('reconstruction.badge')})`,
        ]);
        await audit(member, 'notices');
        await screenshot(member, `${lang}-notices-phone`);
        // Tab to the decision's notice and open it.
        await member.locator('main h1').focus();
        await member.keyboard.press('Shift+Tab');
        for (let i = 0; i < 15 && (await member.evaluate(() => document.activeElement?.textContent ?? '')) !== TITLE[lang]; i++) await member.keyboard.press('Shift+Tab');
        expect(await member.evaluate(() => document.activeElement?.tagName)).toBe('A');
        await member.keyboard.press('Enter');
        await member.waitForURL(/\/decisions\/d1$/);
        await member.locator('main h1', { hasText: TITLE[lang] }).waitFor();
        // Opening the decision marks its notices read (the decision and its erratum): only the other one is left.
        await expect.poll(() => notices.locator('li').count()).toBe(1);
        expect(await notices.locator('li').textContent()).toContain(RECONSTRUCTED);
        const mine = await member.evaluate(async () => (await (await fetch('/api/v1/session/notices')).json()) as { items: Array<{ decisionId: string; discussionId: string; readAt: string | null }> });
        expect(mine.items.filter((n) => n.discussionId === 'd1').map((n) => n.decisionId).sort()).toEqual([decisionId, erratumId].sort());
        expect(mine.items.map((n) => [n.discussionId, n.readAt !== null])).toEqual([['d2', false], ['d1', true], ['d1', true]]);
        await audit(member, 'decision, member');

        expect(violations).toEqual([]);
        expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
      } catch (e) {
        let i = 0;
        for (const ctx of contexts) for (const pg of ctx.pages()) await screenshot(pg, `failure-decisions-${lang}-${++i}`).catch(() => undefined);
        throw e;
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
      }
    }, 240_000);
  }
});
