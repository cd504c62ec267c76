import { CONSOLE } from '../../src/domain/policy.ts';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.ts';
import { refusal } from '../support/refusal.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { getReportHistory, submitReport } from '../../src/services/reports.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { ENGINES, storePerTest } from '../support/engines.ts';
import { CLOSES, discussionDef, report, smallOrganization, T0, T1 } from '../support/factories.ts';


const counts = ({ discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...rest }: Awaited<ReturnType<typeof getTally>>) => rest;

describe.each(ENGINES)('branch reports on %s', (engine) => {
  const current = storePerTest(engine);
  const submit = (r: Parameters<typeof report>[0] = {}, extra: { key?: string; now?: string; by?: string } = {}) =>
    submitReport(current().db, { discussionId: 'd1', report: report(r), submittedBy: extra.by ?? 'tester', idempotencyKey: extra.key, now: extra.now ?? T1 });

  it('derives quorum and adoption, and moves the tally of the unit and every ancestor', async () => {
    await smallOrganization(current().db);
    const r = await submit({ unitId: 'b1', present: 23, votes: { q1: { positions: { cc: 20, opp: 2 }, abstain: 1 }, q2: { positions: { cc: 5, opp: 15 }, abstain: 3 } } });
    // The log holds the discussion, the office key and one roll part before it: the report is entry 3.
    expect(r.accepted).toEqual({ unitId: 'b1', version: 1, quorate: true, adopted: { q1: 'cc', q2: 'opp' }, logIndex: 3 });
    expect(r.affectedUnitIds).toEqual(['root', 'r1', 'd11', 'b1']);
    for (const unit of ['root', 'r1', 'd11', 'b1']) {
      const t = await getTally(current().db, 'd1', unit, T1);
      expect(t.unitsReported).toBe(1);
      expect(t.questions.q1!.adopted.cc).toEqual({ units: 1, members: 40 });
      expect(t.questions.q2!.votes).toEqual({ cc: 5, opp: 15 });
    }
    const r2 = await getTally(current().db, 'd1', 'r2', T1);
    expect(r2).toMatchObject({ unitsTotal: 4, unitsReported: 0, membersTotal: 60 + 7 + 12 + 1 });
    const root = await getTally(current().db, 'd1', undefined, T1);
    expect(root).toMatchObject({ unitId: 'root', unitsTotal: 8, membersTotal: 158, membersReported: 40, present: 23, provisional: true, asOf: T1 });
  });

  it('keeps every version: a correction must name the current version', async () => {
    await smallOrganization(current().db);
    await submit();
    const noSupersedes = await refusal(submit({ present: 30 }));
    expect(noSupersedes.code).toBe('version_conflict');
    expect(noSupersedes.message).toMatch(/"supersedes": 1/);
    const stale = await refusal(submit({ present: 30, supersedes: 7 }));
    expect(stale.code).toBe('version_conflict');
    const c = await submit({ present: 30, votes: { q1: { positions: { cc: 10, opp: 18 }, abstain: 2 } }, supersedes: 1 });
    expect(c.accepted).toMatchObject({ version: 2, adopted: { q1: 'opp' } });
    const history = await getReportHistory(current().db, 'd1', 'b1', CONSOLE);
    expect(history.map((h) => [h.version, h.current, h.present])).toEqual([
      [1, false, 23],
      [2, true, 30],
    ]);
    const t = await getTally(current().db, 'd1', undefined, T1);
    expect(t).toMatchObject({ unitsReported: 1, present: 30 });
    expect(t.questions.q1).toEqual({ adopted: { cc: { units: 0, members: 0 }, opp: { units: 1, members: 40 }, none: { units: 0, members: 0 } }, votes: { cc: 10, opp: 18 }, abstain: 2 });
    expect(counts(t)).toEqual(await recountTally(current().db, 'd1'));
  });

  it('refuses "supersedes" on a first report', async () => {
    await smallOrganization(current().db);
    expect((await refusal(submit({ supersedes: 1 }))).code).toBe('version_conflict');
  });

  it('replays a retried request with the same Idempotency-Key instead of storing a second version', async () => {
    await smallOrganization(current().db);
    const a = await submit({}, { key: 'k-1' });
    const b = await submit({}, { key: 'k-1' });
    expect(b).toEqual({ accepted: a.accepted, replayed: true, affectedUnitIds: [] });
    expect(await getReportHistory(current().db, 'd1', 'b1', CONSOLE)).toHaveLength(1);
    const reused = await refusal(submit({ present: 24 }, { key: 'k-1' }));
    expect(reused.code).toBe('idempotency_key_reused');
    expect((await getTally(current().db, 'd1', undefined, T1)).present).toBe(23);
  });

  it('refuses bad reports with the field and the rule, and stores nothing', async () => {
    await smallOrganization(current().db);
    const before = await getTally(current().db, 'd1', undefined, T1);
    const cases: Array<[Parameters<typeof report>[0], string, RegExp]> = [
      [{ unitId: 'nowhere' }, 'unitId', /unknown unit 'nowhere'/],
      [{ unitId: 'b9', present: 0, votes: {} }, 'unitId', /no voting members/],
      [{ unitId: 'r1', present: 0, votes: {} }, 'unitId', /no voting members/],
      [{ present: 41 }, 'present', /present \(41\) exceeds the unit's voting roll \(40\)/],
      [{ present: 5 }, 'votes.q1', /exceed those present \(5\)/],
      [{ votes: { q7: { positions: {}, abstain: 0 } } }, 'votes.q7', /unknown question 'q7'/],
      [{ votes: { q1: { positions: { cc: 1, maybe: 1 }, abstain: 0 } } }, 'votes.q1.positions.maybe', /unknown position 'maybe'/],
    ];
    for (const [over, field, message] of cases) {
      const e = await refusal(submit(over));
      expect(e.code).toBe('invalid_input');
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    }
    expect(await getTally(current().db, 'd1', undefined, T1)).toEqual(before);
    expect(await getReportHistory(current().db, 'd1', 'b1', CONSOLE)).toEqual([]);
  });

  it('accepts reports only from opening until reportingClosesAt', async () => {
    await smallOrganization(current().db, { open: false });
    expect((await refusal(submit())).code).toBe('discussion_not_open');
    await openDiscussion(current().db, 'd1', T0);
    expect((await refusal(submit({}, { now: CLOSES }))).code).toBe('reporting_closed');
    expect((await submit({}, { now: '2024-01-14T23:59:59.999Z' })).accepted.version).toBe(1);
    expect((await getTally(current().db, 'd1', undefined, CLOSES)).provisional).toBe(false);
  });

  it('freezes the roll when the discussion opens: later roll changes do not move weights', async () => {
    await smallOrganization(current().db);
    const extra = ['id,unit_id,name,email,status', ...Array.from({ length: 10 }, (_, i) => `late${i},b4,Late ${i},,member`)].join('\n');
    await importMembersCsv(current().db, extra, T1);
    const t = await getTally(current().db, 'd1', 'b4', T1);
    expect(t.membersTotal).toBe(3);
    expect((await refusal(submit({ unitId: 'b4', present: 4, votes: {} }))).message).toMatch(/voting roll \(3\)/);
    // A discussion opened afterwards freezes the new roll.
    await createDiscussion(current().db, discussionDef({ id: 'd2' }), T1);
    await openDiscussion(current().db, 'd2', T1);
    expect((await getTally(current().db, 'd2', 'b4', T1)).membersTotal).toBe(13);
  });

  it('never loses an update when different units report at once', async () => {
    await smallOrganization(current().db);
    const rolls = [40, 10, 25, 3, 60, 7, 12, 1];
    await Promise.all(
      rolls.map((roll, i) => submit({ unitId: `b${i + 1}`, present: roll, votes: { q1: { positions: { cc: roll, opp: 0 }, abstain: 0 } } })),
    );
    const t = await getTally(current().db, 'd1', undefined, T1);
    expect(t).toMatchObject({ unitsReported: 8, membersReported: 158, present: 158 });
    expect(t.questions.q1!.adopted.cc).toEqual({ units: 8, members: 158 });
    expect(counts(t)).toEqual(await recountTally(current().db, 'd1'));
  });

  it('lets exactly one of two racing corrections of the same version win', async () => {
    await smallOrganization(current().db);
    await submit();
    const results = await Promise.allSettled([
      submit({ present: 30, supersedes: 1 }, { by: 'alice' }),
      submit({ present: 31, supersedes: 1 }, { by: 'boris' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as DomainError).code).toBe('version_conflict');
    const history = await getReportHistory(current().db, 'd1', 'b1', CONSOLE);
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    const t = await getTally(current().db, 'd1', undefined, T1);
    expect(t.present).toBe(history[1]!.present);
    expect(counts(t)).toEqual(await recountTally(current().db, 'd1'));
  });
});
