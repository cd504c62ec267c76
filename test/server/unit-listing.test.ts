/** The drill-down API: children of a unit or a name search below it, each with its tally; paged; small units withheld. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { submitReport } from '../../src/services/reports.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, membersCsv, report, SMALL_TREE, T0, T1 } from '../support/factories.ts';

describe.each(ENGINES)('drill-down on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;

  beforeAll(async () => {
    store = await newStore(engine);
    app = await buildApp({ store, now: () => T1, live: false });
    await importUnitsCsv(store.db, `${SMALL_TREE}c1,d11,Ячейка «Красный Октябрь»,cell\n`, T0);
    await importMembersCsv(store.db, `${membersCsv()}x1,c1,Иван,,member\nx2,c1,Мария,,member\n`, T0);
    await createDiscussion(store.db, discussionDef({ rules: { quorum: 0.5, majority: 'votes-cast', publicMinUnitSize: 5 } }), T0);
    await openDiscussion(store.db, 'd1', T0);
    await submitReport(store.db, { discussionId: 'd1', report: report(), submittedBy: 't', now: T1 });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b4', present: 3, votes: { q1: { positions: { cc: 3 }, abstain: 0 } } }), submittedBy: 't', now: T1 });
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const list = async (query: string) => {
    const r = await app.inject({ url: `/api/v1/discussions/d1/units?${query}` });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { parent: { id: string; tally: { membersTotal: number } }; items: Array<{ id: string; reported: boolean; tally: Record<string, unknown> }>; next: string | null };
  };

  it('lists the children of the root by default, each with the same figures as its tally', async () => {
    const page = await list('');
    expect(page.parent).toMatchObject({ id: 'root', tally: { membersTotal: 160 } });
    expect(page.items.map((u) => u.id)).toEqual(['r1', 'r2']);
    const r1 = (await app.inject({ url: '/api/v1/discussions/d1/tally?unit=r1' })).json();
    expect(page.items[0]!.tally).toEqual(r1);
  });

  it("withholds a small unit's figures from the public, and shows that they are withheld", async () => {
    const d12 = await list('parent=d12');
    expect(d12.items.map((u) => [u.id, u.reported, u.tally.withheld, u.tally.present])).toEqual([
      ['b3', false, false, 0],
      ['b4', true, true, null],
    ]);
  });

  it('searches names below a unit, case-insensitively, in any script', async () => {
    expect((await list('parent=r1&q=BRANCH')).items.map((u) => u.id)).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect((await list('q=красный')).items.map((u) => u.id)).toEqual(['c1']);
    expect((await list('parent=r2&q=красный')).items).toEqual([]);
    expect((await list('q=100%25')).items).toEqual([]); // a LIKE wildcard is searched for literally
  });

  it('filters by reported, and pages with a cursor', async () => {
    expect((await list('q=branch&reported=true')).items.map((u) => u.id)).toEqual(['b1', 'b4']);
    expect((await list('q=branch&reported=false')).items.map((u) => u.id)).toEqual(['b2', 'b3', 'b5', 'b6', 'b7', 'b8']); // b9 has no voting members
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const page = await list(`q=branch&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((u) => u.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9']);
  });

  it('counts first reports over time, for any subtree; a correction is not an arrival', async () => {
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b5', present: 40 }), submittedBy: 't', now: '2024-01-06T09:30:00.000Z' });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b5', present: 41, supersedes: 1 }), submittedBy: 't', now: '2024-01-07T10:00:00.000Z' });
    const root = (await app.inject({ url: '/api/v1/discussions/d1/arrivals' })).json();
    // The window (opened T0, closes 2024-01-15) is over four days: counted per day.
    expect(root).toMatchObject({ unitId: 'root', interval: 'day', unitsTotal: 9 });
    expect(root.points).toEqual([
      { at: '2024-01-05T00:00:00.000Z', reported: 2, cumulative: 2 },
      { at: '2024-01-06T00:00:00.000Z', reported: 1, cumulative: 3 },
    ]);
    expect((await app.inject({ url: '/api/v1/discussions/d1/arrivals?unit=r2' })).json().points).toEqual([{ at: '2024-01-06T00:00:00.000Z', reported: 1, cumulative: 1 }]);
    expect((await app.inject({ url: '/api/v1/discussions/d1/arrivals?unit=b4' })).json().points).toEqual([{ at: '2024-01-05T00:00:00.000Z', reported: 1, cumulative: 1 }]);
  });

  it('refuses bad input with the field named', async () => {
    const bad = async (query: string) => (await app.inject({ url: `/api/v1/discussions/d1/units?${query}` })).json().error;
    expect(await bad('parent=nowhere')).toMatchObject({ code: 'not_found', field: 'parent' });
    expect(await bad('cursor=garbage')).toMatchObject({ code: 'invalid_input', field: 'cursor' });
    expect(await bad('limit=0')).toMatchObject({ code: 'invalid_input', field: 'querystring.limit' });
    expect(await bad('reported=maybe')).toMatchObject({ code: 'invalid_input', field: 'querystring.reported' });
  });
});
