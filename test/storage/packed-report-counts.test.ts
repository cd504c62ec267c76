/**
 * The packed-report-counts migration (src/storage/migrations/2026-11-27T04-00-packed-report-counts.ts) keeps every
 * figure of every version: reports written with their counts in their row are unfolded by `down` into the old
 * row-per-question and row-per-position tables, exactly, and folded back by `up` into the same versions — on both
 * engines. Corrections (several versions of a unit), a question not voted on and a meeting without quorum are among them.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE } from '../../src/domain/policy.ts';
import { submitReport } from '../../src/services/reports.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { MIGRATIONS, migrateTo } from '../../src/storage/db.ts';
import { findRollAndCurrentReport, listCurrentReports, listReportVersions } from '../../src/storage/reports.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization, T1 } from '../support/factories.ts';

const PACKED = '2026-11-27T04-00-packed-report-counts';

/** A tally as read, without what the read adds (the unit, the time, whether it is provisional). */
function countsOf(t: Awaited<ReturnType<typeof getTally>>) {
  const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...counts } = t;
  return counts;
}

describe.each(ENGINES)('the packed report counts migration on %s', (engine) => {
  const stores: Array<Awaited<ReturnType<typeof newStore>>> = [];
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('unfolds every version into the old tables and folds them back unchanged', async () => {
    const store = await newStore(engine);
    stores.push(store);
    const def = await smallOrganization(store.db, { discussion: { id: 'd1' } });
    const questionIds = def.questions.map((q) => q.id);
    const submit = (r: Parameters<typeof report>[0]) => submitReport(store.db, { discussionId: 'd1', report: report(r), submittedBy: CONSOLE.id, now: T1 });
    await submit({ unitId: 'b1', present: 30, votes: { q1: { positions: { cc: 20, opp: 7 }, abstain: 3 }, q2: { positions: { cc: 1, opp: 25 }, abstain: 2 } } });
    await submit({ unitId: 'b1', supersedes: 1, present: 30, votes: { q1: { positions: { cc: 19, opp: 8 }, abstain: 3 }, q2: { positions: { cc: 2, opp: 24 }, abstain: 2 } } });
    await submit({ unitId: 'b3', present: 20, votes: { q1: { positions: { cc: 5, opp: 12 }, abstain: 1 } } });
    await submit({ unitId: 'b5', present: 2, votes: { q1: { positions: { cc: 2 }, abstain: 0 } } });
    const versions = async () => ({
      b1: await listReportVersions(store.db, 'd1', 'b1', questionIds),
      current: Object.fromEntries(await listCurrentReports(store.db, 'd1', questionIds)),
      leaf: await findRollAndCurrentReport(store.db, 'd1', 'b3', questionIds),
    });
    const before = await versions();
    expect(before.b1.map((r) => r.votes.q1!.positions.cc)).toEqual([20, 19]);
    expect(before.current.b3!.votes.q2).toBeUndefined();
    expect(before.leaf!.report!.votes.q1).toEqual({ positions: { cc: 5, opp: 12 }, abstain: 1 });
    const tally = await getTally(store.db, 'd1', 'root', T1);

    await migrateTo(store, MIGRATIONS[MIGRATIONS.indexOf(PACKED) - 1]);
    // The old tables, row for row.
    const q = await sql<{ unit_id: string; version: number; question_id: string; abstain: number; adopted_position_id: string | null }>`
      select unit_id, version, question_id, abstain, adopted_position_id from report_questions where discussion_id = 'd1'
       order by unit_id, version, question_id`.execute(store.db);
    const expected = [...before.b1, before.current.b3!, before.current.b5!].flatMap((r) =>
      Object.keys(r.votes)
        .sort()
        .map((qid) => [r.unitId, r.version, qid, r.votes[qid]!.abstain, r.outcome.adopted[qid]]),
    );
    expect(q.rows.map((r) => [r.unit_id, Number(r.version), r.question_id, Number(r.abstain), r.adopted_position_id])).toEqual(expected);
    const v = await sql<{ n: number; votes: number }>`select count(*) as n, sum(votes) as votes from report_votes where discussion_id = 'd1'`.execute(store.db);
    expect([Number(v.rows[0]!.n), Number(v.rows[0]!.votes)]).toEqual([2 * 4 + 2 + 1, 20 + 7 + 1 + 25 + 19 + 8 + 2 + 24 + 5 + 12 + 2]);

    await migrateTo(store);
    expect(await versions()).toEqual(before);
    expect(await recountTally(store.db, 'd1', 'root')).toEqual(countsOf(tally));
    // And new versions are written and counted as before.
    await submit({ unitId: 'b3', supersedes: 1, present: 20, votes: { q1: { positions: { cc: 6, opp: 11 }, abstain: 1 } } });
    const after = await getTally(store.db, 'd1', 'root', T1);
    expect(after.questions.q1!.votes.cc).toBe(tally.questions.q1!.votes.cc! + 1);
    expect(await recountTally(store.db, 'd1', 'root')).toEqual(countsOf(after));
  });
});
