import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createToken, revoke } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, membersCsv, report, SMALL_TREE, T0 } from '../support/factories.ts';

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let office: string;
  let observer: string;
  let clock = T0;
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => clock, live: false });
    office = (await createToken(store.db, { name: 'office', role: 'office' }, T0)).token;
    observer = (await createToken(store.db, { name: 'press', role: 'observer' }, T0)).token;
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('runs a discussion end to end: import, create, open, report, correct, tally', async () => {
    let r = await app.inject({ method: 'POST', url: '/api/v1/units/import', headers: { ...auth(office), 'content-type': 'text/csv' }, payload: SMALL_TREE });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ rows: 16, created: 16, updated: 0 });
    r = await app.inject({ method: 'POST', url: '/api/v1/members/import', headers: { ...auth(office), 'content-type': 'text/csv' }, payload: membersCsv() });
    expect(r.json().rows).toBe(166);
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(office), payload: discussionDef() });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ id: 'd1', state: 'draft', reportingOpen: false });
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/open', headers: auth(office) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ state: 'open', rootUnitId: 'root', reportingOpen: true });

    clock = '2024-01-05T10:00:00.000Z';
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { ...auth(office), 'idempotency-key': 'abc' }, payload: report() });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ unitId: 'b1', version: 1, quorate: true, adopted: { q1: 'cc', q2: null }, logIndex: expect.any(Number) });
    const retry = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { ...auth(office), 'idempotency-key': 'abc' }, payload: report() });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(r.json());

    r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report({ present: 25 }) });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'version_conflict', field: 'supersedes' });
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report({ present: 25, supersedes: 1 }) });
    expect(r.json()).toMatchObject({ version: 2 });

    r = await app.inject({ url: '/api/v1/discussions/d1/units/b1/reports' });
    expect(r.json().map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([
      [1, false],
      [2, true],
    ]);

    r = await app.inject({ url: '/api/v1/discussions/d1/tally' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      discussionId: 'd1',
      unitId: 'root',
      provisional: true,
      unitsTotal: 8,
      unitsReported: 1,
      unitsQuorate: 1,
      membersTotal: 158,
      membersReported: 40,
      present: 25,
      questions: { q1: { adopted: { cc: { units: 1, members: 40 }, opp: { units: 0, members: 0 }, none: { units: 0, members: 0 } }, votes: { cc: 20, opp: 2 }, abstain: 1 } },
    });
    r = await app.inject({ url: '/api/v1/discussions/d1/tally?unit=r2' });
    expect(r.json()).toMatchObject({ unitId: 'r2', unitsReported: 0, membersTotal: 80 });

    const home = await app.inject({ url: '/summary' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('25.3% (40 of 158)');
    expect(home.body).not.toMatch(/Member \d|@example\.org/);

    clock = '2024-01-15T00:00:00.000Z';
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report({ unitId: 'b2', present: 5, votes: {} }) });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('reporting_closed');
    expect((await app.inject({ url: '/api/v1/discussions/d1/tally' })).json().provisional).toBe(false);
  });

  it('needs a token to write (401), the right role (403), and lets anyone read', async () => {
    const body = discussionDef({ id: 'd-auth' });
    let r = await app.inject({ method: 'POST', url: '/api/v1/discussions', payload: body });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('unauthenticated');
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(observer), payload: body });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('forbidden');
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth('plenum_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), payload: body });
    expect(r.statusCode).toBe(401);
    r = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: { authorization: 'Basic abc' }, payload: body });
    expect(r.statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/discussions' })).statusCode).toBe(200);
  });

  it('answers bad input with 4xx naming the field and the rule, never 500, and stores nothing', async () => {
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, headers: { ...auth(office), ...headers }, payload: payload as string });
    const cases: Array<[string, unknown, number, string | null, RegExp?]> = [
      ['/api/v1/discussions/d1/reports', { ...report(), present: -1 }, 400, 'present', /0 or more/],
      ['/api/v1/discussions/d1/reports', { ...report(), present: 2.5 }, 400, 'present', /whole number/],
      ['/api/v1/discussions/d1/reports', { ...report(), present: '23' }, 400, 'present'],
      ['/api/v1/discussions/d1/reports', { ...report(), unitId: "b1'; drop table reports; --" }, 400, 'unitId'],
      ['/api/v1/discussions/d1/reports', { ...report(), extra: 1 }, 400, 'extra', /unknown field/],
      ['/api/v1/discussions/d1/reports', { ...report(), votes: { q1: { positions: { cc: 1 } } } }, 400, 'votes.q1.abstain'],
      ['/api/v1/discussions/d1/reports', { ...report(), meetingDate: '5 Jan 1924' }, 400, 'meetingDate'],
      ['/api/v1/discussions/d1/reports', { ...report(), resolution: 'x'.repeat(100_001) }, 400, 'resolution'],
      ['/api/v1/discussions/d1/reports', { ...report(), unitId: 'b\u0000\u202e1' }, 400, 'unitId'],
      ['/api/v1/discussions/d1/reports', { ...report(), resolution: 'adopted\u0000' }, 400, 'resolution', /NUL/],
      ['/api/v1/discussions/nope/reports', report(), 404, null, /discussion 'nope' not found/],
      ['/api/v1/discussions', { ...discussionDef({ id: 'dq' }), rules: { quorum: 1.5, majority: 'votes-cast' } }, 400, 'rules.quorum'],
      ['/api/v1/discussions', { ...discussionDef({ id: 'dq' }), rules: { quorum: 0.5, majority: 'most' } }, 400, 'rules.majority'],
      ['/api/v1/discussions', { ...discussionDef({ id: 'dq' }), reportingClosesAt: 'soon' }, 400, 'reportingClosesAt'],
      ['/api/v1/discussions', discussionDef({ id: 'dq', questions: [{ id: 'q', text: 't', positions: [{ id: 'none', title: 'x' }] }] }), 400, 'questions.0.positions.0.id', /reserved/],
      ['/api/v1/discussions', discussionDef({ id: 'd1' }), 409, 'id', /already exists/],
    ];
    const before = (await app.inject({ url: '/api/v1/discussions/d1/tally' })).body;
    for (const [url, payload, status, field, message] of cases) {
      const r = await post(url, payload);
      expect(r.statusCode, `${url} ${JSON.stringify(payload).slice(0, 120)}`).toBe(status);
      const error = r.json().error;
      expect(error.field ?? null).toBe(field);
      expect(typeof error.message).toBe('string');
      if (message) expect(error.message).toMatch(message);
    }
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { ...auth(office), 'content-type': 'application/json' }, payload: '{"unitId": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid_input');
    const huge = await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { ...auth(office), 'content-type': 'application/json' }, payload: `{"resolution":"${'x'.repeat(1_100_000)}"}` });
    expect(huge.statusCode).toBe(413);
    const csv = await app.inject({ method: 'POST', url: '/api/v1/units/import', headers: { ...auth(office), 'content-type': 'text/csv' }, payload: 'id,parent_id,name,kind\nzz,nowhere,Z,branch\n' });
    expect(csv.statusCode).toBe(400);
    expect(csv.json().error).toMatchObject({ code: 'csv_invalid', field: 'parent_id', line: 2, column: 2 });
    expect((await app.inject({ url: '/api/v1/discussions/d1/tally' })).body).toBe(before);
    expect((await app.inject({ url: '/api/v1/nothing-here' })).json().error.code).toBe('not_found');
    expect((await app.inject({ url: '/api/v1/discussions/d1/tally?unit=nowhere' })).statusCode).toBe(404);
  });

  it('refuses ids that JavaScript objects already use', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/discussions',
      headers: auth(office),
      payload: discussionDef({ id: 'dproto', questions: [{ id: 'toString', text: 't', positions: [{ id: 'constructor', title: 'x' }] }] }),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ field: 'questions.0.id', message: expect.stringMatching(/reserved/) });
    const csv = await app.inject({ method: 'POST', url: '/api/v1/units/import', headers: { ...auth(office), 'content-type': 'text/csv' }, payload: 'id,parent_id,name,kind\nconstructor,root,X,branch\n' });
    expect(csv.json().error).toMatchObject({ code: 'csv_invalid', line: 2, column: 1 });
  });

  it('never answers 500 to arbitrary input (property)', async () => {
    // An open window, so bodies that pass the schema reach the rules and the storage.
    await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(office), payload: discussionDef({ id: 'dfuzz', reportingClosesAt: '2099-01-01T00:00:00Z' }) });
    expect((await app.inject({ method: 'POST', url: '/api/v1/discussions/dfuzz/open', headers: auth(office) })).statusCode).toBe(200);
    const anyReport = fc.record(
      {
        unitId: fc.oneof(fc.constantFrom('b1', 'b2', 'b3', 'b5', 'b9', 'root'), fc.string(), fc.integer()),
        meetingDate: fc.oneof(fc.constant('2024-01-05'), fc.string()),
        present: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double(), fc.string()),
        votes: fc.oneof(
          fc.dictionary(fc.constantFrom('q1', 'q2', 'qx', '__proto__', 'constructor'), fc.record({ positions: fc.dictionary(fc.constantFrom('cc', 'opp', 'none', 'toString'), fc.integer({ min: -1, max: 50 })), abstain: fc.integer({ min: -1, max: 5 }) })),
          fc.anything(),
        ),
        resolution: fc.oneof(fc.string(), fc.string({ unit: 'binary' })),
        supersedes: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 5 }), fc.string()),
      },
      { requiredKeys: ['unitId', 'meetingDate', 'present', 'votes', 'resolution'] },
    );
    const wellFormed = fc.record({
      unitId: fc.constantFrom('b1', 'b2', 'b3', 'b5', 'b6', 'b7'),
      meetingDate: fc.constant('2024-01-05'),
      present: fc.integer({ min: 0, max: 7 }),
      votes: fc.constant({}),
      resolution: fc.string({ unit: 'binary' }),
    });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyReport, fc.anything(), wellFormed), fc.constantFrom('dfuzz', 'dfuzz', 'd1', 'toString', 'x%20y', '__proto__'), async (body, discussion) => {
        const r = await app.inject({ method: 'POST', url: `/api/v1/discussions/${discussion}/reports`, headers: { ...auth(office), 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
        expect(r.statusCode).toBeLessThan(500);
        if (r.statusCode >= 400) expect(r.json().error.code).toBeTypeOf('string');
        else accepted++;
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('describes itself in OpenAPI at /api/docs', async () => {
    const r = await app.inject({ url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const spec = r.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/discussions', '/api/v1/discussions/{id}/open', '/api/v1/discussions/{id}/reports', '/api/v1/discussions/{id}/tally', '/api/v1/discussions/{id}/tally/stream']),
    );
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('lets a secretary report for her own branch only, and a committee for the units below it', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(office), payload: discussionDef({ id: 'dscope', reportingClosesAt: '2099-01-01T00:00:00Z' }) });
    await app.inject({ method: 'POST', url: '/api/v1/discussions/dscope/open', headers: auth(office) });
    const secretary = (await createToken(store.db, { name: 'b1 secretary', role: 'secretary', unitId: 'b1' }, T0)).token;
    const committee = (await createToken(store.db, { name: 'd11 committee', role: 'committee', unitId: 'd11' }, T0)).token;
    const send = (token: string, unitId: string) =>
      app.inject({ method: 'POST', url: '/api/v1/discussions/dscope/reports', headers: auth(token), payload: report({ unitId, present: 1, votes: {} }) });
    expect((await send(secretary, 'b1')).statusCode).toBe(201);
    const other = await send(secretary, 'b2');
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: 'forbidden', field: 'unitId', message: expect.stringMatching(/as secretary for 'b1' only, not for unit 'b2'/) });
    expect((await send(committee, 'b2')).statusCode).toBe(201);
    expect((await send(committee, 'b3')).statusCode).toBe(403);
    expect((await send(committee, 'r1')).statusCode).toBe(403);
    // Refused reports stored nothing.
    const history = await app.inject({ url: '/api/v1/discussions/dscope/units/b3/reports' });
    expect(history.json()).toEqual([]);
    // A secretary may not run the office's business either.
    const create = await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(secretary), payload: discussionDef({ id: 'dx' }) });
    expect(create.statusCode).toBe(403);
  });

  it('creates unit-scoped tokens only with a unit that exists, and organization-wide ones only without', async () => {
    await expect(createToken(store.db, { name: 's', role: 'secretary' }, T0)).rejects.toThrow(/belongs to a unit/);
    await expect(createToken(store.db, { name: 'o', role: 'observer', unitId: 'b1' }, T0)).rejects.toThrow(/organization-wide/);
    await expect(createToken(store.db, { name: 's', role: 'secretary', unitId: 'nowhere' }, T0)).rejects.toThrow(/unknown unit 'nowhere'/);
  });

  it('limits how fast a scoped token may submit, and not the office', async () => {
    const limited = await buildApp({ store, now: () => clock, live: false, reportsPerMinute: 3 });
    try {
      const secretary = (await createToken(store.db, { name: 'b2 secretary', role: 'secretary', unitId: 'b2' }, T0)).token;
      const send = (token: string) =>
        limited.inject({ method: 'POST', url: '/api/v1/discussions/dscope/reports', headers: auth(token), payload: report({ unitId: 'b2', present: 1, votes: {} }) });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await send(secretary)).statusCode);
      expect(codes.slice(0, 3)).not.toContain(429); // 201 or 409 (already reported): counted, answered
      const fourth = await send(secretary);
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().error.code).toBe('rate_limited');
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) expect((await send(office)).statusCode).not.toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('shows the roll with names only to the office and to committees above the members, 404 to others', async () => {
    const committee = (await createToken(store.db, { name: 'd11', role: 'committee', unitId: 'd11' }, T0)).token;
    const secretary = (await createToken(store.db, { name: 'b1', role: 'secretary', unitId: 'b1' }, T0)).token;
    const all = await app.inject({ url: '/api/v1/units/root/members', headers: auth(office) });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toHaveLength(166);
    const d11 = (await app.inject({ url: '/api/v1/units/d11/members', headers: auth(committee) })).json() as Array<{ unitId: string; name: string }>;
    expect(new Set(d11.map((m) => m.unitId))).toEqual(new Set(['b1', 'b2']));
    expect(d11[0]!.name).toMatch(/^(Member|Candidate) /);
    const outside = await app.inject({ url: '/api/v1/units/d12/members', headers: auth(committee) });
    const missing = await app.inject({ url: '/api/v1/units/nowhere/members', headers: auth(committee) });
    expect(outside.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(outside.json().error.code).toBe(missing.json().error.code);
    expect((await app.inject({ url: '/api/v1/units/b1/members', headers: auth(secretary) })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/units/b1/members' })).statusCode).toBe(401);
  });

  it('sends security headers', async () => {
    // On a page, an API answer, a refusal and an unknown path alike.
    for (const [url, status] of [['/', 200], ['/api/v1/discussions', 200], ['/api/v1/units/b1/members', 401], ['/api/v1/no-such-thing', 404]] as const) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(status);
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy'], url).not.toMatch(/upgrade-insecure-requests/);
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['x-frame-options'], url).toBe('SAMEORIGIN');
    }
    expect((await app.inject({ url: '/api/docs/static/index.html' })).statusCode).toBeLessThan(400);
  });

  it('refuses a revoked token (401)', async () => {
    const { id, token } = await createToken(store.db, { name: 'temp', role: 'office' }, T0);
    expect((await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(token), payload: discussionDef({ id: 'drev' }) })).statusCode).toBe(201);
    await revoke(store.db, id, T0);
    expect((await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(token), payload: discussionDef({ id: 'drev2' }) })).statusCode).toBe(401);
  });

  it('declares a policy on every route (deny by default)', async () => {
    const other = await buildApp({ store, live: false });
    expect(() =>
      other.get('/api/v1/unguarded', async () => 'x'),
    ).toThrow(/declares no policy/);
    await other.close().catch(() => undefined);
  });
});
