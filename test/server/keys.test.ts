/**
 * Secretaries' signing keys over HTTP, on both engines: enrolment refuses bad keys and other units; only an officer
 * above approves; a report signed with an approved key is logged as the unit's own (its key id, `enteredBy: unit`);
 * a bad or unapproved signature is refused and stores nothing; revocation and rotation are logged, and a discussion
 * opened later starts with the keys active then.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEntry, sha256Hex, type Entry, type ReportEntry } from '../../src/log/entries.ts';
import { reportStatementBytes } from '../../src/log/statement.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { createToken } from '../../src/services/tokens.ts';
import { readLogEntries } from '../../src/storage/log.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, report, smallOrganization } from '../support/factories.ts';

function newKey(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { publicKey: raw.toString('base64'), privateKey };
}

describe.each(ENGINES)('signing keys on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  const tokens: Record<string, string> = {};
  const now = '2024-01-05T10:00:00.000Z';

  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db);
    app = await buildApp({ store, now: () => now, live: false });
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['committee-d11', 'committee', 'd11'],
      ['committee-d12', 'committee', 'd12'],
      ['secretary-b1', 'secretary', 'b1'],
      ['secretary-b2', 'secretary', 'b2'],
      ['committee-b1', 'committee', 'b1'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, now)).token;
    }
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const entries = async (d = 'd1'): Promise<Entry[]> => (await readLogEntries(store.db, d, 0, 10_000)).map((r) => parseEntry(new TextEncoder().encode(r.entry)));

  function signed(body: ReturnType<typeof report>, keyId: string, privateKey: KeyObject, over: Partial<{ version: number }> = {}) {
    const statement = {
      type: 'report' as const,
      v: 1 as const,
      discussionId: 'd1',
      unitId: body.unitId,
      version: over.version ?? (body.supersedes ? body.supersedes + 1 : 1),
      supersedes: body.supersedes ?? null,
      meetingDate: body.meetingDate,
      present: body.present,
      votes: body.votes,
      resolutionSha256: sha256Hex(body.resolution),
      keyId,
      enteredBy: 'unit' as const,
    };
    return { ...body, signature: { keyId, value: sign(null, reportStatementBytes(statement), privateKey).toString('base64') } };
  }

  it('refuses malformed, small-order and foreign enrolments, naming the field', async () => {
    const small = Buffer.alloc(32);
    small[0] = 1; // the identity point
    for (const publicKey of ['AAAA', small.toString('base64'), `${newKey().publicKey.slice(0, -1)}`]) {
      const r = await call('secretary-b1', 'POST', '/keys', { unitId: 'b1', publicKey });
      expect(r.statusCode, publicKey).toBe(400);
      expect(r.json().error.field).toBe('publicKey');
    }
    expect((await call('secretary-b1', 'POST', '/keys', { unitId: 'b2', publicKey: newKey().publicKey })).statusCode).toBe(403);
    expect((await call('office', 'POST', '/keys', { unitId: 'b1', publicKey: newKey().publicKey })).statusCode).toBe(403);
    expect((await call('secretary-b1', 'GET', '/keys')).json().items).toEqual([]);
  });

  it('enrol → approve by an officer above → signed reports logged as the unit\'s; bad signatures refused; revoke; rotate', async () => {
    const k1 = newKey();
    let r = await call('secretary-b1', 'POST', '/keys', { unitId: 'b1', publicKey: k1.publicKey, label: 'phone' });
    expect(r.statusCode, r.body).toBe(201);
    const key = r.json();
    expect(key).toMatchObject({ unitId: 'b1', state: 'pending', label: 'phone', keyId: expect.stringMatching(/^ed25519-[0-9a-f]{16}$/) });
    expect((await call('secretary-b1', 'POST', '/keys', { unitId: 'b1', publicKey: k1.publicKey })).statusCode).toBe(409);

    // A pending key signs nothing.
    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', signed(report(), key.keyId, k1.privateKey));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.field).toBe('signature');

    // Who may approve: an officer of a unit above b1 (d11's committee, the office); not b1's own committee, not d12's, not the secretary.
    for (const who of ['secretary-b1', 'committee-b1', 'committee-d12']) expect((await call(who, 'POST', `/keys/${key.keyId}/approve`, {})).statusCode, who).toBe(403);
    expect((await call('committee-d12', 'GET', '/keys?state=pending')).json().items).toEqual([]);
    expect((await call('committee-d11', 'GET', '/keys?state=pending')).json().items.map((k: { keyId: string }) => k.keyId)).toEqual([key.keyId]);
    r = await call('committee-d11', 'POST', `/keys/${key.keyId}/approve`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().state).toBe('active');
    expect((await entries()).at(-1)).toMatchObject({ type: 'key', action: 'enrol', keyId: key.keyId, unitId: 'b1', publicKey: k1.publicKey });

    // A tampered signature, a signature over other counts, another unit's report: refused, nothing stored.
    const before = (await entries()).length;
    const good = signed(report(), key.keyId, k1.privateKey);
    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', { ...good, present: 24, votes: { q1: { positions: { cc: 21, opp: 2 }, abstain: 1 } } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ field: 'signature', message: expect.stringContaining('does not verify') });
    r = await call('office', 'POST', '/discussions/d1/reports', signed(report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 6 }, abstain: 0 } } }), key.keyId, k1.privateKey));
    expect(r.statusCode).toBe(400);
    expect((await entries()).length).toBe(before);

    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', good);
    expect(r.statusCode, r.body).toBe(201);
    const logged = (await entries())[r.json().logIndex] as ReportEntry;
    expect(logged).toMatchObject({ type: 'report', unitId: 'b1', version: 1, keyId: key.keyId, enteredBy: 'unit', signature: good.signature.value });

    // Rotation: a new key replacing the first; once approved the first is replaced and signs nothing more.
    const k2 = newKey();
    const rotated = (await call('secretary-b1', 'POST', '/keys', { unitId: 'b1', publicKey: k2.publicKey, replaces: key.keyId })).json();
    expect((await call('office', 'POST', `/keys/${rotated.keyId}/approve`, { reason: 'new phone' })).json().state).toBe('active');
    expect((await entries()).at(-1)).toMatchObject({ type: 'key', action: 'rotate', keyId: rotated.keyId, replaces: key.keyId });
    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', signed(report({ supersedes: 1, present: 24 }), key.keyId, k1.privateKey));
    expect(r.statusCode).toBe(400);
    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', signed(report({ supersedes: 1, present: 24 }), rotated.keyId, k2.privateKey));
    expect(r.statusCode, r.body).toBe(201);

    // Revocation by the secretary herself (a lost phone) needs a reason; then the key signs nothing.
    expect((await call('secretary-b1', 'POST', `/keys/${rotated.keyId}/revoke`, {})).statusCode).toBe(400);
    r = await call('secretary-b1', 'POST', `/keys/${rotated.keyId}/revoke`, { reason: 'phone lost' });
    expect(r.json()).toMatchObject({ state: 'revoked', reason: 'phone lost' });
    expect((await entries()).at(-1)).toMatchObject({ type: 'key', action: 'revoke', keyId: rotated.keyId });
    r = await call('secretary-b1', 'POST', '/discussions/d1/reports', signed(report({ supersedes: 2, present: 25 }), rotated.keyId, k2.privateKey));
    expect(r.statusCode).toBe(400);
  });

  it('a discussion opened later starts with the unit keys active then', async () => {
    const k = newKey();
    const key = (await call('secretary-b2', 'POST', '/keys', { unitId: 'b2', publicKey: k.publicKey })).json();
    await call('office', 'POST', `/keys/${key.keyId}/approve`, {});
    await createDiscussion(store.db, discussionDef({ id: 'd2' }), now);
    await openDiscussion(store.db, 'd2', now);
    const keys = (await entries('d2')).filter((e) => e.type === 'key');
    expect(keys.map((e) => (e as { keyId: string }).keyId)).toContain(key.keyId);
  });
});
