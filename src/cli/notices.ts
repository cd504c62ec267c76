/**
 * `plenum notify DISCUSSION [--act ID] [--batch N] [--retry-uncertain]`: sends the notices of a binding decision (or of
 * an erratum) to every member by email, through SMTP_URL (src/services/mailer.ts), in batches, with a progress bar.
 * Interrupted, it is resumed by running it again: no member is mailed twice. Notices an interrupted run left `sending`
 * (their mail may have gone) are counted as uncertain and re-sent only with --retry-uncertain.
 */
import type { Command } from 'commander';
import { DomainError } from '../domain/errors.ts';
import { getDecisionDocument, sendDecisionNotices } from '../services/decisions.ts';
import { mailerFromEnvironment } from '../services/mailer.ts';
import { progressBar } from './io.ts';
import { dbOption, withStore } from './main.ts';

export function registerNoticeCommand(program: Command): void {
  program
    .command('notify <discussionId>')
    .description("email every member the notice of the discussion's binding decision (or --act an erratum); resumable, never twice to the same member")
    .option('--act <id>', 'an erratum of the decision, instead of the decision itself')
    .option('--batch <n>', 'notices claimed and sent at a time', '100')
    .option('--base-url <url>', 'the public address the mails link to (or PLENUM_PUBLIC_URL)', process.env.PLENUM_PUBLIC_URL ?? 'http://localhost:3000')
    .option('--retry-uncertain', 'also re-send notices an interrupted run left uncertain (their mail may already have gone)')
    .addOption(dbOption())
    .action((discussionId: string, opts: { act?: string; batch: string; baseUrl: string; retryUncertain?: boolean; db?: string }) =>
      withStore(opts, async (s) => {
        if (!/^[1-9][0-9]{0,4}$/.test(opts.batch)) throw new DomainError('invalid_input', `--batch must be a whole number from 1 to 99999, not ${JSON.stringify(opts.batch)}`, { field: 'batch' });
        const { decision, errata } = await getDecisionDocument(s.db, discussionId);
        const act = opts.act === undefined ? decision : [decision, ...errata].find((a) => a.id === opts.act);
        if (!act) throw new DomainError('not_found', `--act: no act '${opts.act}' in the decision of '${discussionId}'`, { field: 'act' });
        const bar = progressBar(`notices of ${act.kind} ${act.id}`);
        let counts;
        try {
          counts = await sendDecisionNotices(s.db, mailerFromEnvironment(), act.id, { baseUrl: opts.baseUrl, batchSize: Number(opts.batch), retryUncertain: opts.retryUncertain, progress: bar.update }, () => new Date().toISOString());
        } finally {
          bar.stop();
        }
        const n = (x: number) => x.toLocaleString('en');
        process.stdout.write(
          `${act.id}: ${n(counts.sent)} of ${n(counts.total)} members mailed; ${n(counts.noEmail)} without an email (in the app only); ${n(counts.failed)} failed; ${n(counts.sending)} uncertain (an interrupted run: --retry-uncertain re-sends them); ${n(counts.pending)} pending\n`,
        );
      }),
    );
}
