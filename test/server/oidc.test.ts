/**
 * Single sign-on, end to end: a real identity provider (oidc-provider, test/support/oidc-provider.ts) on a random
 * port, Plenum listening on real ports, and a headless browser following the redirects with its cookies. The roll
 * decides who gets in; state, nonce and PKCE are checked; codes, tokens and state stay out of the logs and the audit.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { checkOidcConfig, oidcConfigFromEnvironment, type OidcConfig } from '../../src/services/oidc.ts';
import { createToken } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { SMALL_TREE, T0 } from '../support/factories.ts';
import { Browser, freePort, startIdp, type IdpUser, type TestIdp } from '../support/oidc-provider.ts';

const CALLBACK = '/api/v1/session/oidc/callback';
const ROLL = `id,unit_id,name,email,status
m1,b1,Anna,anna@example.org,member
m2,b2,Boris,boris@example.org,member
m3,b2,Vera,vera@example.org,member
m4,b3,Olga,olga@example.org,member
m5,b3,Pavel,,member
m6,b4,Irina,irina@example.org,member
`;
const USERS: Record<string, IdpUser> = {
  anna: { plenum_member_id: 'm1', email: 'anna@example.org', email_verified: true },
  boris: { plenum_member_id: 'm2', email: 'Boris@Example.ORG', email_verified: true },
  vera: { plenum_member_id: 'm3', email: 'vera@example.org', email_verified: false },
  olga: { plenum_member_id: 'm4', email: 'olga@example.org', email_verified: true },
  pavel: { plenum_member_id: 'm5', email: 'pavel@example.org', email_verified: true },
  ghost: { plenum_member_id: 'm999', email: 'ghost@example.org', email_verified: true },
  irina: { plenum_member_id: 'm6', email: 'irina@example.org', email_verified: true },
  nobody: { email: 'nobody@example.org', email_verified: true },
};
const SESSION_SET_COOKIE = /^plenum_session=[0-9a-f]{24}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/;

describe.each(ENGINES)('single sign-on with OpenID Connect on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let idp: TestIdp; // scope claims in the ID token
  let idpUserinfo: TestIdp; // scope claims only at the userinfo endpoint
  const apps: App[] = [];
  let byId: { app: App; base: string }; // OIDC_MEMBER_CLAIM=plenum_member_id, match id
  let byEmail: { app: App; base: string }; // OIDC_MEMBER_CLAIM=email (match email, email_verified required)
  let viaUserinfo: { app: App; base: string };
  let office: string;
  let logged = '';
  const seen: URL[] = []; // every URL the browsers visited
  const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });

  async function plenum(config: (base: string) => Partial<OidcConfig> & { issuer: string }, port: number) {
    const base = `http://127.0.0.1:${port}`;
    const app = await buildApp({ store, live: false, logger: { level: 'trace', stream: sink }, oidc: checkOidcConfig({ redirectUri: base + CALLBACK, ...config(base) }) });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port });
    return { app, base };
  }

  beforeAll(async () => {
    store = await newStore(engine);
    await importUnitsCsv(store.db, SMALL_TREE, T0);
    await importMembersCsv(store.db, ROLL, T0);
    office = (await createToken(store.db, { name: 'office', role: 'office' }, T0)).token;
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    idp = await startIdp({ users: USERS, redirectUris: [`http://127.0.0.1:${p1}${CALLBACK}`, `http://127.0.0.1:${p2}${CALLBACK}`] });
    idpUserinfo = await startIdp({ users: { vera: { ...USERS.vera, email_verified: true } }, redirectUris: [`http://127.0.0.1:${p3}${CALLBACK}`], conformIdTokenClaims: true });
    const client = (i: TestIdp) => ({ issuer: i.issuer, clientId: i.clientId, clientSecret: i.clientSecret });
    byId = await plenum(() => ({ ...client(idp), scopes: 'openid email plenum', memberClaim: 'plenum_member_id', memberMatch: 'id', name: 'Test IdP' }), p1);
    byEmail = await plenum(() => ({ ...client(idp), scopes: 'openid email' }), p2);
    viaUserinfo = await plenum(() => ({ ...client(idpUserinfo), scopes: 'openid email' }), p3);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await idp?.close();
    await idpUserinfo?.close();
    await store.dispose();
  });

  /** Signs in through the identity provider as `user`; `tamper` may change the callback URL the browser is sent to. */
  async function sso(target: { base: string }, user: string, opts: { browser?: Browser; returnTo?: string; tamper?: (u: URL) => void } = {}) {
    const browser = opts.browser ?? new Browser();
    const start = `${target.base}/api/v1/session/oidc${opts.returnTo ? `?returnTo=${encodeURIComponent(opts.returnTo)}` : ''}`;
    const r = await browser.go(start, {
      rewrite: (u) => {
        if (u.pathname === '/auth') u.searchParams.set('login_hint', user); // the login page: who signs in
        if (u.pathname === CALLBACK) opts.tamper?.(u);
        return u;
      },
      stopAt: (u) => u.origin === target.base && !u.pathname.startsWith('/api/v1/session/oidc'),
    });
    seen.push(...browser.visited.map((v) => v.url));
    const callback = browser.visited.filter((v) => v.url.pathname === CALLBACK).at(-1);
    const sessionCookie = callback?.setCookie.find((c) => c.startsWith('plenum_session='));
    return { ...r, browser, callback, setCookie: sessionCookie, cookie: sessionCookie?.split(';')[0] };
  }

  const get = (target: { base: string }, path: string, headers: Record<string, string> = {}) =>
    fetch(`${target.base}${path}`, { headers }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  const count = async (table: 'accounts' | 'sessions') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const accountsOf = (memberId: string) => store.db.selectFrom('accounts').selectAll().where('member_id', '=', memberId).execute();

  it('tells the web app which ways to sign in there are', async () => {
    expect(await get(byId, '/api/v1/session/methods')).toEqual({ status: 200, body: { password: true, oidc: true, oidcName: 'Test IdP' } });
    expect((await get(byEmail, '/api/v1/session/methods')).body).toEqual({ password: true, oidc: true });
  });

  it('signs a member on the roll in by her member id: a session cookie, her role at her unit, her roll entry', async () => {
    const r = await sso(byId, 'anna', { returnTo: '/discussions/d1?tab=tally' });
    expect(r.status).toBe(303);
    expect(r.location?.href).toBe(`${byId.base}/discussions/d1?tab=tally`);
    expect(r.setCookie).toMatch(SESSION_SET_COOKIE);
    // The pending sign-in lived in an HttpOnly cookie holding an id only, and is cleared at the callback.
    const started = r.browser.visited[0]!;
    expect(started.status).toBe(302);
    expect(started.setCookie[0]).toMatch(/^plenum_oidc=[A-Za-z0-9_-]{32}; Path=\/api\/v1\/session\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
    expect(r.callback!.setCookie).toContainEqual(expect.stringMatching(/^plenum_oidc=; Path=\/api\/v1\/session\/oidc; HttpOnly; SameSite=Lax; Max-Age=0$/));
    const me = await get(byId, '/api/v1/session', { cookie: r.cookie! });
    expect(me).toMatchObject({ status: 200, body: { email: 'anna@example.org', grants: [{ role: 'member', unitId: 'b1' }] } });
    expect((await get(byId, '/api/v1/session/member', { cookie: r.cookie! })).body).toEqual({ id: 'm1', unitId: 'b1', name: 'Anna', email: 'anna@example.org', status: 'member' });
    const [account, ...more] = await accountsOf('m1');
    expect(more).toEqual([]);
    expect(account).toMatchObject({ email: 'anna@example.org', password_hash: '!', member_id: 'm1' });
    // An account made by single sign-on has no password: none verifies, not even its stored '!'.
    for (const password of ['!', 'any password at all']) {
      const pw = await fetch(`${byId.base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'anna@example.org', password }) });
      expect(pw.status).toBe(401);
    }
  });

  it('reuses her account on the next sign-in, and ends the session the browser had (rotation)', async () => {
    const first = await sso(byId, 'anna');
    const accountId = (await get(byId, '/api/v1/session', { cookie: first.cookie! })).body.accountId;
    // Same browser: the identity provider remembers her, no login page; the old Plenum session is ended.
    const again = await sso(byId, 'anna', { browser: first.browser });
    expect(again.status).toBe(303);
    expect(again.cookie).not.toBe(first.cookie);
    expect((await get(byId, '/api/v1/session', { cookie: again.cookie! })).body.accountId).toBe(accountId);
    expect((await get(byId, '/api/v1/session', { cookie: first.cookie! })).status).toBe(401);
    // And a fresh browser.
    const fresh = await sso(byId, 'anna');
    expect((await get(byId, '/api/v1/session', { cookie: fresh.cookie! })).body.accountId).toBe(accountId);
    expect(await accountsOf('m1')).toHaveLength(1);
  });

  it('makes one account when two first sign-ins of the same member finish at once', async () => {
    const atCallback = async () => {
      const browser = new Browser();
      const r = await browser.go(`${byId.base}/api/v1/session/oidc`, {
        rewrite: (u) => (u.pathname === '/auth' && u.searchParams.set('login_hint', 'irina'), u),
        stopAt: (u) => u.pathname === CALLBACK,
      });
      seen.push(r.location!);
      return { browser, callback: r.location! };
    };
    const pending = [await atCallback(), await atCallback()];
    const done = await Promise.all(pending.map((p) => p.browser.go(p.callback.href, { stopAt: (u) => !u.pathname.startsWith('/api/v1/session/oidc') })));
    expect(done.map((d) => d.status)).toEqual([303, 303]);
    expect(await accountsOf('m6')).toHaveLength(1);
  });

  it('matches by a verified email, ignoring case', async () => {
    const r = await sso(byEmail, 'boris');
    expect(r.status).toBe(303);
    expect(r.location?.pathname).toBe('/');
    expect((await get(byEmail, '/api/v1/session', { cookie: r.cookie! })).body).toMatchObject({ email: 'boris@example.org', grants: [{ role: 'member', unitId: 'b2' }] });
    expect((await get(byEmail, '/api/v1/session/member', { cookie: r.cookie! })).body).toMatchObject({ id: 'm2' });
  });

  it('reads the claims at the userinfo endpoint when the ID token does not carry them', async () => {
    const r = await sso(viaUserinfo, 'vera');
    expect(r.status).toBe(303);
    expect((await get(viaUserinfo, '/api/v1/session/member', { cookie: r.cookie! })).body).toMatchObject({ id: 'm3', unitId: 'b2' });
  });

  it('refuses an email the identity provider has not verified', async () => {
    const accounts = await count('accounts');
    const sessions = await count('sessions');
    const r = await sso(byEmail, 'vera');
    expect(r.status).toBe(403);
    expect((r.body as any).error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('not verified') });
    expect(r.setCookie).toBeUndefined();
    expect(await count('accounts')).toBe(accounts);
    expect(await count('sessions')).toBe(sessions);
  });

  it('refuses someone who is not on the roll, and makes no account', async () => {
    const accounts = await count('accounts');
    const sessions = await count('sessions');
    const ghost = await sso(byId, 'ghost');
    expect(ghost.status).toBe(403);
    expect((ghost.body as any).error).toEqual({ code: 'forbidden', message: expect.stringMatching(/'m999', which is not on the roll/), field: null });
    expect(ghost.setCookie).toBeUndefined();
    const noClaim = await sso(byId, 'nobody');
    expect(noClaim.status).toBe(403);
    expect((noClaim.body as any).error.message).toContain("no 'plenum_member_id' claim");
    const byMail = await sso(byEmail, 'ghost');
    expect((byMail.body as any).error.message).toContain("'ghost@example.org', which is not on the roll");
    expect(await count('accounts')).toBe(accounts);
    expect(await count('sessions')).toBe(sessions);
  });

  it('does not take over an account with her email that is not linked to her roll entry', async () => {
    const { id } = await createAccount(store.db, { email: 'olga@example.org', password: 'an office password', role: 'observer' }, T0);
    const r = await sso(byId, 'olga');
    expect(r.status).toBe(409);
    expect((r.body as any).error).toMatchObject({ code: 'conflict', message: expect.stringContaining('sign in with its password') });
    expect(await accountsOf('m4')).toEqual([]);
    expect((await store.db.selectFrom('accounts').select('member_id').where('id', '=', id).executeTakeFirstOrThrow()).member_id).toBeNull();
  });

  it('refuses a member whose roll entry has no email (an account needs one)', async () => {
    const r = await sso(byId, 'pavel');
    expect(r.status).toBe(403);
    expect((r.body as any).error.message).toContain('no email address');
    expect(await accountsOf('m5')).toEqual([]);
  });

  it('refuses a tampered state, and the pending sign-in is gone after it', async () => {
    const sessions = await count('sessions');
    const r = await sso(byId, 'anna', { tamper: (u) => u.searchParams.set('state', 'tampered') });
    expect(r.status).toBe(401);
    expect((r.body as any).error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('state mismatch') });
    expect(r.setCookie).toBeUndefined();
    expect(r.callback!.setCookie).toEqual([expect.stringMatching(/^plenum_oidc=; .*Max-Age=0$/)]); // used up, refused or not
    expect(await count('sessions')).toBe(sessions);
    const missing = await sso(byId, 'anna', { tamper: (u) => u.searchParams.delete('state') });
    expect(missing.status).toBe(401);
    expect(await count('sessions')).toBe(sessions);
  });

  it('refuses a callback without a pending sign-in, and a callback used twice', async () => {
    const cold = await new Browser().go(`${byId.base}${CALLBACK}?code=abc&state=def`);
    expect(cold.status).toBe(401);
    expect((cold.body as any).error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('no single sign-on is pending') });
    // Replaying a successful callback, even with the pending cookie put back, finds nothing pending.
    const ok = await sso(byId, 'anna');
    const pendingId = ok.browser.visited[0]!.setCookie[0]!.split(';')[0]!;
    const replay = await fetch(ok.callback!.url, { redirect: 'manual', headers: { cookie: pendingId } });
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('plenum_session='))).toBe(false);
  });

  it("refuses when the identity provider says no (access_denied)", async () => {
    const r = await sso(byId, 'deny');
    expect(r.status).toBe(401);
    expect((r.body as any).error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('access_denied') });
  });

  it('accepts only a path on this site as returnTo', async () => {
    for (const returnTo of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const r = await get(byId, `/api/v1/session/oidc?returnTo=${encodeURIComponent(returnTo)}`);
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('querystring.returnTo');
    }
  });

  it('answers 503 when the identity provider cannot be reached, and 404 when single sign-on is off', async () => {
    const deadPort = await freePort();
    const unreachable = await buildApp({ store, live: false, oidc: checkOidcConfig({ issuer: `http://127.0.0.1:${deadPort}`, clientId: 'x', redirectUri: `http://127.0.0.1:1${CALLBACK}` }) });
    const off = await buildApp({ store, live: false, oidc: null });
    try {
      const r = await unreachable.inject({ url: '/api/v1/session/oidc' });
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('could not be reached') });
      for (const url of ['/api/v1/session/oidc', `${CALLBACK}?code=a&state=b`]) {
        const o = await off.inject({ url });
        expect(o.statusCode).toBe(404);
        expect(o.json().error).toEqual({ code: 'not_found', message: expect.stringContaining('single sign-on is not configured'), field: null });
      }
      expect((await off.inject({ url: '/api/v1/session/methods' })).json()).toEqual({ password: true, oidc: false });
    } finally {
      await unreachable.close();
      await off.close();
    }
  });

  it('audits the accounts and sessions it made, and keeps codes, tokens and state out of the audit and the logs', async () => {
    const r = await get(byId, '/api/v1/audit?limit=1000', { authorization: `Bearer ${office}` });
    const items = r.body.items as Array<{ action: string; target: string; detail: Record<string, unknown>; actor: { id: string } }>;
    const anna = (await accountsOf('m1'))[0]!;
    expect(items.filter((e) => e.action === 'account.create' && e.detail.via === 'oidc').map((e) => e.detail.memberId).sort()).toEqual(['m1', 'm2', 'm3', 'm6']);
    const annaSessions = items.filter((e) => e.action === 'session.create' && e.actor.id === anna.id);
    expect(annaSessions.length).toBeGreaterThanOrEqual(4);
    for (const e of annaSessions) expect(e.detail).toEqual({ method: 'oidc' });

    // What passed between the browser, Plenum and the identity provider that must never be written down.
    const more = await sso(byId, 'anna');
    const secrets = new Set(idp.secrets.concat(idpUserinfo.secrets));
    for (const u of seen) for (const k of ['code', 'state', 'nonce', 'code_challenge']) if ((u.searchParams.get(k)?.length ?? 0) > 20) secrets.add(u.searchParams.get(k)!);
    secrets.delete('tampered');
    // Codes, verifiers, ID and access tokens from the provider; codes, states, nonces, challenges from the browser.
    expect(idp.secrets.length).toBeGreaterThan(20);
    expect(secrets.size).toBeGreaterThan(40);
    const audit = JSON.stringify((await get(byId, '/api/v1/audit?limit=1000', { authorization: `Bearer ${office}` })).body);
    for (const s of secrets) {
      expect(audit).not.toContain(s);
      expect(logged).not.toContain(s);
    }
    expect(logged).toContain('/api/v1/session/oidc/callback?…'); // the callback was logged, without its query
    expect(logged).not.toContain(more.cookie!.split('.')[1]!);
  });
});

describe('single sign-on configuration from the environment', () => {
  it('is off without OIDC_ISSUER, and fills in the defaults', () => {
    expect(oidcConfigFromEnvironment({})).toBeNull();
    expect(oidcConfigFromEnvironment({ OIDC_ISSUER: 'https://id.example.org', OIDC_CLIENT_ID: 'plenum', OIDC_CLIENT_SECRET: 's', PLENUM_PUBLIC_URL: 'https://plenum.example.org/' })).toEqual({
      issuer: 'https://id.example.org',
      clientId: 'plenum',
      clientSecret: 's',
      redirectUri: `https://plenum.example.org${CALLBACK}`,
      scopes: 'openid email',
      memberClaim: 'email',
      memberMatch: 'email',
      name: null,
    });
    const byClaim = oidcConfigFromEnvironment({ OIDC_ISSUER: 'https://id.example.org', OIDC_CLIENT_ID: 'plenum', OIDC_REDIRECT_URI: 'https://p.example.org/cb', OIDC_MEMBER_CLAIM: 'member_no', OIDC_NAME: 'Party ID' });
    expect(byClaim).toMatchObject({ clientSecret: null, redirectUri: 'https://p.example.org/cb', memberClaim: 'member_no', memberMatch: 'id', name: 'Party ID' });
  });

  it('names the variable that is wrong', () => {
    const base = { OIDC_ISSUER: 'https://id.example.org', OIDC_CLIENT_ID: 'plenum', PLENUM_PUBLIC_URL: 'https://p.example.org' };
    const fieldOf = (env: Record<string, string>) => {
      try {
        oidcConfigFromEnvironment(env);
        return 'accepted';
      } catch (e) {
        return (e as { field?: string }).field;
      }
    };
    expect(fieldOf({ ...base, OIDC_CLIENT_ID: '' })).toBe('OIDC_CLIENT_ID');
    expect(fieldOf({ ...base, OIDC_ISSUER: 'not a url' })).toBe('OIDC_ISSUER');
    expect(fieldOf({ OIDC_ISSUER: base.OIDC_ISSUER, OIDC_CLIENT_ID: 'plenum' })).toBe('OIDC_REDIRECT_URI');
    expect(fieldOf({ ...base, OIDC_REDIRECT_URI: 'https://p.example.org/cb?x=1' })).toBe('OIDC_REDIRECT_URI');
    expect(fieldOf({ ...base, OIDC_SCOPES: 'email profile' })).toBe('OIDC_SCOPES');
    expect(fieldOf({ ...base, OIDC_MEMBER_MATCH: 'name' })).toBe('OIDC_MEMBER_MATCH');
  });
});
