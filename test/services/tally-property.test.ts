/**
 * The invariant the whole product rests on: after any sequence of submissions, corrections and refusals, the tally
 * maintained incrementally equals a from-scratch recount — for every unit of the tree, on both engines.
 */
import { CONSOLE } from '../../src/domain/policy.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/domain/errors.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { ReportBatcher } from '../../src/services/report-batcher.ts';
import { getReportHistory, submitReport } from '../../src/services/reports.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, membersCsv, SMALL_ROLLS, SMALL_TREE, T0, T1 } from '../support/factories.ts';

const UNITS = ['root', 'r1', 'r2', 'd11', 'd12', 'd21', 'd22', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'];

const ROLL: Record<string, number> = Object.fromEntries(SMALL_ROLLS.map((r, i) => [`b${i + 1}`, r]));

/** Shares of those present (in percent) for cc, opp and abstain; `overflow` pushes the sum past present (a refusal). */
const votesArb = fc.record({ cc: fc.nat(100), opp: fc.nat(100), abstain: fc.nat(100), omitOpp: fc.boolean(), overflow: fc.integer({ min: 0, max: 9 }) });

function votesFrom(v: { cc: number; opp: number; abstain: number; omitOpp: boolean; overflow: number } | undefined, present: number) {
  if (!v) return undefined;
  const cc = Math.floor((present * v.cc) / 100);
  const opp = Math.floor(((present - cc) * v.opp) / 100);
  const abstain = Math.floor(((present - cc - opp) * v.abstain) / 100) + (v.overflow === 0 ? present + 1 : 0);
  const positions: Record<string, number> = v.omitOpp ? { cc } : { cc, opp };
  return { positions, abstain };
}

const step = fc.record({
  unit: fc.constantFrom(...UNITS, 'b1', 'b2', 'b5', 'b5', 'b3'),
  /** Percent of the unit's roll present; above 100 is a refusal. */
  presentPct: fc.nat(105),
  q1: fc.option(votesArb, { nil: undefined }),
  q2: fc.option(votesArb, { nil: undefined }),
  /** How to name the version: the right one, none, or a wrong one (a refusal). */
  supersedes: fc.constantFrom('current', 'current', 'current', 'none', 'wrong'),
  quorum: fc.constantFrom(0.5, 0.25, 0.333, 1),
});

describe.each(ENGINES)('incremental tally = recount on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let n = 0;
  let totalAccepted = 0;
  beforeAll(async () => {
    store = await newStore(engine);
    await importUnitsCsv(store.db, SMALL_TREE, T0);
    await importMembersCsv(store.db, membersCsv(SMALL_ROLLS), T0);
  });
  afterAll(async () => store.dispose());

  it('holds after any sequence of submissions, corrections and refusals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.constantFrom('votes-cast' as const, 'present' as const), async (steps, majority) => {
        // Each run is its own discussion over the same organization, so runs never see each other.
        const id = `p${++n}`;
        await createDiscussion(store.db, discussionDef({ id, rules: { quorum: steps[0]!.quorum, majority } }), T0);
        await openDiscussion(store.db, id, T0);
        let accepted = 0;
        for (const s of steps) {
          const history = await getReportHistory(store.db, id, s.unit, CONSOLE);
          const current = history.at(-1)?.version;
          const supersedes = s.supersedes === 'none' ? undefined : s.supersedes === 'wrong' ? (current ?? 0) + 5 : current;
          const votes: Record<string, { positions: Record<string, number>; abstain: number }> = {};
          const present = Math.floor(((ROLL[s.unit] ?? 0) * s.presentPct) / 100);
          const q1 = votesFrom(s.q1, present);
          const q2 = votesFrom(s.q2, present);
          if (q1) votes.q1 = q1;
          if (q2) votes.q2 = q2;
          try {
            await submitReport(store.db, {
              discussionId: id,
              report: { unitId: s.unit, meetingDate: '2024-01-05', present, votes, resolution: 'r', supersedes },
              submittedBy: 'prop',
              now: T1,
            });
            accepted++;
          } catch (e) {
            if (!isDomainError(e)) throw e; // refusals are part of the sequence; anything else is a bug
          }
        }
        for (const unit of UNITS) {
          const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...maintained } = await getTally(store.db, id, unit, T1);
          expect(maintained).toEqual(await recountTally(store.db, id, unit));
        }
        const root = await getTally(store.db, id, 'root', T1);
        for (const q of ['q1', 'q2']) {
          const adopted = Object.values(root.questions[q]!.adopted);
          // Every reported unit is counted once per question: under the position it adopted, or under none.
          expect(adopted.reduce((a, b) => a + b.units, 0)).toBe(root.unitsReported);
          expect(adopted.reduce((a, b) => a + b.members, 0)).toBe(root.membersReported);
        }
        expect(root.unitsReported).toBeLessThanOrEqual(accepted);
        totalAccepted += accepted;
      }),
      { numRuns: engine === 'postgres' ? 40 : 80 },
    );
    // The same through group commit: all steps at once, in batches.
    const batcher = new ReportBatcher(store.db);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const id = `b${++n}`;
        await createDiscussion(store.db, discussionDef({ id, rules: { quorum: steps[0]!.quorum, majority: 'votes-cast' } }), T0);
        await openDiscussion(store.db, id, T0);
        const results = await Promise.allSettled(
          steps.map((s) => {
            const present = Math.floor(((ROLL[s.unit] ?? 0) * s.presentPct) / 100);
            const votes: Record<string, { positions: Record<string, number>; abstain: number }> = {};
            const q1 = votesFrom(s.q1, present);
            if (q1) votes.q1 = q1;
            const supersedes = s.supersedes === 'none' ? undefined : s.supersedes === 'wrong' ? 9 : 1;
            return batcher.submit({ discussionId: id, report: { unitId: s.unit, meetingDate: '2024-01-05', present, votes, resolution: 'r', supersedes }, submittedBy: 'batch', now: T1 });
          }),
        );
        for (const r of results) if (r.status === 'rejected' && !isDomainError(r.reason)) throw r.reason;
        totalAccepted += results.filter((r) => r.status === 'fulfilled').length;
        for (const unit of UNITS) {
          const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, ...maintained } = await getTally(store.db, id, unit, T1);
          expect(maintained).toEqual(await recountTally(store.db, id, unit));
        }
      }),
      { numRuns: engine === 'postgres' ? 25 : 50 },
    );
    // The property is not vacuous: many reports and corrections were accepted along the way.
    expect(totalAccepted).toBeGreaterThan(engine === 'postgres' ? 60 : 120);
  });
});
