/**
 * The 1924 demo's ending (`plenum demo --ended`), on both engines: a small demo loaded on the 1924 calendar, then the
 * challenges and the commission's decisions, the XIII Conference's seats (128 deciding with at least one per committee,
 * 222 consultative), its confirmed delegates and the two resolutions adopted, and the binding decision — marked as a
 * reconstruction, resting on the log, its figures those of the API and of `plenum verify`. Run twice, it is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRecord } from '../../src/cli/export.ts';
import { directorySource } from '../../src/cli/record-source.ts';
import {
  CONFERENCE_NAME,
  CONSULTATIVE_SEATS,
  DECIDING_SEATS,
  describeEnding,
  EFFECTIVE_DATE,
  endDemo,
  ENDING_CLOCK,
  LENINGRAD_CELL,
  loadEndedDemo,
  VOTES_AGAINST,
  type EndingSummary,
} from '../../src/demo/ending-1924.ts';
import { DEMO_DISCUSSION_ID, loadDemo } from '../../src/demo/load-demo.ts';
import { CONSOLE } from '../../src/domain/policy.ts';
import { verifyRecord } from '../../src/log/verify.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { getChallenges } from '../../src/services/challenges.ts';
import { getConference, listDelegatesAs, listMotionsAs } from '../../src/services/conference.ts';
import { getDecisionDocument, noticeCounts, type Provenance } from '../../src/services/decisions.ts';
import { ENGINES, newStore } from '../support/engines.ts';

const ID = DEMO_DISCUSSION_ID;
const AFTER = '1924-01-20T12:00:00.000Z';

describe.each(ENGINES)('the 1924 demo, ended, on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let summary: EndingSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    store = await newStore(engine);
    summary = await loadEndedDemo(store.db, { scale: 0.01, log: (l) => lines.push(l) });
    app = await buildApp({ store, now: () => AFTER, live: false });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('apportions 128 deciding and 222 consultative seats over the gubernia-level committees and the army, each with a deciding seat', async () => {
    const c = await getConference(store.db, ID);
    expect(c).toMatchObject({ name: CONFERENCE_NAME, state: 'closed', basis: 'roll', electingLevel: { depth: 1 } });
    const units = c.apportionment!.units;
    expect(units).toHaveLength(70);
    const kinds = (await store.db.selectFrom('units').select(['id', 'kind']).where('parent_id', '=', 'cc').execute());
    expect(kinds.filter((u) => u.kind === 'gubernia')).toHaveLength(69);
    expect(new Set(units.map((u) => u.unitId))).toEqual(new Set(kinds.map((u) => u.id)));
    expect(units.reduce((n, u) => n + u.deciding.seats, 0)).toBe(DECIDING_SEATS);
    expect(units.reduce((n, u) => n + (u.consultative?.seats ?? 0), 0)).toBe(CONSULTATIVE_SEATS);
    for (const u of units) expect(u.deciding.seats, u.unitId).toBeGreaterThanOrEqual(1);
    expect(c.apportionment!.deciding).toMatchObject({ seats: 128, method: 'hare' });
    expect(c.apportionment!.consultative).toMatchObject({ seats: 222, method: 'dhondt' });
    expect(summary.seats).toMatchObject({ deciding: 128, consultative: 222, electingUnits: 70, fewestDeciding: 1 });
  });

  it('fills every seat with a confirmed delegate; one mandate is rejected, with a reason, and replaced', async () => {
    const list = await listDelegatesAs(store.db, CONSOLE, ID);
    expect(list.totals.deciding).toMatchObject({ seats: 128, confirmed: 128, pending: 0, rejected: 0 });
    expect(list.totals.consultative).toMatchObject({ seats: 222, confirmed: 222, pending: 0, rejected: 1 });
    for (const u of list.units) {
      expect(u.deciding.confirmed, u.unitId).toBe(u.deciding.seats);
      expect(u.consultative.confirmed, u.unitId).toBe(u.consultative.seats);
    }
    const items = 'items' in list ? list.items : [];
    const rejected = items.filter((d) => d.state === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/^Reconstruction:/);
    expect(items.every((d) => d.electedMeeting.includes('reconstruction') && d.electedAt >= '1924-01-10' && d.electedAt <= '1924-01-14')).toBe(true);
    expect(summary.delegates).toEqual({ deciding: 128, consultative: 222, rejected: 1 });
  });

  it('has the commission uphold the Leningrad re-vote and strike votes elsewhere: the adjudicated tally differs from the reported one', async () => {
    // As the office reads them: with their texts (an anonymous reader sees the reasons and the decisions, not the texts).
    const { challenges } = await getChallenges(store.db, CONSOLE, ID, undefined);
    expect(challenges).toHaveLength(2);
    expect(challenges.map((c) => c.filedBy).sort()).toEqual(['cli:demo-monitor-cc', 'cli:demo-monitor-opposition']);
    const leningrad = challenges.find((c) => c.unitId === LENINGRAD_CELL)!;
    expect(leningrad).toMatchObject({ reason: 'procedure', filedAs: 'observer', decision: { decision: 'uphold' } });
    const other = challenges.find((c) => c.unitId !== LENINGRAD_CELL)!;
    expect(other).toMatchObject({ reason: 'roll', decision: { decision: 'strike-votes' } });
    for (const c of challenges) {
      expect(c.text).toMatch(/^Reconstruction:/);
      expect(c.decision!.reason).toMatch(/^Reconstruction:/);
      // Filed within the 72-hour window after the reports were accepted; decided before the conference.
      expect(c.filedAt > ENDING_CLOCK.loaded && c.filedAt <= '1924-01-12T12:00:00.000Z').toBe(true);
      expect(c.decision!.decidedAt < ENDING_CLOCK.session).toBe(true);
    }
    const side = (await app.inject({ method: 'GET', url: `/api/v1/discussions/${ID}/adjudicated-tally` })).json();
    const struck = summary.challenges.find((c) => c.decision === 'strike-votes')!.struck;
    expect(side.adjudicated.questions.q1.votes.cc).toBe(side.reported.questions.q1.votes.cc - struck);
    expect(side.adjudicated.present).toBe(side.reported.present - struck);
  });

  it('adopts the two resolutions by count, all but three of the deciding delegates for', async () => {
    const { items } = await listMotionsAs(store.db, null, ID);
    expect(items.map((m) => [m.kind, m.questionId, m.state])).toEqual([['resolution', 'q1', 'adopted'], ['resolution', 'q2', 'adopted']]);
    expect(items[0]!.title).toMatch(/^On Party Building/);
    expect(items[1]!.title).toMatch(/^On the Results of the Discussion and on the Petty-Bourgeois Deviation in the Party/);
    for (const m of items) {
      expect(m.text).toMatch(/Reconstruction/);
      expect(m.text).toMatch(/Реконструкция/);
      expect(m.vote).toMatchObject({ method: 'count', for: 128 - VOTES_AGAINST, against: VOTES_AGAINST, abstain: 0, eligible: 128, result: 'adopted' });
    }
  });

  it('publishes the decision as a reconstruction, effective 18 January 1924, its figures those of the API at the root', async () => {
    const { decision } = await getDecisionDocument(store.db, ID);
    expect(decision).toMatchObject({ id: summary.decision.id, kind: 'decision', reconstruction: true, languages: ['ru', 'en'], effectiveDate: EFFECTIVE_DATE, publishedAt: ENDING_CLOCK.published });
    expect(decision.title.ru).toMatch(/реконструкция/);
    const p = decision.provenance as Provenance;
    expect(p.checkpoint.size).toBeLessThanOrEqual(decision.logIndex!);
    expect(p.tally.provisional).toBe(false);
    expect(p.conference).toEqual({ name: CONFERENCE_NAME, apportionmentVersion: 1 });
    expect(p.adjudications.map((a) => a.decision).sort()).toEqual(['strike-votes', 'uphold']);
    expect(p.votes.map((v) => [v.questionId, v.for, v.against, v.result])).toEqual([['q1', 125, 3, 'adopted'], ['q2', 125, 3, 'adopted']]);
    const r = await app.inject({ method: 'GET', url: `/api/v1/discussions/${ID}/adjudicated-tally` });
    expect(r.statusCode, r.body).toBe(200);
    const side = r.json();
    for (const which of ['reported', 'adjudicated'] as const) {
      expect(side[which].unitId).toBe(p.tally.unitId);
      const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, withheld: _w, ...figures } = side[which];
      expect(p.tally[which]).toEqual(figures);
    }
    expect(p.tally.adjudicated).not.toEqual(p.tally.reported);
    // The notices are queued for every member, not mailed (no SMTP in the demo).
    const counts = await noticeCounts(store.db, decision.id);
    expect(counts.pending + counts.noEmail).toBe(counts.total);
    expect(counts.sent).toBe(0);
    expect(counts.sent).toBe(0);
    expect(summary.decision.noticesQueued).toBe(counts.total);
  });

  it('keeps the record verifiable: plenum verify checks the decision against the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenum-ending-'));
    try {
      await exportRecord(store.db, ID, join(dir, 'record'), { now: () => AFTER });
      const r = await verifyRecord({ source: directorySource(join(dir, 'record')) });
      expect(r.problems).toEqual([]);
      expect(r.figures.decisionsChecked).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what it did, as a reconstruction, with the headline figures as reported and as adjudicated', () => {
    expect(lines.join('\n')).toMatch(/synthetic, not historical/);
    const text = describeEnding(summary).join('\n');
    expect(text).toMatch(/RECONSTRUCTION/);
    expect(text).toMatch(/128 deciding .* 222 consultative/);
    expect(text).toMatch(/not mailed/);
    expect(text).toContain(summary.decision.id);
    expect(summary.headline.reported.map((s) => s.key)).toEqual(summary.headline.adjudicated.map((s) => s.key));
    const votes = (s: EndingSummary['headline']['reported']) => s.find((x) => x.key === 'q1.cc.votes')!;
    expect(votes(summary.headline.adjudicated).denominator).toBeLessThan(votes(summary.headline.reported).denominator);
  });

  it('refuses to end the demo twice', async () => {
    await expect(loadEndedDemo(store.db, { scale: 0.01, log: () => undefined })).rejects.toThrow(/ending has been applied already: its decision dec-/);
    await expect(endDemo(store.db, { log: () => undefined })).rejects.toThrow(/applied already/);
  });
});

describe('the ending on a demo loaded on today\'s clock', () => {
  it('is refused, saying why and what to do instead', async () => {
    const store = await newStore(ENGINES[0]!);
    try {
      await loadDemo(store.db, { scale: 0.005, now: '2026-11-26T12:00:00.000Z', log: () => undefined });
      await expect(loadEndedDemo(store.db, { scale: 0.005, log: () => undefined })).rejects.toThrow(/today's clock.*plenum demo --ended --db/);
      // Nothing was done to it.
      await expect(getConference(store.db, ID)).rejects.toThrow(/no conference/);
    } finally {
      await store.dispose();
    }
  });
});
