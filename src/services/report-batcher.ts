/**
 * Group commit for branch reports. When many reports arrive at once (a busy evening before the deadline), they queue
 * here and are written in batches: one transaction per batch, one savepoint per report, so each report is still
 * accepted or refused on its own while the batch shares one commit: the pages every report touches (the root's and
 * regions' tally rows) are written to the WAL once per batch instead of once per report. With one report waiting it is
 * plain `submitReport`. Every answer is given only after its batch committed.
 * (Summing a batch's tally changes per unit into one giant CASE update was tried and was 3× slower on SQLite.)
 */
import { announceReports } from '../storage/change-feed.ts';
import { engine, type Db } from '../storage/db.ts';
import { settleRace, submitReport, submitWithin, type DiscussionCache, type SubmitReport, type SubmitResult } from './reports.ts';

interface Pending {
  cmd: SubmitReport;
  resolve: (r: SubmitResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: SubmitResult } | { error: unknown } | { again: true };

export class ReportBatcher {
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly db: Db,
    // Under 64 on PostgreSQL: more open subtransactions (savepoints) than that slow every other session's snapshots.
    private readonly maxBatch = 50,
  ) {}

  submit(cmd: SubmitReport): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ cmd, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Let the requests that arrived in the same turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) {
          const [one] = batch as [Pending];
          await submitReport(this.db, one.cmd).then(one.resolve, one.reject);
          continue;
        }
        await this.writeBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    /** Deadlock victims (PostgreSQL, another instance's batch): done again on their own after this batch. */
    const again: Pending[] = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      const discussions: DiscussionCache = new Map();
      for (const pending of batch) {
        const { cmd } = pending;
        const sp = await trx.savepoint('report').execute();
        try {
          const result = await submitWithin(sp, cmd, discussions);
          await sp.releaseSavepoint('report').execute();
          outcomes.push({ ok: result });
        } catch (e) {
          await sp.rollbackToSavepoint('report').execute();
          await sp.releaseSavepoint('report').execute();
          if (engine.isRetryable(e)) {
            outcomes.push({ again: true });
            again.push(pending);
            continue;
          }
          try {
            outcomes.push({ ok: await settleRace(trx, cmd, e) });
          } catch (refusal) {
            outcomes.push({ error: refusal });
          }
        }
      }
      await announceReports(trx, [...new Set(batch.map((p) => p.cmd.discussionId))]);
      await trx.commit().execute();
    } catch (e) {
      // The batch as a whole failed (the database went away, the commit failed): nothing of it was stored.
      await trx?.rollback().execute().catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('ok' in o) p.resolve(o.ok);
      else if ('error' in o) p.reject(o.error);
    });
    for (const p of again) await submitReport(this.db, p.cmd).then(p.resolve, p.reject);
  }
}
