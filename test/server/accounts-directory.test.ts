/**
 * The account directory (GET /api/v1/accounts): the office sees every account, a committee only those within its
 * subtree (a grant there, or linked to a member there); filters by email text and by unit; keyset pages by email;
 * refusals name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../../src/domain/audit.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { changeRole, createAccount } from '../../src/services/accounts.ts';
import { createToken } from '../../src/services/tokens.ts';
import { insertAccount } from '../../src/storage/accounts.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { smallOrganization, T0, T1 } from '../support/factories.ts';

const PASSWORD = 'correct horse battery staple';

interface Page {
  items: Array<{ accountId: string; email: string; memberId: string | null; grants: Array<{ role: string; unitId: string | null }> }>;
  next: string | null;
}

describe.each(ENGINES)('account directory on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => T1, live: false });
    // root → r1 → d11 (b1, b2), d12 (b3, b4); r2 → d21 (b5, b6), d22 (b7, b8, b9)
    await smallOrganization(store.db);
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['committee-r1', 'committee', 'r1'],
      ['committee-d11', 'committee', 'd11'],
      ['member-b1', 'member', 'b1'],
      ['secretary-b1', 'secretary', 'b1'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, T0)).token;
    }
    for (const [email, role, unitId] of [
      ['office@example.org', 'office', null],
      ['sec.b1@example.org', 'secretary', 'b1'],
      ['sec.b3@example.org', 'secretary', 'b3'],
      ['sec.b5@example.org', 'secretary', 'b5'],
      ['Chair.D21@Example.org', 'committee', 'd21'],
      ['observer@example.org', 'observer', null],
    ] as const) {
      ids[email.toLowerCase()] = (await createAccount(store.db, { email, password: PASSWORD, role, unitId }, T0)).id;
    }
    // Also a member at b2: two grants, both shown (in the same order as GET /accounts/:id/roles).
    await changeRole(store.db, { accountId: ids['sec.b3@example.org']!, role: 'member', unitId: 'b2', reason: 'moved' }, T0, CONSOLE_ACTOR);
    // Linked to member m1 (branch b1) with no grant left: within reach of committees above b1 by the link alone.
    await insertAccount(store.db, { id: 'aaaaaaaaaaaaaaaa', email: 'm1@example.org', password_hash: '!', member_id: 'm1', created_at: T0, disabled_at: null });
    ids['m1@example.org'] = 'aaaaaaaaaaaaaaaa';
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const get = (who: string | null, query = '') =>
    app.inject({ url: `/api/v1/accounts${query ? `?${query}` : ''}`, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
  const list = async (who: string, query = '') => {
    const r = await get(who, query);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Page;
  };
  const emails = (p: Page) => p.items.map((a) => a.email);

  it('shows the office every account, ordered by email, with each grant', async () => {
    const page = await list('office');
    expect(emails(page)).toEqual([
      'chair.d21@example.org',
      'm1@example.org',
      'observer@example.org',
      'office@example.org',
      'sec.b1@example.org',
      'sec.b3@example.org',
      'sec.b5@example.org',
    ]);
    expect(page.next).toBeNull();
    expect(page.items.find((a) => a.email === 'sec.b3@example.org')).toEqual({
      accountId: ids['sec.b3@example.org'],
      email: 'sec.b3@example.org',
      memberId: null,
      grants: [
        { role: 'member', unitId: 'b2' },
        { role: 'secretary', unitId: 'b3' },
      ],
    });
    expect(page.items.find((a) => a.email === 'm1@example.org')).toMatchObject({ memberId: 'm1', grants: [] });
    expect(page.items.find((a) => a.email === 'office@example.org')).toMatchObject({ grants: [{ role: 'office', unitId: null }] });
  });

  it("shows a committee only its subtree's accounts: a grant there, or linked to a member there", async () => {
    // r1's subtree: b1, b2, b3 (grants) and m1 (member of b1); not b5, d21, the office or the observer.
    expect(emails(await list('committee-r1'))).toEqual(['m1@example.org', 'sec.b1@example.org', 'sec.b3@example.org']);
    // d11: b1 and b2 — sec.b3 is reached through its member grant at b2, and shown with every grant it holds.
    const d11 = await list('committee-d11');
    expect(emails(d11)).toEqual(['m1@example.org', 'sec.b1@example.org', 'sec.b3@example.org']);
    expect(d11.items[2]!.grants).toHaveLength(2);
    // Each listed account is one the committee may open (the same reach as GET /accounts/:id/roles).
    for (const a of d11.items) {
      const r = await app.inject({ url: `/api/v1/accounts/${a.accountId}/roles`, headers: { authorization: `Bearer ${tokens['committee-d11']}` } });
      expect(r.statusCode, a.email).toBe(200);
    }
    const hidden = await app.inject({ url: `/api/v1/accounts/${ids['sec.b5@example.org']}/roles`, headers: { authorization: `Bearer ${tokens['committee-d11']}` } });
    expect(hidden.statusCode).toBe(404);
  });

  it('filters by email text, case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(emails(await list('office', 'q=SEC.B'))).toEqual(['sec.b1@example.org', 'sec.b3@example.org', 'sec.b5@example.org']);
    expect(emails(await list('office', 'q=chair'))).toEqual(['chair.d21@example.org']);
    expect(emails(await list('office', 'q=%25'))).toEqual([]);
    expect(emails(await list('office', 'q=sec_b'))).toEqual([]);
    expect(emails(await list('committee-d11', 'q=b3'))).toEqual(['sec.b3@example.org']);
    expect(emails(await list('committee-d11', 'q=b5'))).toEqual([]);
  });

  it('filters by unit: accounts holding a grant at that unit or below it', async () => {
    expect(emails(await list('office', 'unit=r2'))).toEqual(['chair.d21@example.org', 'sec.b5@example.org']);
    expect(emails(await list('office', 'unit=d12'))).toEqual(['sec.b3@example.org']);
    expect(emails(await list('office', 'unit=b2'))).toEqual(['sec.b3@example.org']); // its member grant
    expect(emails(await list('office', 'unit=root'))).toEqual(['chair.d21@example.org', 'sec.b1@example.org', 'sec.b3@example.org', 'sec.b5@example.org']);
    expect(emails(await list('committee-r1', 'unit=d11'))).toEqual(['sec.b1@example.org', 'sec.b3@example.org']);
    expect(emails(await list('office', 'unit=b1&q=b1'))).toEqual(['sec.b1@example.org']);
  });

  it('refuses a unit beyond a committee exactly like an unknown unit', async () => {
    for (const query of ['unit=r2', 'unit=root', 'unit=nowhere']) {
      const r = await get('committee-d11', query);
      expect(r.statusCode, query).toBe(404);
      expect(r.json().error).toMatchObject({ code: 'not_found', field: 'unit' });
    }
    expect((await get('office', 'unit=nowhere')).json().error).toMatchObject({ code: 'not_found', field: 'unit' });
  });

  it('pages by email with a cursor, the same accounts as one page', async () => {
    const all = emails(await list('office'));
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = await list('office', `limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...emails(page));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(all);
    // Paging keeps the filters.
    const first = await list('office', 'q=sec&limit=2');
    expect(emails(first)).toEqual(['sec.b1@example.org', 'sec.b3@example.org']);
    expect(emails(await list('office', `q=sec&limit=2&cursor=${first.next}`))).toEqual(['sec.b5@example.org']);
  });

  it('refuses bad input with the field named', async () => {
    const bad = async (query: string) => {
      const r = await get('office', query);
      expect(r.statusCode, query).toBe(400);
      return r.json().error;
    };
    expect(await bad('limit=0')).toMatchObject({ code: 'invalid_input', field: 'querystring.limit' });
    expect(await bad('limit=201')).toMatchObject({ code: 'invalid_input', field: 'querystring.limit' });
    expect(await bad('limit=many')).toMatchObject({ code: 'invalid_input', field: 'querystring.limit' });
    expect(await bad('unit=no%20spaces')).toMatchObject({ code: 'invalid_input', field: 'querystring.unit' });
    expect(await bad(`q=${'x'.repeat(321)}`)).toMatchObject({ code: 'invalid_input', field: 'querystring.q' });
    expect(await bad('cursor=garbage')).toMatchObject({ code: 'invalid_input', field: 'cursor' });
  });

  it('needs credentials (401) and a role that manages roles (403)', async () => {
    const none = await get(null);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    for (const who of ['member-b1', 'secretary-b1']) {
      const r = await get(who);
      expect(r.statusCode, who).toBe(403);
      expect(r.json().error.code).toBe('forbidden');
    }
  });

  it('works with a session cookie too', async () => {
    const s = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'chair.d21@example.org', password: PASSWORD } });
    expect(s.statusCode, s.body).toBe(200);
    const cookie = String(s.headers['set-cookie']).split(';')[0]!;
    const r = await app.inject({ url: '/api/v1/accounts', headers: { cookie } });
    expect(r.statusCode, r.body).toBe(200);
    // committee@d21: its own grant at d21 and the secretary of b5 (below d21).
    expect(emails(r.json() as Page)).toEqual(['chair.d21@example.org', 'sec.b5@example.org']);
  });
});
