import { describe, it, expect } from 'vitest';
import { generate1924, type DemoDataset } from '../../src/demo/generate-1924.ts';

const CLOSES = '1924-01-16T00:00:00Z';

/** Voting roll per unit: members with status 'member' (candidates attend but do not vote). */
function rolls(d: DemoDataset): Map<string, number> {
  const roll = new Map<string, number>();
  for (const m of d.members) if (m.status === 'member') roll.set(m.unitId, (roll.get(m.unitId) ?? 0) + 1);
  return roll;
}

/**
 * The two numbers the demo sets side by side, computed independently of the generator: the share of all voting
 * members who sit in units whose current report adopts the CC position on q1 (quorate: present >= half the roll;
 * adopted: votes x 2 > all position votes), and the CC share of the votes cast on q1.
 */
function gap(d: DemoDataset): { weighted: number; votes: number; voting: number; inquorate: number; current: number } {
  const roll = rolls(d);
  const current = new Map(d.reports.map((r) => [r.unitId, r])); // later reports replace earlier ones
  const voting = [...roll.values()].reduce((a, b) => a + b, 0);
  let adopting = 0;
  let cc = 0;
  let cast = 0;
  let inquorate = 0;
  for (const [unitId, r] of current) {
    const n = roll.get(unitId) ?? 0;
    const q1 = r.votes.q1;
    if (!q1) continue;
    const sum = Object.values(q1.positions).reduce((a, b) => a + b, 0);
    cc += q1.positions.cc ?? 0;
    cast += sum;
    const quorate = r.present >= 0.5 * n;
    if (!quorate) inquorate++;
    if (quorate && (q1.positions.cc ?? 0) * 2 > sum) adopting += n;
  }
  return { weighted: adopting / voting, votes: cc / cast, voting, inquorate: inquorate / current.size, current: current.size };
}

/** Every problem found, as text: one expect on the list keeps the 40,000-report scale-1 check fast and readable. */
function reportProblems(d: DemoDataset): string[] {
  const problems: string[] = [];
  const roll = rolls(d);
  const units = new Map(d.units.map((u) => [u.id, u]));
  const questions = new Map(d.discussion.questions.map((q) => [q.id, new Set(q.positions.map((p) => p.id))]));
  const isCount = (c: number): boolean => Number.isInteger(c) && c >= 0;
  const seen = new Map<string, number>();
  for (const r of d.reports) {
    const at = `${r.unitId}@${r.meetingDate}`;
    const n = roll.get(r.unitId) ?? 0;
    if (units.get(r.unitId)?.kind !== 'cell') problems.push(`${at}: not a cell`);
    if (n < 1) problems.push(`${at}: empty voting roll`);
    if (!isCount(r.present) || r.present > n) problems.push(`${at}: present ${r.present} > roll ${n}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.meetingDate) || r.meetingDate < '1923-12-10' || r.meetingDate > '1924-01-09') problems.push(`${at}: date`);
    if (r.resolution.length < 10) problems.push(`${at}: no resolution`);
    if (!r.votes.q1) problems.push(`${at}: no vote on q1`);
    for (const [qid, v] of Object.entries(r.votes)) {
      const known = questions.get(qid);
      if (!known) problems.push(`${at}: unknown question ${qid}`);
      for (const pid of Object.keys(v.positions)) if (!known?.has(pid)) problems.push(`${at}: unknown position ${qid}.${pid}`);
      if (![...Object.values(v.positions), v.abstain].every(isCount)) problems.push(`${at}: ${qid} counts not whole numbers`);
      const cast = Object.values(v.positions).reduce((a, b) => a + b, 0);
      if (cast + v.abstain > r.present) problems.push(`${at}: ${qid} votes ${cast} + abstain ${v.abstain} > present ${r.present}`);
    }
    // Only corrections carry supersedes, and they name the version (1-based) of the report they replace.
    const prior = seen.get(r.unitId) ?? 0;
    if (prior === 0 ? r.supersedes !== undefined : r.supersedes !== prior) problems.push(`${at}: supersedes ${r.supersedes} after ${prior} reports`);
    seen.set(r.unitId, prior + 1);
  }
  return problems;
}

function treeProblems(d: DemoDataset): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const u of d.units) {
    if (!/^[a-z0-9-]+$/.test(u.id)) problems.push(`${u.id}: not a short ASCII id`);
    if (ids.has(u.id)) problems.push(`${u.id}: duplicate`);
    if (u.parentId !== null && !ids.has(u.parentId)) problems.push(`${u.id}: parent ${u.parentId} missing or later`);
    ids.add(u.id);
  }
  d.members.forEach((m, i) => {
    if (m.id !== `m${i + 1}` || m.email !== `m${i + 1}@example.org`) problems.push(`${m.id}: id or email out of sequence`);
    if (!ids.has(m.unitId)) problems.push(`${m.id}: unknown unit ${m.unitId}`);
  });
  return problems;
}

const committees = (d: DemoDataset) => d.units.filter((u) => u.kind !== 'cell');

describe('generate1924', () => {
  const small = generate1924({ scale: 0.1, reportingClosesAt: CLOSES });

  it('is deterministic for the same options and varies with the seed', () => {
    expect(generate1924({ scale: 0.1, reportingClosesAt: CLOSES })).toEqual(small);
    const other = generate1924({ scale: 0.1, seed: 7, reportingClosesAt: CLOSES });
    expect(other.reports).not.toEqual(small.reports);
    expect(committees(other)).toEqual(committees(small)); // the committee tree does not depend on chance draws
  });

  it('keeps the committee tree fixed across scales', () => {
    const tiny = generate1924({ scale: 0.02, reportingClosesAt: CLOSES });
    expect(committees(tiny)).toEqual(committees(small));
    const gubernias = small.units.filter((u) => u.kind === 'gubernia');
    expect(gubernias.length).toBeGreaterThanOrEqual(65);
    expect(gubernias.length).toBeLessThanOrEqual(72);
    for (const g of gubernias) {
      const subs = small.units.filter((u) => u.parentId === g.id && (u.kind === 'uyezd' || u.kind === 'raion'));
      expect(subs.length, g.id).toBeGreaterThanOrEqual(5);
      expect(subs.length, g.id).toBeLessThanOrEqual(12);
    }
  });

  it('has the 1:10 totals', () => {
    const voting = small.members.filter((m) => m.status === 'member').length;
    expect(voting).toBeGreaterThan(36_000);
    expect(voting).toBeLessThan(44_000);
    expect(small.members.length).toBeGreaterThan(43_000);
    expect(small.members.length).toBeLessThan(51_000);
    const cells = small.units.filter((u) => u.kind === 'cell');
    expect(cells.length).toBeGreaterThan(3_500);
    expect(cells.length).toBeLessThan(5_500);
    const coverage = new Set(small.reports.map((r) => r.unitId)).size / cells.length;
    expect(coverage).toBeGreaterThan(0.84);
    expect(coverage).toBeLessThan(0.93);
  });

  it('produces a valid tree, members and reports', () => {
    expect(treeProblems(small)).toEqual([]);
    expect(small.units.filter((u) => u.parentId === null)).toEqual([{ id: 'cc', parentId: null, name: expect.any(String), kind: 'national' }]);
    expect(reportProblems(small)).toEqual([]);
  });

  it('describes the discussion', () => {
    const d = small.discussion;
    expect(d.id).toBe('d1924');
    expect(d.reportingClosesAt).toBe(CLOSES);
    expect(d.rules).toEqual({ quorum: 0.5, majority: 'votes-cast' });
    expect(d.description).toContain('Illustration: the branch votes are synthetic, not historical counts.');
    expect(d.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
    for (const q of d.questions) expect(q.positions.map((p) => p.id)).toEqual(['cc', 'opp']);
  });

  it('has a few inquorate meetings, q1-only meetings and corrections', () => {
    const g = gap(small);
    expect(g.inquorate).toBeGreaterThan(0.01);
    expect(g.inquorate).toBeLessThan(0.06);
    expect(small.reports.some((r) => !r.votes.q2)).toBe(true);
    const corrections = small.reports.filter((r) => r.supersedes !== undefined).length;
    expect(corrections / small.reports.length).toBeGreaterThan(0.001);
    expect(corrections / small.reports.length).toBeLessThan(0.012);
  });

  it('records the Petrograd student cell counted twice', () => {
    const [first, second] = small.reports.filter((r) => r.unitId === 'g-petrograd-r3-c1');
    expect(first?.votes.q1?.positions.opp).toBe(37);
    expect(second?.supersedes).toBe(1);
    const q1 = second?.votes.q1?.positions ?? {};
    expect((q1.opp ?? 0) / ((q1.opp ?? 0) + (q1.cc ?? 0))).toBeCloseTo(0.4, 1);
  });

  it('shows the gap between members in adopting units and votes cast', () => {
    const g = gap(small);
    expect(g.weighted).toBeGreaterThanOrEqual(0.8);
    expect(g.votes).toBeLessThanOrEqual(g.weighted - 0.08);
    expect(g.votes).toBeGreaterThan(0.6);
  });

  it('echoes the local colour', () => {
    const byName = new Map(small.units.map((u) => [u.id, u.name]));
    const ccShare = (filter: (unitId: string) => boolean): number => {
      let cc = 0;
      let all = 0;
      for (const r of small.reports) {
        if (r.supersedes || !filter(r.unitId)) continue;
        const p = r.votes.q1?.positions ?? {};
        cc += p.cc ?? 0;
        all += (p.cc ?? 0) + (p.opp ?? 0);
      }
      return cc / all;
    };
    const moscow = (kind: string) => (id: string) => id.startsWith('g-moskva-') && (byName.get(id) ?? '').startsWith(kind);
    expect(ccShare(moscow("Workers'"))).toBeGreaterThan(0.75);
    expect(ccShare(moscow('Student'))).toBeLessThan(0.6);
    expect(ccShare((id) => id.startsWith('g-irkutsk-r'))).toBeLessThan(0.5);
    expect(ccShare((id) => id.startsWith('g-irkutsk-u'))).toBeGreaterThan(0.7);
    expect(ccShare((id) => id.startsWith('g-vyatka-r'))).toBeGreaterThan(0.4);
    expect(ccShare((id) => id.startsWith('g-vyatka-r'))).toBeLessThan(0.75);
    expect(ccShare((id) => (byName.get(id) ?? '').startsWith('Village'))).toBeGreaterThan(0.95);
    expect(ccShare((id) => id.startsWith('pur-'))).toBeLessThan(ccShare(() => true));
  });

  it('reports progress up to completion', () => {
    const calls: Array<[number, number]> = [];
    generate1924({ scale: 0.05, reportingClosesAt: CLOSES }, (done, total) => calls.push([done, total]));
    expect(calls.length).toBeGreaterThan(1);
    const last = calls[calls.length - 1] as [number, number];
    expect(last[0]).toBe(last[1]);
    for (let i = 1; i < calls.length; i++) expect((calls[i] as [number, number])[0]).toBeGreaterThanOrEqual((calls[i - 1] as [number, number])[0]);
  });

  it('rejects a nonsensical scale', () => {
    expect(() => generate1924({ scale: 0, reportingClosesAt: CLOSES })).toThrow(RangeError);
  });

  it('has the full-size totals at scale 1', { timeout: 60_000 }, () => {
    const full = generate1924({ scale: 1, reportingClosesAt: CLOSES });
    const g = gap(full);
    expect(g.voting).toBeGreaterThan(380_000);
    expect(g.voting).toBeLessThan(420_000);
    expect(full.members.length).toBeGreaterThan(450_000);
    expect(full.members.length).toBeLessThan(490_000);
    const cells = full.units.filter((u) => u.kind === 'cell').length;
    expect(cells).toBeGreaterThan(35_000);
    expect(cells).toBeLessThan(55_000);
    expect(treeProblems(full)).toEqual([]);
    expect(reportProblems(full)).toEqual([]);
    expect(g.weighted).toBeGreaterThanOrEqual(0.8);
    expect(g.votes).toBeLessThanOrEqual(g.weighted - 0.08);
  });
});
