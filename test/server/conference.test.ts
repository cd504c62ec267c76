/**
 * The conference over HTTP, on both engines (docs/conference.md): defining it (bad input names the field), apportioning
 * 128 deciding and 222 consultative seats over five gubernias (a 1924-like table: sums, minimum, exact quotas, a tie
 * broken), re-apportioning only with a reason and keeping the earlier table, delegates within their unit's seats and
 * from its roll, the credentials committee's decisions, motions (resolutions by the office, amendments by a confirmed
 * delegate signed in with her own account), votes by count and by roll call (each confirmed deciding delegate once),
 * the result under the stated rule, who may do what (deny by default) and what the public sees (no personal data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apportion } from '../../src/domain/apportionment.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { acceptInvitation, inviteMembers } from '../../src/services/links.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { submitReport } from '../../src/services/reports.ts';
import { createToken } from '../../src/services/tokens.ts';
import type { Mail } from '../../src/services/mailer.ts';
import { listAuditEvents } from '../../src/storage/audit.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, report, T0, T1 } from '../support/factories.ts';

const PASSWORD = 'correct horse battery staple';

// Five gubernias (the electing level) and one cell outside any of them, whose members are not represented.
const TREE = `id,parent_id,name,kind
cc,,Central Committee,national
g1,cc,Gubernia One,gubernia
g2,cc,Gubernia Two,gubernia
g3,cc,Gubernia Three,gubernia
g4,cc,Gubernia Four,gubernia
g5,cc,Gubernia Five,gubernia
c11,g1,Cell 1-1,cell
c12,g1,Cell 1-2,cell
c21,g2,Cell 2-1,cell
c31,g3,Cell 3-1,cell
c41,g4,Cell 4-1,cell
c51,g5,Cell 5-1,cell
x1,cc,Army cell,cell
`;
const ROLLS: Record<string, number> = { c11: 200, c12: 100, c21: 150, c31: 60, c41: 9, c51: 1, x1: 5 };

function members(): string {
  const lines = ['id,unit_id,name,email,status'];
  for (const [cell, n] of Object.entries(ROLLS)) {
    for (let k = 1; k <= n; k++) lines.push(`${cell}-${k},${cell},Comrade ${cell}-${k},${cell}-${k}@example.org,member`);
  }
  lines.push('c11-cand,c11,Candidate Petrova,cand@example.org,candidate');
  return `${lines.join('\n')}\n`;
}

const HARE_128 = { method: 'hare', seats: 128, min: 1 } as const;
const DHONDT_222 = { method: 'dhondt', seats: 222 } as const;
const DEFINITION = { name: 'Thirteenth Party Conference', electingLevel: { kind: 'gubernia' }, basis: 'roll', deciding: HARE_128, consultative: DHONDT_222 };

describe.each(ENGINES)('the conference on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  const outbox: Mail[] = [];
  const tokens: Record<string, string> = {};
  const cookies: Record<string, { cookie: string; csrf: string }> = {};
  const delegates: Record<string, string> = {};
  const url = (path: string) => `/api/v1/discussions/d1/conference${path}`;

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => T1, live: false, mailer: { send: async (m) => void outbox.push(m) } });
    await importUnitsCsv(store.db, TREE, T0);
    await importMembersCsv(store.db, members(), T0);
    await createDiscussion(store.db, discussionDef(), T0);
    await openDiscussion(store.db, 'd1', T0);
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['commission', 'commission', null],
      ['observer', 'observer', null],
      ['committee-g1', 'committee', 'g1'],
      ['secretary-g4', 'secretary', 'g4'],
      ['secretary-c41', 'secretary', 'c41'],
      ['member-c11', 'member', 'c11'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, T0)).token;
    }
    // Two members with accounts of their own (by invitation): c11-1 will be a confirmed delegate, c11-3 a pending one.
    await inviteMembers(store.db, { send: async (m) => void outbox.push(m) }, { memberIds: ['c11-1', 'c11-3'], baseUrl: 'http://plenum.test' }, T0);
    for (const mail of outbox.splice(0)) await acceptInvitation(store.db, /token=(\S+)/.exec(mail.text)![1]!, PASSWORD, T0);
    for (const member of ['c11-1', 'c11-3']) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: `${member}@example.org`, password: PASSWORD } });
      expect(r.statusCode, r.body).toBe(200);
      cookies[member] = { cookie: String(r.headers['set-cookie']).split(';')[0]!, csrf: r.json().csrfToken };
    }
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const headersOf = (who: string): Record<string, string> => {
    if (who === 'anyone') return {};
    if (tokens[who]) return { authorization: `Bearer ${tokens[who]}` };
    return { cookie: cookies[who]!.cookie, 'x-csrf-token': cookies[who]!.csrf };
  };
  const call = (who: string, method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
    app.inject({ method, url: url(path), headers: headersOf(who), ...(payload ? { payload } : {}) });
  const expectError = (r: { statusCode: number; body: string; json(): { error: { code: string; field: string | null; message: string } } }, status: number, field?: string, message?: RegExp) => {
    expect(r.statusCode, r.body).toBe(status);
    if (field !== undefined) expect(r.json().error.field, r.body).toBe(field);
    if (message) expect(r.json().error.message).toMatch(message);
  };
  /** No member's name, email or id anywhere in a public answer. */
  const expectNoPersonalData = (body: string) => {
    expect(body).not.toMatch(/Comrade|Petrova|@example\.org|"c\d\d-(\d+|cand)"|memberId|memberName/);
  };

  it('define: only the office; bad input names the field and changes nothing', async () => {
    expectError(await call('anyone', 'PUT', '', DEFINITION), 401);
    for (const who of ['member-c11', 'commission', 'committee-g1', 'secretary-g4']) expectError(await call(who, 'PUT', '', DEFINITION), 403);

    const bad: Array<[object, string, RegExp?]> = [
      [{ ...DEFINITION, electingLevel: { kind: 'province' } }, 'electingLevel', /no unit of kind 'province'.*cell, gubernia, national/],
      [{ ...DEFINITION, electingLevel: { depth: 7 } }, 'electingLevel', /no unit at depth 7/],
      [{ ...DEFINITION, deciding: { method: 'hare' } }, 'deciding.seats', /needs seats/],
      [{ ...DEFINITION, deciding: { method: 'hare', seats: 3, min: 1 } }, 'deciding.seats', /less than the minimums require \(5 units/],
      [{ ...DEFINITION, deciding: { method: 'per', per: 50, seats: 10 } }, 'deciding.seats', /applies only to the proportional methods/],
      [{ ...DEFINITION, consultative: { method: 'stepped', first: 100 } }, 'consultative.step', /needs step/],
      [{ ...DEFINITION, deciding: { method: 'borda', seats: 10 } }, 'deciding.method'],
      [{ ...DEFINITION, basis: 'everyone' }, 'basis'],
      [{ ...DEFINITION, deciding: { ...HARE_128, seats: -1 } }, 'deciding.seats'],
      [{ ...DEFINITION, colour: 'red' }, 'colour', /unknown field/],
    ];
    for (const [payload, field, message] of bad) expectError(await call('office', 'PUT', '', payload), 400, field, message);
    expectError(await call('anyone', 'GET', ''), 404);

    const r = await call('office', 'PUT', '', DEFINITION);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ discussionId: 'd1', state: 'draft', electingLevel: { kind: 'gubernia' }, deciding: HARE_128, apportionment: null, versions: [] });
    expect(r.json().voteRule).toMatch(/simple majority of the votes cast/);
  });

  it('apportion: 128 deciding seats (min 1) and 222 consultative over five gubernias, exact quotas, a tie broken and stated', async () => {
    expectError(await call('member-c11', 'POST', '/apportion', {}), 403);
    expectError(await call('anyone', 'POST', '/apportion', {}), 401);
    const r = await call('office', 'POST', '/apportion', {});
    expect(r.statusCode, r.body).toBe(201);
    const t = r.json();
    // Populations are the subtrees' voting members on the frozen roll (the candidate does not count); x1 is outside.
    expect(t.units.map((u: { unitId: string; population: number }) => [u.unitId, u.population])).toEqual([['g1', 300], ['g2', 150], ['g3', 60], ['g4', 9], ['g5', 1]]);
    expect(t).toMatchObject({ version: 1, basis: 'roll', reason: null, population: 520, outside: 5 });
    const deciding = t.units.map((u: { deciding: { seats: number } }) => u.deciding.seats);
    const consultative = t.units.map((u: { consultative: { seats: number } }) => u.consultative.seats);
    expect(deciding.reduce((a: number, b: number) => a + b)).toBe(128);
    expect(consultative.reduce((a: number, b: number) => a + b)).toBe(222);
    // By hand: g5's quota 16/65 < 1, so it is held at the minimum 1; 127 seats over 519 members give 73.41, 36.71,
    // 14.68, 2.20 → floors 73, 36, 14, 2 (+1 = 126); the 2 left go to the largest remainders .71 (g2) and .68 (g3).
    expect(deciding).toEqual([73, 37, 15, 2, 1]);
    expect(t.units[0].deciding).toEqual({ quota: '960/13', quotaDecimal: '73.8462', share: '12700/173', seats: 73 });
    expect(t.units[4].deciding).toMatchObject({ quota: '16/65', quotaDecimal: '0.2462', share: '1', seats: 1 });
    // D'Hondt: the last seat is tied between g1, g2 and g3 (300/130 = 150/65 = 60/26 = 30/13) and goes to g1.
    expect(consultative).toEqual([130, 64, 25, 3, 0]);
    expect(t.consultative.ties).toEqual([
      { by: 'quotient', value: '30/13', seats: 1, among: ['g1', 'g2', 'g3'], awarded: ['g1'], text: expect.stringMatching(/tied between g1, g2, g3.*larger population first/) },
    ]);
    // The same engine, run directly, gives the same table.
    const direct = apportion([300, 150, 60, 9, 1].map((p, i) => ({ id: `g${i + 1}`, population: p })), HARE_128);
    expect(direct.units.map((u) => u.seats)).toEqual(deciding);

    const pub = await call('anyone', 'GET', '');
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ state: 'apportioned', apportionment: { version: 1 }, versions: [{ version: 1, reason: null }] });
    expectNoPersonalData(pub.body);
  });

  it('re-apportioning needs a reason, keeps the earlier table, and never strands a delegate', async () => {
    // Members in units that reported: every cell but c12 and x1 reports.
    for (const [unitId, present] of [['c11', 150], ['c21', 100], ['c31', 40], ['c41', 9], ['c51', 1]] as const) {
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId, present, votes: { q1: { positions: { cc: present, opp: 0 }, abstain: 0 } } }), submittedBy: 'test', now: T1 });
    }
    expect((await call('office', 'PUT', '', { ...DEFINITION, basis: 'reported' })).statusCode).toBe(200);
    expectError(await call('office', 'POST', '/apportion', {}), 400, 'reason', /replaces table version 1/);
    expectError(await call('office', 'POST', '/apportion', { reason: '' }), 400, 'reason');
    expect((await call('anyone', 'GET', '')).json().apportionment.version).toBe(1);

    const r = await call('office', 'POST', '/apportion', { reason: 'the conference seats members of the units that reported' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ version: 2, basis: 'reported', population: 420, outside: 0, reason: 'the conference seats members of the units that reported' });
    expect(r.json().units.map((u: { deciding: { seats: number } }) => u.deciding.seats)).toEqual([61, 45, 18, 3, 1]);
    const now = (await call('anyone', 'GET', '')).json();
    expect(now.apportionment.version).toBe(2);
    expect(now.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await call('anyone', 'GET', '/apportionments/1');
    expect(v1.json()).toMatchObject({ version: 1, basis: 'roll', population: 520 });
    expect(v1.json().units.map((u: { deciding: { seats: number } }) => u.deciding.seats)).toEqual([73, 37, 15, 2, 1]);
    expectError(await call('anyone', 'GET', '/apportionments/9'), 404);

    // g4 (3 deciding seats now) records its 3 delegates; a table that would leave it fewer is refused, nothing stored.
    for (const m of ['c41-1', 'c41-2', 'c41-3']) {
      const d = await call('secretary-g4', 'POST', '/delegates', { unitId: 'g4', memberId: m, vote: 'deciding', electedAt: '2024-01-04', electedMeeting: 'Gubernia conference' });
      expect(d.statusCode, d.body).toBe(201);
      delegates[m] = d.json().id;
    }
    expect((await call('office', 'PUT', '', { ...DEFINITION, basis: 'reported', deciding: { method: 'sainte-lague', seats: 10 } })).statusCode).toBe(200);
    expectError(await call('office', 'POST', '/apportion', { reason: 'fewer seats' }), 409, 'deciding', /unit 'g4' 0 deciding seat\(s\), but it has 3/);
    expect((await call('anyone', 'GET', '')).json().versions).toHaveLength(2);
    expect((await call('office', 'PUT', '', { ...DEFINITION, basis: 'reported' })).statusCode).toBe(200);
  });

  it("delegates: the electing unit's officers record members of its roll, never beyond its seats", async () => {
    const delegate = (over: object = {}) => ({ unitId: 'g4', memberId: 'c41-4', vote: 'deciding', electedAt: '2024-01-04', electedMeeting: 'Gubernia conference', ...over });
    // Who: not a member, not the secretary of a cell below, not the secretary of another unit; anonymous is 401.
    expectError(await call('anyone', 'POST', '/delegates', delegate()), 401);
    expectError(await call('member-c11', 'POST', '/delegates', delegate()), 403);
    expectError(await call('secretary-c41', 'POST', '/delegates', delegate()), 403, 'unitId');
    expectError(await call('committee-g1', 'POST', '/delegates', delegate()), 403, 'unitId');
    // g4 has 3 deciding seats and 3 pending delegates: a fourth is refused.
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate()), 409, 'vote', /3 deciding seat\(s\) and 3 deciding delegate\(s\) already recorded/);
    // What: a unit that is not an electing unit; a member of another gubernia; the same member twice; a meeting in the future.
    expectError(await call('office', 'POST', '/delegates', delegate({ unitId: 'c41' })), 400, 'unitId', /not an electing unit/);
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate({ memberId: 'c11-9', vote: 'consultative' })), 400, 'memberId', /no member 'c11-9' on the roll of 'g4'/);
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate({ memberId: 'c41-1', vote: 'consultative' })), 409, 'memberId', /already a delegate/);
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate({ vote: 'consultative', electedAt: '2024-02-01' })), 400, 'electedAt');
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate({ vote: 'advisory' })), 400, 'vote');
    expectError(await call('secretary-g4', 'POST', '/delegates', delegate({ electedAt: 'yesterday' })), 400, 'electedAt');

    // g1's committee: three deciding delegates, a consultative candidate; a candidate cannot hold a deciding vote.
    expectError(await call('committee-g1', 'POST', '/delegates', delegate({ unitId: 'g1', memberId: 'c11-cand' })), 400, 'memberId', /status 'candidate', which does not vote/);
    for (const [m, vote] of [['c11-1', 'deciding'], ['c11-2', 'deciding'], ['c12-1', 'deciding'], ['c11-3', 'deciding'], ['c11-cand', 'consultative']] as const) {
      const r = await call('committee-g1', 'POST', '/delegates', delegate({ unitId: 'g1', memberId: m, vote }));
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ unitId: 'g1', memberId: m, vote, state: 'pending' });
      expect(r.json().memberName).toBeUndefined();
      delegates[m] = r.json().id;
    }
  });

  it('credentials: the committee confirms, or rejects with a reason; once; a rejection frees the seat', async () => {
    const path = (m: string, what: string) => `/delegates/${delegates[m]}/${what}`;
    for (const who of ['member-c11', 'secretary-g4', 'committee-g1', 'observer']) expectError(await call(who, 'POST', path('c41-1', 'confirm'), {}), 403);
    expectError(await call('anyone', 'POST', path('c41-1', 'confirm'), {}), 401);
    expectError(await call('commission', 'POST', path('c41-2', 'reject'), {}), 400, 'reason');
    expectError(await call('commission', 'POST', '/delegates/nobody/confirm', {}), 404, 'delegateId');

    for (const m of ['c41-1', 'c11-1', 'c11-2', 'c12-1', 'c11-cand']) {
      const r = await call(m === 'c41-1' ? 'office' : 'commission', 'POST', path(m, 'confirm'), {});
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ state: 'confirmed', decidedBy: expect.stringMatching(/^token:/), memberName: expect.stringMatching(/Comrade|Petrova/) });
    }
    expectError(await call('commission', 'POST', path('c41-1', 'confirm'), {}), 409, 'delegateId', /confirmed, not pending/);
    const rejected = await call('commission', 'POST', path('c41-2', 'reject'), { reason: 'the minutes of the gubernia conference show no quorum' });
    expect(rejected.json()).toMatchObject({ state: 'rejected', reason: 'the minutes of the gubernia conference show no quorum' });
    expectError(await call('commission', 'POST', path('c41-2', 'confirm'), {}), 409);
    // The rejected mandate's seat is free again: g4 elects c41-4 (who stays pending).
    const again = await call('secretary-g4', 'POST', '/delegates', { unitId: 'g4', memberId: 'c41-4', vote: 'deciding', electedAt: '2024-01-05', electedMeeting: 'Gubernia conference, second sitting' });
    expect(again.statusCode, again.body).toBe(201);
    delegates['c41-4'] = again.json().id;

    // The public sees counts per unit and state beside the seats, and nobody's name, email or member id.
    const pub = await call('anyone', 'GET', '/delegates');
    expect(pub.statusCode).toBe(200);
    expect(pub.json().items).toBeUndefined();
    expect(pub.json().units.find((u: { unitId: string }) => u.unitId === 'g4')).toEqual({ unitId: 'g4', name: 'Gubernia Four', deciding: { seats: 3, pending: 2, confirmed: 1, rejected: 1 }, consultative: { seats: 4, pending: 0, confirmed: 0, rejected: 0 } });
    expect(pub.json().totals.deciding).toEqual({ seats: 128, pending: 3, confirmed: 4, rejected: 1 });
    expectNoPersonalData(pub.body);
    expectNoPersonalData((await call('member-c11', 'GET', '/delegates')).body);
    // The credentials committee sees each mandate with the member.
    const full = (await call('commission', 'GET', '/delegates')).json();
    expect(full.items).toHaveLength(9);
    expect(full.items.find((d: { memberId: string }) => d.memberId === 'c41-2')).toMatchObject({ memberName: 'Comrade c41-2', state: 'rejected', reason: expect.any(String) });
    // Those who record a unit's delegates see that unit's mandates, and no other unit's.
    const g1 = (await call('committee-g1', 'GET', '/delegates')).json();
    expect(g1.items.length).toBeGreaterThan(0);
    expect(new Set(g1.items.map((d: { unitId: string }) => d.unitId))).toEqual(new Set(['g1']));
    const g4 = (await call('secretary-g4', 'GET', '/delegates')).json();
    expect(new Set(g4.items.map((d: { unitId: string }) => d.unitId))).toEqual(new Set(['g4']));
    expect((await call('secretary-c41', 'GET', '/delegates')).json().items).toEqual([]);
  });

  it('motions: resolutions by the office, amendments by a confirmed delegate in her own name, only in session', async () => {
    const resolution = { kind: 'resolution', questionId: 'q1', title: 'On party unity', text: 'The conference condemns factionalism.' };
    expectError(await call('office', 'POST', '/motions', resolution), 409, 'state', /in-session/);
    expectError(await call('member-c11', 'POST', '/open'), 403);
    const opened = await call('office', 'POST', '/open');
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().state).toBe('in-session');
    expectError(await call('office', 'POST', '/apportion', { reason: 'late' }), 409, 'state');
    expectError(await call('office', 'PUT', '', DEFINITION), 409, 'state');

    expectError(await call('office', 'POST', '/motions', { ...resolution, questionId: 'q9' }), 400, 'questionId', /no question 'q9'/);
    expectError(await call('office', 'POST', '/motions', { ...resolution, kind: 'decree' }), 400);
    expectError(await call('office', 'POST', '/motions', { ...resolution, title: '' }), 400, 'title');
    expectError(await call('c11-1', 'POST', '/motions', resolution), 403, 'kind');
    let r = await call('office', 'POST', '/motions', resolution);
    expect(r.statusCode, r.body).toBe(201);
    const res1 = r.json().id;
    r = await call('office', 'POST', '/motions', { ...resolution, questionId: 'q2', title: 'On the New Economic Policy', text: 'The NEP stands.' });
    const res2 = r.json().id;

    const amendment = { kind: 'amendment', amends: res1, title: 'Amendment 1', text: 'Add: "and all groupings".' };
    // A token (no member behind it), a member who is not a delegate's account, a pending delegate: refused.
    expectError(await call('member-c11', 'POST', '/motions', amendment), 403, undefined, /confirmed delegate/);
    expectError(await call('c11-3', 'POST', '/motions', amendment), 403, undefined, /pending/);
    expectError(await call('c11-1', 'POST', '/motions', { ...amendment, amends: 'nothing' }), 400, 'amends');
    expectError(await call('c11-1', 'POST', '/motions', { ...amendment, delegateId: delegates['c11-2'] }), 403, 'delegateId');
    r = await call('c11-1', 'POST', '/motions', amendment);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'amendment', amends: res1, questionId: 'q1', proposedBy: 'delegate', proposerUnitId: 'g1', delegateId: delegates['c11-1'], state: 'proposed' });
    // The office records an amendment moved from the floor, naming a confirmed delegate (not a pending one).
    expectError(await call('office', 'POST', '/motions', { ...amendment, delegateId: delegates['c41-3'] }), 409, 'delegateId', /pending/);
    r = await call('office', 'POST', '/motions', { ...amendment, amends: res2, delegateId: delegates['c41-1'], title: 'Amendment 2' });
    expect(r.json()).toMatchObject({ proposedBy: 'delegate', proposerUnitId: 'g4' });
    expectError(await call('c11-1', 'POST', '/motions', { ...amendment, amends: r.json().id }), 400, 'amends', /amends a resolution/);

    const pub = await call('anyone', 'GET', '/motions');
    expect(pub.json().items.map((m: { title: string }) => m.title)).toEqual(['On party unity', 'On the New Economic Policy', 'Amendment 1', 'Amendment 2']);
    expect(pub.json().items[2].delegateId).toBeUndefined();
    expectNoPersonalData(pub.body);
  });

  it('votes: by count within the confirmed deciding delegates; by roll call each once, confirmed and deciding only; results computed and final', async () => {
    const motions = (await call('office', 'GET', '/motions')).json().items as Array<{ id: string; title: string }>;
    const id = (title: string) => motions.find((m) => m.title === title)!.id;

    // 4 confirmed deciding delegates (c41-1, c11-1, c11-2, c12-1): 5 votes cannot have been cast.
    expectError(await call('member-c11', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'count', for: 1, against: 0, abstain: 0 }), 403);
    expectError(await call('office', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'count', for: 3, against: 1, abstain: 1 }), 400, 'for', /= 5\) exceeds the confirmed delegates with a deciding vote \(4\)/);
    expectError(await call('office', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'count', for: -1, against: 0, abstain: 0 }), 400, 'for');
    expectError(await call('office', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'show-of-hands' }), 400);
    expectError(await call('office', 'POST', '/motions/nothing/votes', { method: 'roll-call' }), 404, 'motionId');
    expect((await call('anyone', 'GET', '/motions')).json().items[2].vote).toBeNull();

    let r = await call('office', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'count', for: 3, against: 1, abstain: 0 });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ method: 'count', state: 'closed', for: 3, against: 1, abstain: 0, eligible: 4, result: 'adopted', rule: expect.stringMatching(/votes for exceed the votes against/) });
    expectError(await call('office', 'POST', `/motions/${id('Amendment 1')}/votes`, { method: 'count', for: 1, against: 3, abstain: 0 }), 409, 'motionId', /never edited/);
    // A tie is not a majority.
    r = await call('office', 'POST', `/motions/${id('Amendment 2')}/votes`, { method: 'count', for: 2, against: 2, abstain: 0 });
    expect(r.json().result).toBe('rejected');

    // Roll call on the resolution.
    r = await call('office', 'POST', `/motions/${id('On party unity')}/votes`, { method: 'roll-call' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ method: 'roll-call', state: 'open', result: null, ballotsCast: 0 });
    const vote = r.json().id as string;
    const ballot = (m: string, choice = 'for', who = 'office') => call(who, 'POST', `/votes/${vote}/ballots`, { delegateId: delegates[m] ?? m, choice });

    expectError(await ballot('c11-1', 'for', 'member-c11'), 403);
    expectError(await ballot('c11-1', 'for', 'commission'), 403);
    for (const [m, choice] of [['c11-1', 'for'], ['c11-2', 'for'], ['c12-1', 'against'], ['c41-1', 'abstain']] as const) {
      r = await ballot(m, choice);
      expect(r.statusCode, r.body).toBe(201);
    }
    expectError(await ballot('c11-1', 'against'), 409, 'delegateId', /already voted.*each delegate votes once/);
    expectError(await ballot('c41-3'), 409, 'delegateId', /pending: only a delegate whose credentials are confirmed votes/);
    expectError(await ballot('c41-2'), 409, 'delegateId', /rejected/);
    expectError(await ballot('c11-cand'), 400, 'delegateId', /consultative vote/);
    expectError(await ballot('nobody'), 400, 'delegateId');
    expectError(await ballot('c11-2', 'maybe'), 400, 'choice');

    const pub = await call('anyone', 'GET', `/votes/${vote}`);
    expect(pub.json()).toMatchObject({ state: 'open', ballotsCast: 4 });
    expect(pub.json().ballots).toBeUndefined();
    expectError(await call('office', 'POST', '/close'), 409, 'state', /still open/);

    r = await call('office', 'POST', `/votes/${vote}/close`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ state: 'closed', for: 2, against: 1, abstain: 1, eligible: 4, result: 'adopted', ballotsCast: 4 });
    expect(r.json().ballots).toHaveLength(4);
    expectError(await call('office', 'POST', `/votes/${vote}/close`), 409, 'voteId', /closed/);
    expectError(await ballot('c11-2', 'against'), 409, 'voteId', /closed/);
    expectError(await call('office', 'POST', `/votes/${r.json().id}/ballots`, { delegateId: delegates['c11-2'], choice: 'for' }), 409);

    const listed = await call('anyone', 'GET', '/motions');
    expect(listed.json().items.map((m: { state: string }) => m.state)).toEqual(['adopted', 'proposed', 'adopted', 'rejected']);
    expectNoPersonalData(listed.body);
    // Amending a resolution already voted on is refused.
    expectError(await call('c11-1', 'POST', '/motions', { kind: 'amendment', amends: id('On party unity'), title: 'Late', text: 'Too late.' }), 409, 'amends');

    const closed = await call('office', 'POST', '/close');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().state).toBe('closed');
    expectError(await call('office', 'POST', `/motions/${id('On the New Economic Policy')}/votes`, { method: 'count', for: 1, against: 0, abstain: 0 }), 409, 'state');
  });

  it('is described in OpenAPI', async () => {
    const spec = (await app.inject({ url: '/api/docs/json' })).json();
    for (const path of ['', '/apportion', '/delegates', '/delegates/{delegateId}/reject', '/motions', '/motions/{motionId}/votes', '/votes/{voteId}/ballots', '/votes/{voteId}/close']) {
      expect(spec.paths[`/api/v1/discussions/{id}/conference${path}`], path).toBeDefined();
    }
  });

  it('every write is an audit event, without names', async () => {
    const events = await listAuditEvents(store.db, { limit: 10_000 });
    const actions = events.map((e) => e.action);
    for (const a of ['conference.define', 'conference.apportion', 'conference.open', 'conference.close', 'delegate.record', 'delegate.confirm', 'delegate.reject', 'motion.propose', 'vote.record', 'vote.open', 'ballot.record', 'vote.close']) {
      expect(actions, a).toContain(a);
    }
    expect(actions.filter((a) => a === 'conference.apportion')).toHaveLength(2);
    expect(actions.filter((a) => a === 'ballot.record')).toHaveLength(4);
    expect(JSON.stringify(events.filter((e) => e.target.startsWith('delegate:') || e.target.startsWith('vote:')))).not.toMatch(/Comrade|@example/);
  });
});
