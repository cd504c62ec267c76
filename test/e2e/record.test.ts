/**
 * The verifiable record in a real browser (Debian's Chromium), in English and Russian, on a fresh server each:
 * a secretary makes a signing key in her browser (WebCrypto Ed25519, kept in IndexedDB) and sends it for approval; the
 * office approves it from its own browser; she sends her report with the keyboard, signed in her browser; the log entry
 * of that report says `enteredBy: "unit"` with her key id and its signature verifies (src/log/signing.ts); the receipt
 * she downloads verifies offline (src/log/proof.ts). A reader's dashboard keeps the checkpoint it saw and checks the
 * next one against it: a consistent log gets a calm line; a checkpoint validly signed by the log's own key over another
 * root (the key's seed taken from `server_keys`), one claiming entries the log cannot prove, and one whose signature does
 * not verify each raise the alarm. axe-core runs on every new page.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.ts';
import { parseCheckpoint, signCheckpoint } from '../../src/log/checkpoint.ts';
import { parseEntry, type ReportEntry } from '../../src/log/entries.ts';
import { signerFromSeed } from '../../src/log/note.ts';
import { verifyProof } from '../../src/log/proof.ts';
import { ed25519PublicKey, verifyReportSignature } from '../../src/log/signing.ts';
import { decodeBundle, entryBundlePath } from '../../src/log/tiles.ts';
import { catalogs, lead, tabUntil, text } from '../support/catalogs.ts';
import { browserAvailable, launchBrowser, screenshot, seriousViolations, startServer, watchErrors, type TestServer } from '../support/browser.ts';
import { smallOrganization } from '../support/factories.ts';

const OFFICE_PASSWORD = 'office password long enough';
const ANNA_PASSWORD = 'anna chose a long password';



/** Fetches a text from the server as any reader would. */
async function get(base: string, path: string): Promise<string> {
  const r = await fetch(`${base}${path}`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.text();
}
/** Every entry of the discussion's log up to the latest checkpoint, read from the published bundles. */
async function logEntries(base: string, discussionId: string): Promise<Uint8Array[]> {
  const { size } = parseCheckpoint((await get(base, `/log/${discussionId}/checkpoint`)).split('\n\n')[0]! + '\n');
  const out: Uint8Array[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const r = await fetch(`${base}/log/${discussionId}/${entryBundlePath(n, Math.min(256, size - n * 256))}`);
    out.push(...decodeBundle(new Uint8Array(await r.arrayBuffer())));
  }
  return out;
}

describe.runIf(browserAvailable)('the verifiable record in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: enrol a key, approve it, send a signed report, check the receipt, and catch a rewritten log`, async () => {
      const c = catalogs(lang);
      const server: TestServer = await startServer();
      const contexts: BrowserContext[] = [];
      const violations: string[] = [];
      const errors: string[] = [];
      const newPage = async (opts: { phone?: boolean; noEd25519?: boolean } = {}): Promise<Page> => {
        const ctx = await browser.newContext({
          locale: lang === 'ru' ? 'ru-RU' : 'en-US',
          timezoneId: 'UTC',
          viewport: opts.phone ? { width: 375, height: 812 } : { width: 1280, height: 800 },
          acceptDownloads: true,
        });
        contexts.push(ctx);
        await ctx.addInitScript((l) => localStorage.setItem('plenum.language', l), lang);
        if (opts.noEd25519) {
          // A browser without WebCrypto Ed25519 (older Safari and Firefox, or a policy that turns it off).
          await ctx.addInitScript(() => {
            const generate = crypto.subtle.generateKey.bind(crypto.subtle) as (...a: unknown[]) => Promise<unknown>;
            (crypto.subtle as unknown as { generateKey: unknown }).generateKey = (alg: AlgorithmIdentifier, ...rest: unknown[]) =>
              (typeof alg === 'string' ? alg : alg.name) === 'Ed25519' ? Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError')) : generate(alg, ...rest);
          });
        }
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
      const signInByApi = (page: Page, email: string, password: string) =>
        page.evaluate(
          async ([e, p]) => (await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) })).status,
          [email, password] as const,
        );

      try {
        const base = server.base;
        const now = new Date().toISOString();
        await smallOrganization(server.store.db, { discussion: { reportingClosesAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
        await createAccount(server.store.db, { email: 'office@example.org', password: OFFICE_PASSWORD, role: 'office' }, now);
        await createAccount(server.store.db, { email: 'anna@example.org', password: ANNA_PASSWORD, role: 'secretary', unitId: 'b1' }, now);

        // 1. A reader visits the dashboard: the record is checked after the figures, and its checkpoint kept.
        const reader = await newPage();
        await reader.goto(`${base}/d/d1`);
        const recordLine = reader.locator('.record-line');
        await recordLine.waitFor({ timeout: 15_000 });
        expect(await recordLine.textContent()).toContain(lead(c, 'record.check.first_other').split(':')[0]);
        const seenFirst = JSON.parse((await reader.evaluate(() => localStorage.getItem('plenum.record.v1.d1')))!) as { size: number };
        expect(seenFirst.size).toBeGreaterThan(0);
        await audit(reader, 'dashboard, record checked');

        // 2. Anna signs in on her phone, with the keyboard, and makes her key from her account page.
        const anna = await newPage({ phone: true });
        await anna.goto(`${base}/signin?returnTo=/account`);
        await anna.getByLabel(text(c, 'account.fields.email')).focus();
        await anna.keyboard.type('anna@example.org');
        await anna.keyboard.press('Tab');
        await anna.keyboard.type(ANNA_PASSWORD);
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/\/account$/);
        await anna.getByRole('link', { name: text(c, 'account.account.signingKey', { unit: 'b1' }) }).click();
        await anna.waitForURL(/\/account\/keys\/b1$/);
        await anna.getByRole('heading', { level: 1, name: text(c, 'record.keys.title', { unit: 'Branch 1' }) }).waitFor();
        await audit(anna, 'signing key, none yet');
        await anna.getByLabel(text(c, 'record.keys.label')).fill(lang === 'ru' ? 'Телефон секретаря' : 'Phone of the secretary');
        await anna.getByRole('button', { name: text(c, 'record.keys.submit.create') }).click();
        await anna.getByText(text(c, 'record.keys.state.pending')).waitFor();
        const keyId = (await anna.locator('.record-key code').first().textContent())!;
        expect(keyId).toMatch(/^ed25519-[0-9a-f]{16}$/);
        await audit(anna, 'signing key, pending');
        // The private key stays in her browser, and cannot be exported from it.
        const kept = await anna.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const r = indexedDB.open('plenum-signing-keys');
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
          const all = await new Promise<Array<{ keyId: string; pair: CryptoKeyPair }>>((resolve) => {
            const r = db.transaction('keys').objectStore('keys').getAll();
            r.onsuccess = () => resolve(r.result as Array<{ keyId: string; pair: CryptoKeyPair }>);
          });
          return all.map((k) => ({ keyId: k.keyId, extractable: k.pair.privateKey.extractable, type: k.pair.privateKey.algorithm.name }));
        });
        expect(kept).toEqual([{ keyId, extractable: false, type: 'Ed25519' }]);

        // 3. The office approves it from its own browser.
        const office = await newPage();
        await office.goto(`${base}/`);
        expect(await signInByApi(office, 'office@example.org', OFFICE_PASSWORD)).toBe(200);
        await office.goto(`${base}/office`);
        await office.getByText(text(c, 'office.home.keysPending_one', { count: 1 })).waitFor();
        await office.getByRole('link', { name: text(c, 'office.home.keys') }).click();
        await office.waitForURL(/\/office\/keys$/);
        const card = office.locator('.office-cards > li', { hasText: keyId });
        // Its unit is named by its path in the tree (read from the open discussion's frozen tree).
        await card.filter({ hasText: 'Central Committee › Region One › District 1-1 › Branch 1' }).waitFor();
        await audit(office, 'office keys, pending');
        await card.getByRole('button', { name: new RegExp(`^${text(c, 'office.keys.approve')}`) }).click();
        await audit(office, 'office keys, approving');
        await screenshot(office, `${lang}-office-keys`);
        await card.getByRole('button', { name: text(c, 'office.keys.approveSubmit') }).click();
        await office.getByText(text(c, 'office.keys.done.approve', { keyId, unit: 'Central Committee › Region One › District 1-1 › Branch 1' })).waitFor();
        await office.locator('[aria-labelledby=keys-active] li', { hasText: keyId }).waitFor();
        await audit(office, 'office keys, approved');

        // 4. Her page says the key is approved; her report form says it will be signed with it.
        await anna.reload();
        await anna.getByText(text(c, 'record.keys.state.activeHere', { unit: 'Branch 1' })).waitFor();
        await audit(anna, 'signing key, active');
        await screenshot(anna, `${lang}-signing-key-phone`);
        await anna.goto(`${base}/d/d1/report`);
        await anna.locator('form.report-form').waitFor();
        await anna.getByText(text(c, 'record.form.signed', { keyId })).waitFor();
        await audit(anna, 'report form, signed');
        await anna.getByLabel(text(c, 'report.form.meetingDate')).focus();
        await anna.keyboard.type('11202026');
        await tabUntil(anna, text(c, 'report.form.present'));
        await anna.keyboard.type('23');
        for (const value of ['20', '2', '1', '18', '4', '1']) {
          await anna.keyboard.press('Tab');
          await anna.keyboard.type(value);
        }
        await tabUntil(anna, text(c, 'report.form.resolution'));
        await anna.keyboard.type(lang === 'ru' ? 'Одобрить линию ЦК.' : 'Approve the line of the Central Committee.');
        await expect.poll(async () => anna.locator('.field-error').count()).toBe(0);
        for (let i = 0; i < 12; i++) {
          await anna.keyboard.press('Tab');
          if (await anna.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type === 'submit')) break;
        }
        await anna.keyboard.press('Enter');
        await anna.waitForURL(/\/receipt\/1$/);

        // 5. The receipt page checks the entry in her browser and names her key.
        const recordSection = anna.locator('section[aria-labelledby=receipt-record]');
        await recordSection.locator('.ok').waitFor({ timeout: 15_000 });
        expect(await recordSection.textContent()).toContain(keyId);
        expect(await recordSection.textContent()).toContain(text(c, 'record.receipt.ownKeyHere'));
        await audit(anna, 'receipt');
        await screenshot(anna, `${lang}-receipt-signed-phone`);

        // 6. The log entry of her report: entered by the unit, under her key, and its signature verifies.
        const entries = await logEntries(base, 'd1');
        const reportEntries = entries.map((e) => parseEntry(e)).filter((e): e is ReportEntry => e.type === 'report');
        expect(reportEntries).toHaveLength(1);
        const entry = reportEntries[0]!;
        expect(entry).toMatchObject({ unitId: 'b1', version: 1, enteredBy: 'unit', keyId, present: 23 });
        const enrolled = entries.map((e) => parseEntry(e)).find((e) => e.type === 'key' && e.keyId === keyId);
        expect(enrolled).toMatchObject({ type: 'key', action: 'enrol', unitId: 'b1' });
        const publicKey = new Uint8Array(Buffer.from((enrolled as { publicKey: string }).publicKey, 'base64'));
        expect(verifyReportSignature(entry, ed25519PublicKey(publicKey))).toBe(true);
        expect(verifyReportSignature({ ...entry, present: 24 }, ed25519PublicKey(publicKey))).toBe(false);

        // 7. The receipt downloads, and verifies offline against the log's key.
        const [download] = await Promise.all([anna.waitForEvent('download'), anna.getByRole('link', { name: text(c, 'record.receipt.download') }).click()]);
        const receipt = readFileSync((await download.path())!, 'utf8');
        const vkey = (await get(base, '/log/d1/vkey')).trim();
        const entryIndex = entries.findIndex((e) => parseEntry(e).type === 'report');
        const proved = verifyProof(receipt, entries[entryIndex]!, vkey);
        expect(proved.index).toBe(entryIndex);
        expect(await recordSection.locator('.ok').textContent()).toContain(text(c, 'record.receipt.verified', { index: entryIndex }));

        // 8. She replaces her key (a rotation): the new one waits, the old one signs until it is approved.
        await anna.goto(`${base}/account/keys/b1`);
        await anna.getByRole('button', { name: text(c, 'record.keys.submit.rotate') }).click();
        await anna.getByText(text(c, 'record.keys.state.pendingRotation', { old: keyId })).waitFor();
        await anna.getByText(text(c, 'record.keys.state.activeHere', { unit: 'Branch 1' })).waitFor();
        await audit(anna, 'signing key, rotation pending');
        await office.reload();
        const rotation = office.locator('[aria-labelledby=keys-pending] li', { hasText: keyId });
        await rotation.waitFor();
        const newKeyId = (await rotation.locator('dd.office-mono').first().textContent())!;
        expect(newKeyId).not.toBe(keyId);
        await rotation.getByRole('button', { name: new RegExp(`^${text(c, 'office.keys.approve')}`) }).click();
        await rotation.getByRole('button', { name: text(c, 'office.keys.approveSubmit') }).click();
        await office.locator('[aria-labelledby=keys-active] li', { hasText: newKeyId }).waitFor();
        // The replaced key signs no more: the approved keys are the new one alone (which names the key it replaced).
        await expect.poll(() => office.locator('[aria-labelledby=keys-active] li').evaluateAll((lis) => lis.map((li) => li.querySelector('dd.office-mono')?.textContent))).toEqual([newKeyId]);
        await anna.reload();
        await anna.getByText(text(c, 'record.keys.state.activeHere', { unit: 'Branch 1' })).waitFor();
        expect(await anna.locator('.record-key code').first().textContent()).toBe(newKeyId);

        // 9. She revokes it: a reason is required; then her reports rest on the office key.
        await anna.getByRole('button', { name: new RegExp(`^${text(c, 'record.keys.revoke')}`) }).click();
        await anna.getByRole('button', { name: text(c, 'record.keys.revokeSubmit') }).click();
        await anna.getByText(text(c, 'record.keys.needReason')).waitFor();
        expect(await anna.getByLabel(text(c, 'record.keys.revokeReason')).getAttribute('aria-invalid')).toBe('true');
        await audit(anna, 'signing key, revoke without a reason');
        await anna.getByLabel(text(c, 'record.keys.revokeReason')).fill(lang === 'ru' ? 'Телефон утерян' : 'Phone lost');
        await anna.getByRole('button', { name: text(c, 'record.keys.revokeSubmit') }).click();
        await anna.getByText(text(c, 'record.keys.done.revoked', { keyId: newKeyId })).waitFor();
        await anna.getByText(text(c, 'record.keys.noneHere')).waitFor();
        await anna.goto(`${base}/d/d1/report`);
        await anna.getByText(text(c, 'record.form.officeKey')).waitFor();

        // 10. A browser without Ed25519 says so plainly, and reporting goes on (on the office key).
        const old = await newPage({ phone: true, noEd25519: true });
        await old.goto(`${base}/`);
        expect(await signInByApi(old, 'anna@example.org', ANNA_PASSWORD)).toBe(200);
        await old.goto(`${base}/account/keys/b1`);
        await old.getByText(text(c, 'record.keys.unsupported.title')).waitFor();
        expect(await old.getByRole('button', { name: text(c, 'record.keys.submit.create') }).count()).toBe(0);
        await audit(old, 'signing key, unsupported browser');
        await old.goto(`${base}/d/d1/report`);
        await old.getByText(text(c, 'record.form.officeKey')).waitFor();

        // 11. The reader comes back: the log grew, and is consistent with what she saw.
        await reader.goto(`${base}/d/d1`);
        await reader.locator('.record-line').waitFor({ timeout: 15_000 });
        expect(await reader.locator('.record-line').textContent()).toContain(lead(c, 'record.check.consistent_other').split(':')[0]);
        const seen = JSON.parse((await reader.evaluate(() => localStorage.getItem('plenum.record.v1.d1')))!) as { size: number; root: string };
        expect(seen.size).toBeGreaterThan(seenFirst.size);

        // 12. A checkpoint signed with the log's own key over another root of the same size: the log was rewritten.
        const { seed } = await server.store.db.selectFrom('server_keys').select('seed').where('name', '=', 'log').executeTakeFirstOrThrow();
        const realNote = await get(base, '/log/d1/checkpoint');
        const real = parseCheckpoint(realNote.slice(0, realNote.indexOf('\n\n') + 1));
        const logKey = signerFromSeed(real.origin, new Uint8Array(Buffer.from(seed, 'base64')));
        const forge = async (note: string) => {
          await reader.unrouteAll();
          await reader.route('**/log/d1/checkpoint', (route) => route.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', body: note }));
          await reader.goto(`${base}/d/d1`);
        };
        const alarm = reader.locator('.record-alarm[role=alert]');
        await forge(signCheckpoint({ origin: real.origin, size: seen.size, root: randomBytes(32) }, logKey));
        await alarm.waitFor({ timeout: 15_000 });
        expect(await alarm.locator('h2').textContent()).toContain(text(c, 'record.alarm.rewrittenTitle'));
        // What was expected (the root seen on the last visit) and what was served, side by side.
        expect(await alarm.textContent()).toContain(Buffer.from(seen.root, 'base64').toString('hex'));
        // The figures were shown all the same, and the forgery did not replace what this browser remembers.
        await reader.locator('#coverage-h').waitFor();
        expect(JSON.parse((await reader.evaluate(() => localStorage.getItem('plenum.record.v1.d1')))!)).toMatchObject({ size: seen.size, root: seen.root });
        await audit(reader, 'dashboard, rewritten alarm');
        await screenshot(reader, `${lang}-record-alarm`);

        // 13. A larger tree the log cannot prove extends the one seen: the same alarm.
        await forge(signCheckpoint({ origin: real.origin, size: seen.size + 5, root: randomBytes(32) }, logKey));
        await alarm.waitFor({ timeout: 15_000 });
        expect(await alarm.locator('h2').textContent()).toContain(text(c, 'record.alarm.rewrittenTitle'));

        // 14. The real checkpoint with one bit of its signature flipped: the signature alarm.
        const sigLine = realNote.split('\n').find((l) => l.startsWith(`— ${real.origin} `))!;
        const blob = Buffer.from(sigLine.split(' ').pop()!, 'base64');
        blob[20]! ^= 1;
        await forge(realNote.replace(sigLine, `— ${real.origin} ${blob.toString('base64')}`));
        await alarm.waitFor({ timeout: 15_000 });
        expect(await alarm.locator('h2').textContent()).toContain(text(c, 'record.alarm.signatureTitle'));
        await audit(reader, 'dashboard, signature alarm');

        // 15. Served honestly again, the log is consistent with the last checkpoint truly seen.
        await reader.unrouteAll();
        await reader.goto(`${base}/d/d1`);
        await reader.locator('.record-line').waitFor({ timeout: 15_000 });
        expect(await reader.locator('.record-alarm').count()).toBe(0);

        expect(violations).toEqual([]);
        expect(errors.filter((e) => !/status of 40[134]/.test(e))).toEqual([]);
      } catch (e) {
        let i = 0;
        for (const ctx of contexts) for (const p of ctx.pages()) await screenshot(p, `failure-record-${lang}-${++i}`).catch(() => undefined);
        throw e;
      } finally {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
        await server.close();
      }
    }, 240_000);
  }
});
