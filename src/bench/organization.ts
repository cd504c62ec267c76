/**
 * The bench's synthetic organization: root → regions → districts → branches, members spread unevenly over the
 * branches, and one report per branch. Deterministic (seeded), so runs are comparable over time.
 */
import { mulberry32, type Rng } from '../domain/random.ts';
import type { DiscussionDefinition } from '../domain/discussion.ts';
import { DomainError } from '../domain/errors.ts';
import type { ReportInput } from '../domain/report.ts';

export const MIN_UNITS = 20;
export const MEMBERS_PER_UNIT = 20;
/** Share of members who are candidates (no vote); every branch keeps at least one voting member. */
const CANDIDATE_SHARE = 0.1;



const normal = (r: Rng): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export interface Organization {
  units: number;
  rootId: string;
  regionIds: string[];
  districtIds: string[];
  /** Branch ids with their voting members (≥ 1 each). */
  branches: Array<{ id: string; voting: number }>;
  members: number;
  votingMembers: number;
  unitsCsv: string;
  /** Built lazily: 2,000,000 lines is ~130 MB of text. */
  membersCsv: () => string;
}

/** `units` units in all: ~50 regions of ~20 districts at 100,000 units, fewer at smaller sizes; the rest branches. */
export function buildOrganization(units: number, seed = 1924): Organization {
  if (!Number.isInteger(units) || units < MIN_UNITS || units > 10_000_000) {
    throw new DomainError('invalid_input', `--units must be a whole number from ${MIN_UNITS} to 10,000,000, got ${units}`, { field: 'units' });
  }
  const r = mulberry32(seed);
  const regions = clamp(Math.round(Math.sqrt(units) / 6.3), 2, 50);
  const perRegion = clamp(Math.round(Math.sqrt(units) / 15.8), 2, 20);
  const branchCount = units - 1 - regions - regions * perRegion;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');

  const rootId = 'org';
  const lines = ['id,parent_id,name,kind', `${rootId},,Central Committee,national`];
  const regionIds: string[] = [];
  const districtIds: string[] = [];
  for (let i = 1; i <= regions; i++) {
    const id = `r${pad(i, 2)}`;
    regionIds.push(id);
    lines.push(`${id},${rootId},Region ${i},region`);
  }
  for (const reg of regionIds) {
    for (let j = 1; j <= perRegion; j++) {
      const id = `${reg}-d${pad(j, 2)}`;
      districtIds.push(id);
      lines.push(`${id},${reg},District ${id},district`);
    }
  }
  // Branches: every district gets one, the rest go to districts with uneven (lognormal) weights.
  const districtWeights = districtIds.map(() => Math.exp(0.6 * normal(r)));
  const districtCum = cumulative(districtWeights);
  const width = String(branchCount).length;
  const branches: Organization['branches'] = [];
  for (let k = 1; k <= branchCount; k++) {
    const district = k <= districtIds.length ? districtIds[k - 1]! : districtIds[pickIndex(districtCum, r())]!;
    const id = `b${pad(k, width)}`;
    branches.push({ id, voting: 0 });
    lines.push(`${id},${district},Branch ${k},branch`);
  }

  // Members: 20 per unit on average, all in branches, lognormal sizes (a few branches of hundreds, many small ones).
  const members = MEMBERS_PER_UNIT * units;
  const weights = branches.map(() => Math.exp(1.1 * normal(r)));
  const sizes = apportion(members - branches.length, weights).map((n) => n + 1);
  // Status per member, decided now so the report generator knows each branch's voting roll.
  const candidateFlags: Uint8Array = new Uint8Array(members);
  let m = 0;
  let voting = 0;
  branches.forEach((b, i) => {
    const size = sizes[i]!;
    for (let k = 0; k < size; k++, m++) {
      const candidate = k > 0 && r() < CANDIDATE_SHARE;
      candidateFlags[m] = candidate ? 1 : 0;
      if (!candidate) b.voting += 1;
    }
    voting += b.voting;
  });

  const membersCsv = () => {
    const out: string[] = new Array(members + 1);
    out[0] = 'id,unit_id,name,email,status';
    let n = 0;
    branches.forEach((b, i) => {
      const size = sizes[i]!;
      for (let k = 0; k < size; k++, n++) {
        const candidate = candidateFlags[n] === 1;
        out[n + 1] = `m${n + 1},${b.id},Member ${n + 1},${n % 7 === 0 ? '' : `m${n + 1}@example.org`},${candidate ? 'candidate' : 'member'}`;
      }
    });
    return `${out.join('\n')}\n`;
  };

  return { units, rootId, regionIds, districtIds, branches, members, votingMembers: voting, unitsCsv: `${lines.join('\n')}\n`, membersCsv };
}

function cumulative(weights: readonly number[]): Float64Array {
  const cum = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => (cum[i] = s += w));
  return cum;
}

function pickIndex(cum: Float64Array, u: number): number {
  const target = u * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Splits `total` into whole parts proportional to `weights` (largest remainders). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]![1]]! += 1;
  return parts;
}

export const DISCUSSION_ID = 'bench';

export function benchDiscussion(): DiscussionDefinition {
  return {
    id: DISCUSSION_ID,
    title: 'Bench discussion',
    description: 'Synthetic discussion for `plenum bench`.',
    reportingClosesAt: '2999-12-31T00:00:00.000Z',
    rules: { quorum: 0.5, majority: 'votes-cast' },
    questions: [
      { id: 'q1', text: 'Factions?', positions: [{ id: 'unity', title: 'Unity' }, { id: 'opp', title: 'Opposition' }] },
      { id: 'q2', text: 'Economic policy?', positions: [{ id: 'keep', title: 'Keep' }, { id: 'revise', title: 'Revise' }] },
    ],
  };
}

/** A plausible first report of a branch with `voting` members: some meetings miss quorum, most split their votes. */
export function branchReport(r: Rng, unitId: string, voting: number): ReportInput {
  const present = clamp(Math.round(voting * (0.3 + 0.7 * r())), 1, voting);
  const question = (a: string, b: string) => {
    const abstain = Math.floor(present * 0.15 * r());
    const cast = present - abstain;
    const forA = Math.round(cast * (0.25 + 0.6 * r()));
    return { positions: { [a]: forA, [b]: cast - forA }, abstain };
  };
  return {
    unitId,
    meetingDate: '2024-01-05',
    present,
    votes: { q1: question('unity', 'opp'), q2: question('keep', 'revise') },
    resolution: 'The branch meeting discussed the questions and voted as recorded.',
  };
}
