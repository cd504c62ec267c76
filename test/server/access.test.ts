/**
 * Who sees what, over HTTP, with every kind of credential: report texts and small units' figures (visibility), the
 * list of units that have not reported (with secretaries' contacts), and the states a credential can be in — valid,
 * signed out (revoked), expired, an expired invitation, a revoked token. Every cell is stated.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { changeRole, createAccount } from '../../src/services/accounts.ts';
import { submitReport } from '../../src/services/reports.ts';
import { createToken, revoke } from '../../src/services/tokens.ts';
import { CONSOLE_ACTOR } from '../../src/domain/audit.ts';
import type { Mail } from '../../src/services/mailer.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization, T0, T1 } from '../support/factories.ts';

const PASSWORD = 'correct horse battery staple';
const RESOLUTION = 'Comrade Ivanova proposed; the branch endorses the resolution.';

// publicMinUnitSize 10: b4 (3 voting members), b6 (7), b8 (1) are small; b1 (40) is not; d12 (b3 25 + b4 3) is not.
describe.each(ENGINES)('who sees what on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let clock = T1;
  const tokens: Record<string, string> = {};
  const outbox: Mail[] = [];
  const cookies: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => clock, live: false, mailer: { send: async (m) => void outbox.push(m) } });
    await smallOrganization(store.db, { discussion: { rules: { quorum: 0.5, majority: 'votes-cast', publicMinUnitSize: 10 } } });
    await submitReport(store.db, { discussionId: 'd1', report: report({ resolution: RESOLUTION }), submittedBy: 'test', now: T1 });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b4', present: 3, votes: { q1: { positions: { cc: 1, opp: 2 }, abstain: 0 } } }), submittedBy: 'test', now: T1 });
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['commission', 'commission', null],
      ['observer', 'observer', null],
      ['committee-d11', 'committee', 'd11'],
      ['committee-d12', 'committee', 'd12'],
      ['secretary-b1', 'secretary', 'b1'],
      ['member-b1', 'member', 'b1'],
      ['member-b4', 'member', 'b4'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, T0)).token;
    }
    const revoked = await createToken(store.db, { name: 'revoked', role: 'office' }, T0);
    await revoke(store.db, revoked.id, T0);
    tokens['revoked token'] = revoked.token;

    const { id } = await createAccount(store.db, { email: 'sec.b1@example.org', password: PASSWORD, role: 'secretary', unitId: 'b1' }, T0);
    await changeRole(store.db, { accountId: id, role: 'member', unitId: 'b1', reason: 'also a member' }, T0, CONSOLE_ACTOR);
    await createAccount(store.db, { email: 'sec.b3@example.org', password: PASSWORD, role: 'secretary', unitId: 'b3' }, T0);
    const signIn = async () => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'sec.b1@example.org', password: PASSWORD } });
      return { cookie: String(r.headers['set-cookie']).split(';')[0]!, csrf: r.json().csrfToken as string };
    };
    cookies['session'] = await signIn();
    cookies['signed-out session'] = await signIn();
    await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: cookies['signed-out session'].cookie, 'x-csrf-token': cookies['signed-out session'].csrf } });
    clock = '2023-11-01T00:00:00.000Z'; // a session begun long ago has expired by T1 (30 days)
    cookies['expired session'] = await signIn();
    clock = T1;
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const headersOf = (who: string): Record<string, string> => {
    if (who === 'anyone') return {};
    if (tokens[who]) return { authorization: `Bearer ${tokens[who]}` };
    const c = cookies[who]!;
    return { cookie: c.cookie, 'x-csrf-token': c.csrf };
  };
  const get = (who: string, url: string) => app.inject({ url, headers: headersOf(who) });

  // [who, sees b1's resolution text, sees b4's figures (a small branch), not-reported under d11 → status]
  const MATRIX: Array<[string, boolean, boolean, number]> = [
    ['anyone', false, false, 401],
    ['office', true, true, 200],
    ['commission', true, true, 403],
    ['observer', true, true, 403],
    ['committee-d11', true, false, 200], // b4 is under d12, outside d11
    ['committee-d12', false, true, 404], // d11 is beyond its subtree: as if absent
    ['secretary-b1', true, false, 403],
    ['member-b1', true, false, 403],
    ['member-b4', false, true, 403],
    ['session', true, false, 403], // the account is secretary and member of b1
    ['signed-out session', false, false, 401], // an ended session is no session: public view
    ['expired session', false, false, 401],
  ];

  for (const [who, readsText, readsSmall, progress] of MATRIX) {
    it(`${who}: b1's resolution ${readsText ? 'shown' : 'hidden'}, b4's figures ${readsSmall ? 'shown' : 'withheld'}, not-reported list → ${progress}`, async () => {
      const b1 = (await get(who, '/api/v1/discussions/d1/units/b1/reports')).json();
      expect(b1[0]).toMatchObject({ present: 23, withheld: false, resolution: readsText ? RESOLUTION : null });
      expect(b1[0].resolutionSha256).toBe(createHash('sha256').update(RESOLUTION).digest('hex'));

      const b4 = (await get(who, '/api/v1/discussions/d1/units/b4/reports')).json();
      expect(b4[0]).toMatchObject(readsSmall ? { present: 3, withheld: false } : { present: null, votes: null, adopted: null, quorate: null, withheld: true });
      const t4 = (await get(who, '/api/v1/discussions/d1/tally?unit=b4')).json();
      expect(t4).toMatchObject(readsSmall ? { present: 3, withheld: false } : { present: null, questions: null, withheld: true, unitsReported: 1, membersTotal: 3 });
      // An aggregate above the minimum is public: d12 holds b3 (25) and b4 (3).
      expect((await get(who, '/api/v1/discussions/d1/tally?unit=d12')).json()).toMatchObject({ withheld: false, present: 3 });

      expect((await get(who, '/api/v1/discussions/d1/not-reported?under=d11')).statusCode).toBe(progress);
    });
  }

  it('refuses an expired invitation: no account is made, and its link cannot sign anyone in', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: headersOf('office'), payload: { memberIds: ['m1'] } })).json()).toEqual({ invited: 1, skipped: 0 });
    const token = /token=([^\s]+)/.exec(outbox.at(-1)!.text)![1]!;
    clock = '2024-01-13T12:00:00.000Z'; // 8 days later: the link lasted 7
    const late = await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: PASSWORD } });
    clock = T1;
    expect(late.statusCode).toBe(400);
    expect(late.json().error.field).toBe('token');
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'm1@example.org', password: PASSWORD } });
    expect(signIn.statusCode).toBe(401);
  });

  it('refuses a revoked token outright, even on public pages (401)', async () => {
    expect((await get('revoked token', '/api/v1/discussions/d1/tally')).statusCode).toBe(401);
  });

  it("refuses the live stream of a small branch to readers who may not see it, and serves it to those who may", async () => {
    const anon = await get('anyone', '/api/v1/discussions/d1/tally/stream?unit=b4');
    expect(anon.statusCode).toBe(403);
    expect(anon.json().error).toMatchObject({ code: 'forbidden', field: 'unit' });
  });

  it("lists the branches that have not reported, with their secretaries' contacts, paged and as CSV", async () => {
    const all = (await get('office', '/api/v1/discussions/d1/not-reported')).json();
    expect(all.items.map((u: { unitId: string }) => u.unitId)).toEqual(['b2', 'b3', 'b5', 'b6', 'b7', 'b8']); // b9 has no voting members
    expect(all.items.find((u: { unitId: string }) => u.unitId === 'b3')).toMatchObject({ roll: 25, ancestors: ['root', 'r1', 'd12'], path: [{ id: 'root', name: 'Central Committee' }, { id: 'r1', name: 'Region One' }, { id: 'd12', name: 'District 1-2' }], secretaries: [{ email: 'sec.b3@example.org' }] });
    expect((await get('committee-d11', '/api/v1/discussions/d1/not-reported?under=d11')).json()).toMatchObject({ items: [{ unitId: 'b2', secretaries: [] }], next: null });

    const first = (await get('office', '/api/v1/discussions/d1/not-reported?limit=4')).json();
    expect(first.items).toHaveLength(4);
    const rest = (await get('office', `/api/v1/discussions/d1/not-reported?limit=4&cursor=${first.next}`)).json();
    expect([...first.items, ...rest.items].map((u: { unitId: string }) => u.unitId)).toEqual(['b2', 'b3', 'b5', 'b6', 'b7', 'b8']);
    expect(rest.next).toBeNull();

    const csv = await get('office', '/api/v1/discussions/d1/not-reported?under=r1&format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toBe('unit_id,name,kind,parent_id,path,roll,secretaries\r\nb2,Branch 2,branch,d11,Central Committee / Region One / District 1-1,10,\r\nb3,Branch 3,branch,d12,Central Committee / Region One / District 1-2,25,sec.b3@example.org\r\n');

    // A committee asking about a unit outside its subtree learns nothing, not even that it exists.
    const outside = await get('committee-d11', '/api/v1/discussions/d1/not-reported?under=r2');
    const missing = await get('committee-d11', '/api/v1/discussions/d1/not-reported?under=nowhere');
    expect([outside.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(outside.json().error.message.replace('r2', 'X')).toBe(missing.json().error.message.replace('nowhere', 'X'));
  });

  it('lets a secretary submit for her own branch only, whatever else she holds', async () => {
    const submit = (unitId: string) =>
      app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: headersOf('session'), payload: report({ unitId, present: 5, votes: { q1: { positions: { cc: 5 }, abstain: 0 } } }) });
    const other = await submit('b2');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.field).toBe('unitId');
    const own = await app.inject({
      method: 'POST',
      url: '/api/v1/discussions/d1/reports',
      headers: headersOf('session'),
      payload: report({ present: 25, supersedes: 1, resolution: RESOLUTION }),
    });
    expect(own.statusCode).toBe(201);
  });
});
