/**
 * A secretary who reports by script: `plenum key generate` makes her key file, she enrols it over the API with her
 * token, the office approves it at the console (`plenum key approve`), `plenum key sign` signs her report, and the
 * server logs it as her unit's own. Real processes, a real SQLite file.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plenumOn } from '../support/cli.ts';
import { parseEntry } from '../../src/log/entries.ts';
import { buildApp } from '../../src/server/app.ts';
import { createToken } from '../../src/services/tokens.ts';
import { readLogEntries } from '../../src/storage/log.repository.ts';
import { migrateToLatest, openStore } from '../../src/storage/db.ts';
import { report, smallOrganization } from '../support/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-keys-'));
const db = join(dir, 'office.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plenum = plenumOn(db);

describe('plenum key', () => {
  it('key file → enrol → approve at the console → signed report logged as the unit\'s own', async () => {
    const store = openStore({ file: db });
    await migrateToLatest(store);
    await smallOrganization(store.db, { discussion: { reportingClosesAt: '2099-01-01T00:00:00.000Z' } });
    const secretary = (await createToken(store.db, { name: 'sec', role: 'secretary', unitId: 'b1' }, new Date().toISOString())).token;
    const app = await buildApp({ store, live: false });
    try {
      const keyFile = join(dir, 'b1.pem');
      const gen = plenum('key', 'generate', '--out', keyFile);
      expect(gen.code, gen.stderr).toBe(0);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(plenum('key', 'generate', '--out', keyFile).code).toBe(1); // never overwritten
      const publicKey = gen.stdout.trim().split('\n').at(-1)!;

      const enrolled = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { authorization: `Bearer ${secretary}` }, payload: { unitId: 'b1', publicKey, label: 'script' } });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
      const keyId = enrolled.json().keyId;
      expect(plenum('key', 'list', '--state', 'pending').stdout).toContain(keyId);
      expect(plenum('key', 'refuse', keyId).code).toBe(1); // a reason is required
      const approved = plenum('key', 'approve', keyId);
      expect(approved, approved.stderr).toMatchObject({ code: 0, stdout: `${keyId}: active\n` });

      const reportFile = join(dir, 'r.json');
      writeFileSync(reportFile, JSON.stringify(report()));
      const signed = plenum('key', 'sign', reportFile, '--key', keyFile, '--discussion', 'd1');
      expect(signed.code, signed.stderr).toBe(0);
      const body = JSON.parse(signed.stdout);
      expect(body.signature.keyId).toBe(keyId);
      const r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { authorization: `Bearer ${secretary}` }, payload: body });
      expect(r.statusCode, r.body).toBe(201);
      const [row] = await readLogEntries(store.db, 'd1', r.json().logIndex, r.json().logIndex + 1);
      expect(parseEntry(new TextEncoder().encode(row!.entry))).toMatchObject({ type: 'report', unitId: 'b1', keyId, enteredBy: 'unit', signature: body.signature.value });
      const tally = (await app.inject({ method: 'GET', url: '/api/v1/discussions/d1/tally' })).json();
      expect(tally).toMatchObject({ unitsReported: 1, unitsOfficeSigned: 0 });

      // Her receipt, checked offline with the log's key (and her public key for the signature).
      const receipt = await app.inject({ method: 'GET', url: `/api/v1/discussions/d1/units/b1/reports/1/receipt` });
      expect(receipt.statusCode, receipt.body).toBe(200);
      const vkey = (await app.inject({ method: 'GET', url: '/log/d1/vkey' })).body.trim();
      const receiptFile = join(dir, 'b1-v1.tlog-proof');
      writeFileSync(receiptFile, receipt.body);
      const checked = plenum('receipt', receiptFile, '--vkey', vkey, '--public-key', publicKey);
      expect(checked.code, checked.stderr + checked.stdout).toBe(0);
      expect(checked.stdout).toContain(`entry ${r.json().logIndex} of plenum.localhost/d1 is in the log`);
      expect(checked.stdout).toContain(`report of unit b1, version 1`);
      expect(checked.stdout).toContain(`the report's signature verifies with key ${keyId}`);
      // Another key, a changed proof, a changed entry, a bad key: each named, non-zero.
      const other = plenum('key', 'generate', '--out', join(dir, 'other.pem')).stdout.trim().split('\n').at(-1)!;
      expect(plenum('receipt', receiptFile, '--vkey', vkey, '--public-key', other)).toMatchObject({ code: 1, stdout: expect.stringContaining('FAILED: the key given is') });
      const lines = receipt.body.split('\n');
      const hashAt = lines.findIndex((l) => l.startsWith('index ')) + 1;
      const flipped = [...lines];
      flipped[hashAt] = Buffer.alloc(32, 7).toString('base64');
      writeFileSync(receiptFile, flipped.join('\n'));
      expect(plenum('receipt', receiptFile, '--vkey', vkey)).toMatchObject({ code: 1, stdout: expect.stringContaining('FAILED:') });
      const entryChanged = [...lines];
      const extraAt = lines.findIndex((l) => l.startsWith('extra '));
      const entryJson = Buffer.from(lines[extraAt]!.slice(6), 'base64').toString('utf8').replace('"present":', '"present":1');
      entryChanged[extraAt] = `extra ${Buffer.from(entryJson).toString('base64')}`;
      writeFileSync(receiptFile, entryChanged.join('\n'));
      expect(plenum('receipt', receiptFile, '--vkey', vkey)).toMatchObject({ code: 1, stdout: expect.stringContaining('FAILED:') });
      expect(plenum('receipt', receiptFile, '--vkey', 'not-a-key').code).toBe(2);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
