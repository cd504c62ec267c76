/**
 * The packed-tally migration (src/storage/migrations/2026-11-27T03-00-packed-tally.ts) keeps every figure: a tally
 * made by reports is unfolded by `down` into the old row-per-question and row-per-position tables, exactly, and folded
 * back by `up` into the same tallies — on both engines.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE } from '../../src/domain/policy.ts';
import { submitReport } from '../../src/services/reports.ts';
import { getTally } from '../../src/services/tally.ts';
import { MIGRATIONS, migrateTo } from '../../src/storage/db.ts';
import { readAllTallies } from '../../src/storage/tally.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization, T1 } from '../support/factories.ts';

const PACKED = '2026-11-27T03-00-packed-tally';

describe.each(ENGINES)('the packed tally migration on %s', (engine) => {
  const stores: Array<Awaited<ReturnType<typeof newStore>>> = [];
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('unfolds every figure into the old tables and folds them back unchanged', async () => {
    const store = await newStore(engine);
    stores.push(store);
    const def = await smallOrganization(store.db, { discussion: { id: 'd1' } });
    const reports = [
      report({ unitId: 'b1', present: 30, votes: { q1: { positions: { cc: 20, opp: 7 }, abstain: 3 }, q2: { positions: { cc: 1, opp: 25 }, abstain: 2 } } }),
      report({ unitId: 'b3', present: 20, votes: { q1: { positions: { cc: 5, opp: 12 }, abstain: 1 } } }),
      report({ unitId: 'b5', present: 50, votes: { q1: { positions: { cc: 49 }, abstain: 0 } } }),
    ];
    for (const r of reports) await submitReport(store.db, { discussionId: 'd1', report: r, submittedBy: CONSOLE.id, now: T1 });
    const before = await readAllTallies(store.db, def);
    expect(before.get('root')!.counts.unitsReported).toBe(3);

    await migrateTo(store, MIGRATIONS[MIGRATIONS.indexOf(PACKED) - 1]);
    // The old tables, row for row: the root's question q1 and its position cc.
    const q = await sql<{ abstain: number; none_units: number }>`select abstain, none_units from tally_questions
      where discussion_id = 'd1' and unit_id = 'root' and question_id = 'q1'`.execute(store.db);
    const root = before.get('root')!.counts.questions.q1!;
    expect(q.rows.map((r) => [Number(r.abstain), Number(r.none_units)])).toEqual([[root.abstain, root.adopted.none!.units]]);
    const p = await sql<{ position_id: string; votes: number; adopted_units: number; adopted_members: number }>`select position_id, votes, adopted_units, adopted_members
      from tally_positions where discussion_id = 'd1' and unit_id = 'root' and question_id = 'q1' order by position_id`.execute(store.db);
    expect(p.rows.map((r) => [r.position_id, Number(r.votes), Number(r.adopted_units), Number(r.adopted_members)])).toEqual(
      Object.keys(root.votes)
        .sort()
        .map((id) => [id, root.votes[id], root.adopted[id]!.units, root.adopted[id]!.members]),
    );
    const rows = await sql<{ n: number }>`select count(*) as n from tally_positions where discussion_id = 'd1'`.execute(store.db);
    const positions = def.questions.reduce((n, q) => n + q.positions.length, 0);
    expect(Number(rows.rows[0]!.n)).toBe(before.size * positions);

    await migrateTo(store);
    expect(await readAllTallies(store.db, def)).toEqual(before);
    // And the folded rows take new reports as before.
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b2', present: 8, votes: { q1: { positions: { cc: 1, opp: 6 }, abstain: 1 } } }), submittedBy: CONSOLE.id, now: T1 });
    const root2 = await getTally(store.db, 'd1', 'root', T1);
    expect(root2.unitsReported).toBe(4);
    expect(root2.questions.q1!.votes.opp).toBe(root.votes.opp! + 6);
  });
});
