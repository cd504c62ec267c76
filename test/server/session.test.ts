/** Accounts: sign in, the session cookie, CSRF on cookie writes, sign out, own sessions, throttling, no secrets in logs. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { discussionDef, membersCsv, report, SMALL_TREE, T0 } from '../support/factories.ts';

const PASSWORD = 'correct horse battery staple';

describe.each(ENGINES)('accounts and sessions on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let clock = '2024-01-05T10:00:00.000Z';

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => clock, live: false });
    await createAccount(store.db, { email: 'office@example.org', password: PASSWORD, role: 'office' }, T0);
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const signIn = (password = PASSWORD, email = 'office@example.org', headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, headers });
  const cookieOf = (r: Awaited<ReturnType<typeof signIn>>) => String(r.headers['set-cookie']).split(';')[0]!;

  it('signs in with a session cookie that is HttpOnly, SameSite=Lax and server-side', async () => {
    const r = await signIn();
    expect(r.statusCode).toBe(200);
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/^plenum_session=[0-9a-f]{24}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP here; Secure when served over TLS
    const me = await app.inject({ url: '/api/v1/session', headers: { cookie: cookieOf(r) } });
    expect(me.json()).toMatchObject({ email: 'office@example.org', grants: [{ role: 'office', unitId: null }], csrfToken: r.json().csrfToken });
  });

  it('needs the CSRF token on writes made with the cookie', async () => {
    const r = await signIn();
    const cookie = cookieOf(r);
    const body = discussionDef({ id: 'dcsrf' });
    const without = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: { cookie }, payload: body });
    expect(without.statusCode).toBe(403);
    expect(without.json().error).toMatchObject({ code: 'forbidden', field: 'X-CSRF-Token' });
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: { cookie, 'x-csrf-token': 'nope' }, payload: body });
    expect(wrong.statusCode).toBe(403);
    const right = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: { cookie, 'x-csrf-token': r.json().csrfToken }, payload: body });
    expect(right.statusCode).toBe(201);
  });

  it('signs out on the server: the cookie stops working', async () => {
    const r = await signIn();
    const cookie = cookieOf(r);
    const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': r.json().csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await app.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('lists and revokes own sessions (a lost phone), and rotates the session at sign-in', async () => {
    const phone = await signIn(PASSWORD, 'office@example.org', { 'user-agent': 'phone' });
    const laptop = await signIn();
    const list = (await app.inject({ url: '/api/v1/sessions', headers: { cookie: cookieOf(laptop) } })).json() as Array<{ id: string; userAgent: string | null; current: boolean; revokedAt: string | null }>;
    const phoneSession = list.find((s) => s.userAgent === 'phone' && !s.revokedAt)!;
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const revoke = await app.inject({ method: 'DELETE', url: `/api/v1/sessions/${phoneSession.id}`, headers: { cookie: cookieOf(laptop), 'x-csrf-token': laptop.json().csrfToken } });
    expect(revoke.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/session', headers: { cookie: cookieOf(phone) } })).statusCode).toBe(401);
    // Signing in again with a cookie ends the old session.
    const again = await signIn(PASSWORD, 'office@example.org', { cookie: cookieOf(laptop) });
    expect(again.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/session', headers: { cookie: cookieOf(laptop) } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/session', headers: { cookie: cookieOf(again) } })).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown email alike, and throttles repeated failures per address', async () => {
    await createAccount(store.db, { email: 'victim@example.org', password: PASSWORD, role: 'observer' }, T0);
    const unknown = await signIn(PASSWORD, 'nobody@example.org');
    const wrong = await signIn('wrong password!!', 'victim@example.org');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    for (let i = 0; i < 5; i++) await signIn('wrong password!!', 'victim@example.org');
    const throttled = await signIn(PASSWORD, 'victim@example.org');
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // From another address the owner still gets in: an attacker cannot lock her out.
    const elsewhere = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'victim@example.org', password: PASSWORD }, remoteAddress: '10.9.8.7' });
    expect(elsewhere.statusCode).toBe(200);
    // And the wait is bounded: after it, the right password works again from the first address.
    clock = '2024-01-05T11:00:00.000Z';
    expect((await signIn(PASSWORD, 'victim@example.org')).statusCode).toBe(200);
  });

  it('refuses weak or malformed account details with the field named', async () => {
    await expect(createAccount(store.db, { email: 'x@example.org', password: 'short', role: 'office' }, T0)).rejects.toThrow(/password: must be at least 12/);
    await expect(createAccount(store.db, { email: 'not-an-email', password: PASSWORD, role: 'office' }, T0)).rejects.toThrow(/email: not a valid address/);
    await expect(createAccount(store.db, { email: 'office@example.org', password: PASSWORD, role: 'office' }, T0)).rejects.toThrow(/already exists/);
    await expect(createAccount(store.db, { email: 's@example.org', password: PASSWORD, role: 'secretary' }, T0)).rejects.toThrow(/belongs to a unit/);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'a@b.c', password: 'x'.repeat(5000) } });
    expect(bad.statusCode).toBe(400);
  });

  it('gives a secretary account her own branch and nothing else', async () => {
    await importUnitsCsv(store.db, SMALL_TREE, T0);
    await importMembersCsv(store.db, membersCsv(), T0);
    await createDiscussion(store.db, discussionDef({ id: 'dacc', reportingClosesAt: '2099-01-01T00:00:00Z' }), T0);
    await openDiscussion(store.db, 'dacc', T0);
    await createAccount(store.db, { email: 'sec.b1@example.org', password: PASSWORD, role: 'secretary', unitId: 'b1' }, T0);
    const r = await signIn(PASSWORD, 'sec.b1@example.org');
    const headers = { cookie: cookieOf(r), 'x-csrf-token': r.json().csrfToken };
    const send = (unitId: string) => app.inject({ method: 'POST', url: '/api/v1/discussions/dacc/reports', headers, payload: report({ unitId, present: 1, votes: {} }) });
    expect((await send('b1')).statusCode).toBe(201);
    expect((await send('b2')).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/audit', headers })).statusCode).toBe(403);
  });

  it('lets the office grant and revoke roles anywhere and a committee within its subtree, recording each act', async () => {
    // Units were imported by the previous test.
    const { id: anna } = await createAccount(store.db, { email: 'anna@example.org', password: PASSWORD, role: 'member', unitId: 'b1' }, T0);
    const { id: hq } = await createAccount(store.db, { email: 'hq@example.org', password: PASSWORD, role: 'office' }, T0);
    await createAccount(store.db, { email: 'd11@example.org', password: PASSWORD, role: 'committee', unitId: 'd11' }, T0);
    const committee = await signIn(PASSWORD, 'd11@example.org');
    const headers = { cookie: cookieOf(committee), 'x-csrf-token': committee.json().csrfToken };
    const grant = (account: string, body: Record<string, unknown>, revoke = false) =>
      app.inject({ method: 'POST', url: `/api/v1/accounts/${account}/roles${revoke ? '/revoke' : ''}`, headers, payload: body });

    const ok = await grant(anna, { role: 'secretary', unitId: 'b1', reason: 'elected secretary at the meeting of 5 January' });
    // A second role beside the first: Anna stays a member of b1 and is now its secretary too.
    expect(ok.json()).toEqual({
      accountId: anna,
      email: 'anna@example.org',
      memberId: null,
      grants: [{ role: 'member', unitId: 'b1' }, { role: 'secretary', unitId: 'b1' }],
      changed: true,
    });
    expect((await grant(anna, { role: 'secretary', unitId: 'b1', reason: 'again' })).json().changed).toBe(false); // already held: nothing recorded
    expect((await app.inject({ url: `/api/v1/accounts/${anna}/roles`, headers })).json().grants).toHaveLength(2);
    expect((await app.inject({ url: `/api/v1/accounts/${hq}/roles`, headers })).statusCode).toBe(404);
    expect((await grant(anna, { role: 'secretary', unitId: 'b3', reason: 'x' })).statusCode).toBe(403); // outside d11
    expect((await grant(anna, { role: 'office', reason: 'x' })).statusCode).toBe(403); // organization-wide
    expect((await grant(hq, { role: 'observer', reason: 'demote the office' })).statusCode).toBe(404); // beyond its reach: as if absent
    expect((await grant('0123456789abcdef', { role: 'member', unitId: 'b1', reason: 'x' })).statusCode).toBe(404);
    expect((await grant(anna, { role: 'secretary', unitId: 'b1', reason: '' })).json().error.field).toBe('reason');

    // Anna now reports for b1 with her own session.
    const annaIn = await signIn(PASSWORD, 'anna@example.org');
    const annaHeaders = { cookie: cookieOf(annaIn), 'x-csrf-token': annaIn.json().csrfToken };
    expect((await app.inject({ url: '/api/v1/session', headers: annaHeaders })).json().grants).toContainEqual({ role: 'secretary', unitId: 'b1' });
    const audit = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'role.grant').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail)).toEqual({
      grant: { role: 'secretary', unitId: 'b1' },
      before: 'member@b1',
      after: 'member@b1,secretary@b1',
      reason: 'elected secretary at the meeting of 5 January',
    });

    // Revoked, Anna's own next request no longer carries the role: her report is refused.
    const revoked = await grant(anna, { role: 'secretary', unitId: 'b1', reason: 'resigned as secretary on 9 January' }, true);
    expect(revoked.json()).toMatchObject({ grants: [{ role: 'member', unitId: 'b1' }], changed: true });
    expect((await app.inject({ url: '/api/v1/session', headers: annaHeaders })).json().grants).toEqual([{ role: 'member', unitId: 'b1' }]);
    const revokes = await store.db.selectFrom('audit_events').selectAll().where('action', '=', 'role.revoke').execute();
    expect(JSON.parse(revokes[0]!.detail)).toMatchObject({ before: 'member@b1,secretary@b1', after: 'member@b1', reason: 'resigned as secretary on 9 January' });
  });

  it('refuses writes without a session or token, storing nothing', async () => {
    const before = (await store.db.selectFrom('units').select('id').execute()).length;
    const r = await app.inject({ method: 'POST', url: '/api/v1/units/import', headers: { 'content-type': 'text/csv' }, payload: 'id,parent_id,name,kind\nzz,,Z,national\n' });
    expect(r.statusCode).toBe(401);
    expect((await store.db.selectFrom('units').select('id').execute()).length).toBe(before);
  });
});

describe('secrets stay out of the logs', () => {
  it('logs neither passwords, session cookies, CSRF tokens nor the links of invitations and resets', async () => {
    const store = await newStore(ENGINES[0]!);
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
    const mails: string[] = [];
    const app = await buildApp({ store, live: false, logger: { level: 'trace', stream: sink }, mailer: { send: async (m) => void mails.push(m.text) } });
    try {
      await createAccount(store.db, { email: 'office@example.org', password: PASSWORD, role: 'office' }, T0);
      const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'office@example.org', password: PASSWORD } });
      const cookie = String(r.headers['set-cookie']).split(';')[0]!;
      await app.inject({ url: '/api/v1/session', headers: { cookie } });
      await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'office@example.org', password: 'a wrong one, logged?' } });
      expect(logged.length).toBeGreaterThan(0);
      expect(logged).not.toContain(PASSWORD);
      expect(logged).not.toContain('a wrong one');
      expect(logged).not.toContain(cookie.split('=')[1]!.split('.')[1]!);
      expect(logged).not.toContain(r.json().csrfToken);

      // An invitation and a password reset, followed to the end: their one-time links never reach the log.
      await importUnitsCsv(store.db, SMALL_TREE, T0);
      await importMembersCsv(store.db, 'id,unit_id,name,email,status\nm1,b1,Anna,anna@example.org,member\n', T0);
      const headers = { cookie, 'x-csrf-token': r.json().csrfToken as string };
      expect((await app.inject({ method: 'POST', url: '/api/v1/invitations', headers, payload: {} })).json()).toMatchObject({ invited: 1 });
      const invite = /token=(\S+)/.exec(mails.at(-1)!)![1]!;
      const annaPassword = 'anna chose this password';
      expect((await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: invite, password: annaPassword } })).statusCode).toBe(201);
      await app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'anna@example.org' } });
      const reset = /token=(\S+)/.exec(mails.at(-1)!)![1]!;
      const newPassword = 'and then changed it again';
      expect((await app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token: reset, password: newPassword } })).statusCode).toBeLessThan(300);
      for (const secret of [invite, invite.split('.')[1]!, reset, reset.split('.')[1]!, annaPassword, newPassword]) expect(logged).not.toContain(secret);
    } finally {
      await app.close();
      await store.dispose();
    }
  });
});
