import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DISCUSSION_ID, loadDemo } from '../../src/demo/load-demo.ts';
import { getDiscussion } from '../../src/services/discussions.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { ENGINES, newStore } from '../support/engines.ts';

describe.each(ENGINES)('the 1924 demo on %s', (engine) => {
  const stores: Array<Awaited<ReturnType<typeof newStore>>> = [];
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('loads through the services, stays open for a week, and shows the gap between weighted adoption and votes', async () => {
    const store = await newStore(engine);
    stores.push(store);
    const now = '2026-11-26T12:00:00.000Z';
    const lines: string[] = [];
    await loadDemo(store.db, { scale: 0.02, now, log: (l) => lines.push(l) });
    const d = await getDiscussion(store.db, DEMO_DISCUSSION_ID);
    expect(d.state).toBe('open');
    expect(d.definition.reportingClosesAt).toBe('2026-12-03T12:00:00.000Z');
    expect(d.definition.description).toMatch(/synthetic/i);
    const t = await getTally(store.db, DEMO_DISCUSSION_ID, undefined, now);
    expect(t.provisional).toBe(true);
    const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...counts } = t;
    expect(counts).toEqual(await recountTally(store.db, DEMO_DISCUSSION_ID));
    expect(t.unitsReported).toBeLessThan(t.unitsTotal); // reporting still open: not everyone has reported
    const q1 = t.questions.q1!;
    const weighted = q1.adopted.cc!.members / t.membersTotal;
    const votes = q1.votes.cc! / (q1.votes.cc! + q1.votes.opp!);
    expect(weighted).toBeGreaterThan(0.8);
    expect(weighted - votes).toBeGreaterThan(0.05);
    expect(lines.join('\n')).toMatch(/synthetic, not historical/);
    await expect(loadDemo(store.db, { scale: 0.02, now, log: () => undefined })).rejects.toThrow(/empty database/);
  });
});

describe.runIf(ENGINES.length === 2)('the same numbers on both engines', () => {
  it('gives identical tallies for every gubernia on SQLite and PostgreSQL', async () => {
    const now = '2026-11-26T12:00:00.000Z';
    const [a, b] = await Promise.all(ENGINES.map((e) => newStore(e)));
    try {
      await loadDemo(a!.db, { scale: 0.01, now, log: () => undefined });
      await loadDemo(b!.db, { scale: 0.01, now, log: () => undefined });
      const units = (await a!.db.selectFrom('units').select('id').where('kind', 'in', ['national', 'gubernia']).execute()).map((u) => u.id);
      expect(units.length).toBeGreaterThan(60);
      for (const unit of units) {
        expect(await getTally(b!.db, DEMO_DISCUSSION_ID, unit, now)).toEqual(await getTally(a!.db, DEMO_DISCUSSION_ID, unit, now));
      }
    } finally {
      await a!.dispose();
      await b!.dispose();
    }
  });
});
