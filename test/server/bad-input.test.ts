/**
 * Bad input on the account, role, link and listing endpoints: wrong types, huge strings, unicode oddities, SQL and HTML
 * payloads. Always a clear 4xx with `{error:{code,message,field}}`, never a 5xx, and nothing stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { createToken } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { smallOrganization, T0, T1 } from '../support/factories.ts';

const NASTY = [
  "' or 1=1 --",
  "'); drop table accounts; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '\u0000',
  '\u202e\u2066evil',
  'e\u0301', // a combining accent
  '😀'.repeat(300),
  'x'.repeat(100_000),
  '../../etc/passwd',
  '%00',
  'toString',
  '__proto__',
];
const nasty = fc.oneof(fc.constantFrom(...NASTY), fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything());

describe.each(ENGINES)('bad input on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let office: string;
  let anna: string;
  let secretary: string;
  let observer: string;
  let commission: string;

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => T1, live: false, mailer: { send: async () => undefined } });
    await smallOrganization(store.db);
    office = (await createToken(store.db, { name: 'office', role: 'office' }, T0)).token;
    secretary = (await createToken(store.db, { name: 'sec', role: 'secretary', unitId: 'b1' }, T0)).token;
    observer = (await createToken(store.db, { name: 'monitor', role: 'observer' }, T0)).token;
    commission = (await createToken(store.db, { name: 'commission', role: 'commission' }, T0)).token;
    anna = (await createAccount(store.db, { email: 'anna@example.org', password: 'a long enough password', role: 'member', unitId: 'b1' }, T0)).id;
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const counts = async () =>
    Promise.all(['accounts', 'account_roles', 'sessions', 'one_time_links', 'audit_events', 'reports', 'log_entries', 'unit_keys', 'challenges', 'adjudications', 'conferences', 'decisions'].map(async (t) => Number((await store.db.selectFrom(t as 'accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));

  type Who = boolean | 'secretary' | 'observer' | 'commission';
  /** `x` as a path or query segment; a generated object whose toString is not a function (`{ toString: {} }`) as JSON. */
  const seg = (x: unknown): string => {
    let v: string;
    try {
      v = String(x);
    } catch {
      v = JSON.stringify(x) ?? '';
    }
    return encodeURIComponent(v);
  };
  const ENDPOINTS: Array<{ method: 'GET' | 'POST' | 'PUT'; url: (x: unknown) => string; body?: (x: unknown) => unknown; auth: Who }> = [
    { method: 'POST', url: () => '/api/v1/session', body: (x) => ({ email: x, password: x }), auth: false },
    { method: 'POST', url: () => '/api/v1/session', body: (x) => x, auth: false },
    { method: 'POST', url: () => '/api/v1/invitations/accept', body: (x) => ({ token: x, password: 'a long enough password' }), auth: false },
    { method: 'POST', url: () => '/api/v1/password-reset/complete', body: (x) => ({ token: x, password: x }), auth: false },
    { method: 'POST', url: () => '/api/v1/invitations', body: (x) => ({ memberIds: [x, {}] }), auth: true }, // never valid: a valid call would invite everyone
    { method: 'POST', url: () => `/api/v1/accounts/${anna}/roles`, body: (x) => ({ role: x, unitId: x, reason: x }), auth: true },
    { method: 'POST', url: () => `/api/v1/accounts/${anna}/roles`, body: (x) => ({ role: 'secretary', unitId: x, reason: 'r' }), auth: true },
    { method: 'POST', url: (x) => `/api/v1/accounts/${seg(x)}/roles/revoke`, body: () => ({ role: 'member', unitId: 'b1', reason: 'r' }), auth: true },
    { method: 'GET', url: (x) => `/api/v1/accounts/${seg(x)}/roles`, auth: true },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/not-reported?under=${seg(x)}`, auth: true },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/not-reported?cursor=${seg(x)}&limit=${seg(x)}`, auth: true },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/units?q=${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/units?parent=${seg(x)}&cursor=${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/${seg(x)}/units/b1/reports`, auth: false },
    // The verifiable record: keys, signed reports, tiles, proofs.
    { method: 'POST', url: () => '/api/v1/keys', body: (x) => ({ unitId: 'b1', publicKey: x, label: x }), auth: 'secretary' },
    { method: 'POST', url: () => '/api/v1/keys', body: (x) => ({ unitId: x, publicKey: 'A'.repeat(43) + '=', replaces: x }), auth: 'secretary' },
    { method: 'POST', url: (x) => `/api/v1/keys/${seg(x)}/approve`, body: (x) => ({ reason: x }), auth: true },
    { method: 'POST', url: (x) => `/api/v1/keys/${seg(x)}/revoke`, body: (x) => ({ reason: x }), auth: true },
    {
      method: 'POST',
      url: () => '/api/v1/discussions/d1/reports',
      body: (x) => ({ unitId: 'b1', meetingDate: '2024-01-05', present: 1, votes: {}, resolution: 'r', signature: { keyId: x, value: x } }),
      auth: true,
    },
    { method: 'GET', url: (x) => `/log/d1/tile/${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/log/consistency?from=${seg(x)}&to=${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/units/b1/reports/${seg(x)}/receipt`, auth: false },
    // Summing up: challenges, the commission, the conference, the decision.
    { method: 'POST', url: () => '/api/v1/discussions/d1/units/b1/challenges', body: (x) => ({ version: x, reason: 'other', text: 'x' }), auth: 'observer' },
    { method: 'POST', url: () => '/api/v1/discussions/d1/units/b1/challenges', body: (x) => ({ version: 1, reason: x, text: x, evidence: { name: x, mediaType: x, contentBase64: x } }), auth: 'observer' },
    { method: 'POST', url: (x) => `/api/v1/discussions/d1/challenges/${seg(x)}/decision`, body: (x) => ({ decision: x, criterion: x, reason: x, struck: x }), auth: 'commission' },
    { method: 'POST', url: (x) => `/api/v1/discussions/d1/units/b1/reports/${seg(x)}/adjudications`, body: () => ({ decision: 'uphold', criterion: 'c', reason: 'r' }), auth: 'commission' },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/adjudicated-tally?unit=${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/challenges?unit=${seg(x)}`, auth: false },
    { method: 'PUT', url: () => '/api/v1/discussions/d1/conference', body: (x) => ({ name: x, electingLevel: { kind: x }, basis: x, deciding: { method: x, seats: x } }), auth: true },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/conference/apportionments/${seg(x)}`, auth: false },
    { method: 'POST', url: () => '/api/v1/discussions/d1/conference/delegates', body: (x) => ({ unitId: x, memberId: x, vote: x, electedAt: x, electedMeeting: x }), auth: true },
    {
      method: 'POST',
      url: () => '/api/v1/discussions/d1/decision',
      body: (x) => ({ languages: [x], title: { en: x }, resolutions: [{ questionId: x, motionId: x, text: { en: x } }], effectiveDate: x }),
      auth: true,
    },
    { method: 'GET', url: (x) => `/api/v1/discussions/d1/decision.pdf?lang=${seg(x)}&act=${seg(x)}`, auth: false },
    { method: 'GET', url: (x) => `/api/v1/discussions/${seg(x)}/decision`, auth: false },
  ];

  const auth = (who: Who): Record<string, string> =>
    who === false ? {} : { authorization: `Bearer ${who === 'secretary' ? secretary : who === 'observer' ? observer : who === 'commission' ? commission : office}` };

  it('answers every malformed request with a clear 4xx and stores nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.nat(ENDPOINTS.length - 1), nasty, async (i, x) => {
        const e = ENDPOINTS[i]!;
        const r = await app.inject({
          method: e.method,
          url: e.url(x),
          headers: auth(e.auth),
          ...(e.body ? { payload: JSON.stringify(e.body(x)) ?? 'null', headers: { 'content-type': 'application/json', ...auth(e.auth) } } : {}),
        });
        expect(r.statusCode, `${e.method} ${e.url(x).slice(0, 120)} → ${r.body.slice(0, 300)}`).toBeLessThan(500);
        if (r.statusCode >= 400) {
          const err = r.json().error;
          expect(typeof err.code).toBe('string');
          expect(typeof err.message).toBe('string');
          expect(err.message.length).toBeLessThan(2000); // a huge input is not echoed back whole
        }
      }),
      { numRuns: 300 },
    );
    // Failed sign-ins write nothing; the only writes a property could make are refused ones.
    expect(await counts()).toEqual(before);
  });

  it('refuses versions beyond what the databases store with a 400, not a 500 (a fuzz find: 2^31 on PostgreSQL)', async () => {
    for (const url of ['/api/v1/discussions/d1/units/b1/reports/2147483648/receipt', '/api/v1/discussions/d1/conference/apportionments/2147483648']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error.field).toBe('params.version');
    }
    const r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/units/b1/challenges', headers: auth('observer'), payload: { version: 2147483648, reason: 'other', text: 'x' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.field).toBe('version');
  });
});
