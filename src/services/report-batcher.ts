/**
 * Group commit for branch reports. When many reports arrive at once (a busy evening before the deadline), they queue
 * here and are written in batches, one transaction per batch, each report still accepted or refused on its own and
 * every answer given only after its batch committed. With one report waiting it is plain `submitReport`.
 *
 * A batch is written set-based first (services/report-batch.ts): the batch's state read in a few statements, each
 * report decided in memory by the same checks as alone, the accepted ones written with multi-row inserts and the
 * tally changes summed per unit, one `update … from (values …)` per tally table — a few dozen statements per batch
 * instead of a dozen per report. (Summing them into one giant CASE update per table was tried earlier and was 3×
 * slower on SQLite than a statement per report; the VALUES join is a keyed lookup per row.) Should that fail as a
 * whole — a key taken meanwhile by another process, a deadlock on PostgreSQL — the transaction is rolled back and the
 * batch written the slow way: one savepoint per report, so each race is settled for its report alone, as before.
 *
 * As each report arrives, the log entry it will have if accepted is started on the entry worker
 * (services/entry-pool.ts): the office's signature is made while the batch before is still being written, and the
 * report's own batch uses it if it decides that very entry.
 */
import { announceReports } from '../storage/change-feed.ts';
import { engine, type Db } from '../storage/db.ts';
import { settleRace, submitReport, submitWithin, type DiscussionCache, type SubmitReport, type SubmitResult } from './reports.ts';
import type { PremadeEntry } from './entry-pool.ts';
import { premakeEntry, writeReportBatch, type BatchAnswer } from './report-batch.ts';

interface Pending {
  cmd: SubmitReport;
  /** Its log entry, started ahead on the entry worker (services/report-batch.ts `premakeEntry`). */
  premade: PremadeEntry | undefined;
  resolve: (r: SubmitResult) => void;
  reject: (e: unknown) => void;
}

/** Under 64 on PostgreSQL: more open subtransactions (savepoints) than that slow every other session's snapshots. */
const SAVEPOINTS_PER_TRANSACTION = 50;

type Outcome = { ok: SubmitResult } | { error: unknown } | { again: true };

export class ReportBatcher {
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 100,
  ) {}

  submit(cmd: SubmitReport): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ cmd, premade: premakeEntry(this.db, cmd), resolve, reject });
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
          one.premade?.cancel();
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
    let answers: BatchAnswer[] | undefined;
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      answers = await writeReportBatch(
        trx,
        batch.map((p) => p.cmd),
        batch.map((p) => p.premade),
      );
    } catch {
      // Nothing of it was stored; the batch again, a savepoint per report (races settled report by report).
      await trx?.rollback().execute().catch(() => undefined);
      for (let i = 0; i < batch.length; i += SAVEPOINTS_PER_TRANSACTION) await this.writeBatchReportByReport(batch.slice(i, i + SAVEPOINTS_PER_TRANSACTION));
      return;
    }
    try {
      await trx.commit().execute();
    } catch (e) {
      await trx.rollback().execute().catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => {
      const a = answers![i]!;
      if ('ok' in a) p.resolve(a.ok);
      else p.reject(a.error);
    });
  }

  private async writeBatchReportByReport(batch: Pending[]): Promise<void> {
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
