/** The audit log: every change recorded with who, role, when, where and what — counts, never personal data or secrets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createToken } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, membersCsv, report, SMALL_TREE, T0 } from '../support/factories.ts';

describe.each(ENGINES)('audit log on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let office: string;
  let officeId: string;
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => '2024-01-05T10:00:00.000Z', live: false });
    ({ token: office, id: officeId } = await createToken(store.db, { name: 'Secretariat', role: 'office' }, T0));
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it('records every change with its actor, role, address and what changed, in order', async () => {
    const csv = { ...auth(office), 'content-type': 'text/csv' };
    await app.inject({ method: 'POST', url: '/api/v1/units/import', headers: csv, payload: SMALL_TREE });
    await app.inject({ method: 'POST', url: '/api/v1/members/import', headers: csv, payload: membersCsv() });
    await app.inject({ method: 'PUT', url: '/api/v1/statuses/associate', headers: auth(office), payload: { votes: false } });
    await app.inject({ method: 'POST', url: '/api/v1/discussions', headers: auth(office), payload: discussionDef() });
    await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/open', headers: auth(office) });
    await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report() });
    await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report({ present: 30, supersedes: 1 }) });
    await app.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: auth(office), payload: report({ present: 99, supersedes: 2 }) }); // refused

    const r = await app.inject({ url: '/api/v1/audit?limit=1000', headers: auth(office) });
    expect(r.statusCode).toBe(200);
    const events = r.json().items as Array<{ action: string; target: string; actor: { id: string; grants: unknown[]; address: string | null }; detail: Record<string, unknown> }>;
    const mine = events.filter((e) => e.actor.id === officeId);
    expect(mine.map((e) => `${e.action} ${e.target}`)).toEqual([
      'units.import units',
      'members.import members',
      'status.set status:associate',
      'discussion.create discussion:d1',
      'discussion.open discussion:d1',
      'report.submit report:d1/b1',
      'report.correct report:d1/b1',
    ]);
    for (const e of mine) expect(e.actor).toMatchObject({ grants: [{ role: 'office', unitId: null }], address: '127.0.0.1' });
    expect(mine[1]!.detail).toEqual({ rows: 166, created: 166, updated: 0 });
    expect(mine[6]!.detail).toMatchObject({ version: 2, before: { version: 1, present: 23 }, after: { present: 30 } });
    const text = JSON.stringify(events);
    expect(text).not.toMatch(/Member \d|@example\.org/); // personal data stays out
    expect(text).not.toContain(office.slice('plenum_'.length + 17)); // and so do secrets (plenum_<id>_<secret>)
  });

  it('is readable by the office and the commission only, page by page', async () => {
    const commission = (await createToken(store.db, { name: 'commission', role: 'commission' }, T0)).token;
    const observer = (await createToken(store.db, { name: 'press', role: 'observer' }, T0)).token;
    expect((await app.inject({ url: '/api/v1/audit', headers: auth(commission) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/audit', headers: auth(observer) })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/audit' })).statusCode).toBe(401);
    const first = (await app.inject({ url: '/api/v1/audit?limit=3', headers: auth(office) })).json();
    expect(first.items).toHaveLength(3);
    const second = (await app.inject({ url: `/api/v1/audit?limit=3&cursor=${first.next}`, headers: auth(office) })).json();
    expect(second.items[0].id).not.toBe(first.items[2].id);
    const all = (await app.inject({ url: '/api/v1/audit?limit=1000', headers: auth(office) })).json().items;
    expect([...first.items, ...second.items].map((e: { id: string }) => e.id)).toEqual(all.slice(0, 6).map((e: { id: string }) => e.id));
    expect((await app.inject({ url: '/api/v1/audit?cursor=garbage', headers: auth(office) })).json().error).toMatchObject({ code: 'invalid_input', field: 'cursor' });
  });
});
