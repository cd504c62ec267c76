/**
 * Loads the 1924 demo into an empty database through the same services an office uses: import the tree and the roll,
 * create and open the discussion (freezing the roll), then submit the branch reports one by one — so the demo's tally
 * is built exactly as a real one is. The votes are synthetic: an illustration, not historical counts.
 */
import { DomainError } from '../domain/errors.ts';
import { describeTally, formatShare } from '../domain/shares.ts';
import { createDiscussion, openDiscussion } from '../services/discussions.ts';
import { importMemberRows, MEMBERS_HEADER } from '../services/import-members.ts';
import { importUnits, type Progress } from '../services/import-units.ts';
import { submitReport } from '../services/reports.ts';
import { getTally } from '../services/tally.ts';
import type { Db } from '../storage/db.ts';
import { countUnits } from '../storage/units.repository.ts';
import { generate1924 } from './generate-1924.ts';

export const DEMO_DISCUSSION_ID = 'd1924';
const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface LoadDemoOptions {
  scale: number;
  now: string;
  seed?: number;
  /** Makes a progress reporter for a named phase (the CLI's bar); silent when absent. */
  progress?: (label: string) => { update: Progress; stop: () => void };
  log?: (line: string) => void;
}

export async function loadDemo(db: Db, opts: LoadDemoOptions): Promise<void> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if ((await countUnits(db)) > 0) {
    throw new DomainError('conflict', 'the demo needs an empty database, and this one already holds an organization; use another file, e.g. --db ./data/demo.db');
  }
  const phase = async <T>(label: string, fn: (update: Progress) => Promise<T> | T): Promise<T> => {
    const bar = opts.progress?.(label);
    try {
      return await fn(bar?.update ?? (() => undefined));
    } finally {
      bar?.stop();
    }
  };
  // The demo is set at 9 January 1924 with reporting still open: its window runs for a week from now.
  const reportingClosesAt = new Date(Date.parse(opts.now) + WEEK_MS).toISOString();
  const data = await phase('generating', (update) => generate1924({ scale: opts.scale, seed: opts.seed ?? 1924, reportingClosesAt }, update));
  await phase('units', (update) => importUnits(db, data.units.map((u, i) => ({ ...u, line: i + 2 })), opts.now, update));
  await phase('members', (update) =>
    importMemberRows(
      db,
      data.members.map((m, i) => ({
        line: i + 2,
        header: MEMBERS_HEADER,
        values: { id: m.id, unit_id: m.unitId, name: m.name, email: m.email, status: m.status },
      })),
      opts.now,
      update,
    ),
  );
  await createDiscussion(db, data.discussion, opts.now);
  await phase('opening (freezing the roll)', (update) => openDiscussion(db, data.discussion.id, opts.now, update));
  await phase('reports', async (update) => {
    let done = 0;
    for (const report of data.reports) {
      await submitReport(db, { discussionId: data.discussion.id, report, submittedBy: 'demo', now: opts.now });
      if (++done % 250 === 0 || done === data.reports.length) update(done, data.reports.length);
    }
  });
  const tally = await getTally(db, data.discussion.id, undefined, opts.now);
  const { questions } = describeTally(tally, data.discussion);
  const q1 = questions[0]!.shares;
  const pick = (key: string) => q1.find((s) => s.key === key)!;
  log(`1924 demo loaded (scale ${opts.scale}): ${data.units.length.toLocaleString('en')} units, ${data.members.length.toLocaleString('en')} members and candidates, ${data.reports.length.toLocaleString('en')} report versions.`);
  log(`  q1 — members in units adopting the CC position: ${formatShare(pick('q1.cc.members'))} of all voting members`);
  log(`  q1 — votes cast for the CC position:            ${formatShare(pick('q1.cc.votes'))} of votes cast`);
  log('  (illustration: the branch votes are synthetic, not historical counts)');
}
