/** Builders with overrides, shared by unit, integration and HTTP tests. Each test builds its own organization. */
import type { DiscussionDefinition } from '../../src/domain/discussion.ts';
import type { ReportInput } from '../../src/domain/report.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import type { Db } from '../../src/storage/db.ts';

export const T0 = '2024-01-01T00:00:00.000Z';
export const T1 = '2024-01-05T12:00:00.000Z';
export const CLOSES = '2024-01-15T00:00:00.000Z';

export function discussionDef(over: Partial<DiscussionDefinition> = {}): DiscussionDefinition {
  return {
    id: 'd1',
    title: 'Test discussion',
    description: 'for tests',
    reportingClosesAt: CLOSES,
    rules: { quorum: 0.5, majority: 'votes-cast' },
    questions: [
      { id: 'q1', text: 'Factions?', positions: [{ id: 'cc', title: 'Unity' }, { id: 'opp', title: 'Opposition' }] },
      { id: 'q2', text: 'NEP?', positions: [{ id: 'cc', title: 'Keep' }, { id: 'opp', title: 'Revise' }] },
    ],
    ...over,
  };
}

/**
 * A small organization: root → 2 regions → 2 districts each → 2 branches each (8 branches), plus one empty branch.
 * Branch b<i> has `rolls[i]` voting members and one candidate.
 */
export const SMALL_TREE = `id,parent_id,name,kind
root,,Central Committee,national
r1,root,Region One,region
r2,root,Region Two,region
d11,r1,District 1-1,district
d12,r1,District 1-2,district
d21,r2,District 2-1,district
d22,r2,District 2-2,district
b1,d11,Branch 1,branch
b2,d11,Branch 2,branch
b3,d12,Branch 3,branch
b4,d12,Branch 4,branch
b5,d21,Branch 5,branch
b6,d21,Branch 6,branch
b7,d22,Branch 7,branch
b8,d22,Branch 8,branch
b9,d22,Empty branch,branch
`;

export const SMALL_ROLLS = [40, 10, 25, 3, 60, 7, 12, 1];
export const BRANCHES = SMALL_ROLLS.map((_, i) => `b${i + 1}`);

export function membersCsv(rolls: readonly number[] = SMALL_ROLLS): string {
  const lines = ['id,unit_id,name,email,status'];
  let n = 0;
  rolls.forEach((roll, i) => {
    for (let k = 0; k < roll; k++) lines.push(`m${++n},b${i + 1},Member ${n},m${n}@example.org,member`);
    lines.push(`m${++n},b${i + 1},Candidate ${n},,candidate`);
  });
  return `${lines.join('\n')}\n`;
}

export async function smallOrganization(db: Db, opts: { discussion?: Partial<DiscussionDefinition>; open?: boolean } = {}): Promise<DiscussionDefinition> {
  await importUnitsCsv(db, SMALL_TREE, T0);
  await importMembersCsv(db, membersCsv(), T0);
  const d = discussionDef(opts.discussion);
  await createDiscussion(db, d, T0);
  if (opts.open !== false) await openDiscussion(db, d.id, T0);
  return d;
}

export function report(over: Partial<ReportInput> = {}): ReportInput {
  return {
    unitId: 'b1',
    meetingDate: '2024-01-05',
    present: 23,
    votes: { q1: { positions: { cc: 20, opp: 2 }, abstain: 1 } },
    resolution: 'The branch endorses the resolution.',
    ...over,
  };
}
