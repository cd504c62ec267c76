/**
 * The entry worker (src/services/entry-pool.ts): whatever mix a batch hands it — entries started ahead (some of them
 * then not needed, cancelled or not), entries handed over with the batch, office-signed or carrying a unit's
 * signature — the entries come back in order, each the bytes `finishReportEntry` makes on the main thread; and an
 * entry that cannot be made (an invalid statement) fails the batch that needs it, and only that batch.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/log/entries.ts';
import type { Signer } from '../../src/log/note.ts';
import { makeEntries, premake, startEntryWorker, type BatchEntry, type EntryJob } from '../../src/services/entry-pool.ts';
import { officeSigner, signedStatement } from '../../src/services/log.ts';
import { finishReportEntry } from '../../src/services/report-entry.ts';
import { newStore } from '../support/engines.ts';
import { T0 } from '../support/factories.ts';

const job = fc
  .record({
    unit: fc.integer({ min: 1, max: 50 }),
    version: fc.integer({ min: 1, max: 3 }),
    present: fc.nat(40),
    unitSigned: fc.boolean(),
    at: fc.integer({ min: 0, max: 59 }),
    bad: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))).chain((b) => (b ? fc.boolean() : fc.constant(false))),
    mode: fc.constantFrom('ahead', 'ahead', 'with the batch', 'ahead, not needed', 'ahead, cancelled'),
  })
  .map((j) => j);

describe('entries made on the worker', () => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let office: Signer;
  beforeAll(async () => {
    store = await newStore('sqlite');
    office = await officeSigner(store.db, T0);
  });
  afterAll(async () => store?.dispose());

  const entryJob = (j: { unit: number; version: number; present: number; unitSigned: boolean; at: number; bad: boolean }): EntryJob => {
    const statement = {
      discussionId: 'd1',
      unitId: j.bad ? `b ${j.unit}` : `b${j.unit}`,
      version: j.version,
      supersedes: j.version > 1 ? j.version - 1 : null,
      meetingDate: '2024-01-05',
      present: j.present,
      votes: { q1: { positions: { cc: j.present }, abstain: 0 } },
      resolutionSha256: sha256Hex(`r${j.unit}`),
      enteredBy: 'office' as const,
    };
    return j.unitSigned
      ? { signed: signedStatement(statement, 'ed25519-0123456789abcdef'), submittedAt: `2024-01-05T12:00:${String(j.at).padStart(2, '0')}.000Z`, signature: Buffer.alloc(64, j.unit).toString('base64') }
      : { signed: signedStatement(statement, office), submittedAt: `2024-01-05T12:00:${String(j.at).padStart(2, '0')}.000Z`, signature: office };
  };

  it('gives each batch its entries in order, the bytes the main thread makes, whoever made them', async () => {
    const worker = await startEntryWorker();
    let ahead = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(job, { minLength: 1, maxLength: 40 }), fc.boolean(), async (jobs, allWithTheBatch) => {
        const batch: BatchEntry[] = [];
        for (const j of jobs) {
          if (allWithTheBatch) j.mode = 'with the batch';
          const e = entryJob(j);
          if (j.mode === 'with the batch') batch.push({ job: e });
          else {
            const p = premake(e);
            if (p) ahead++;
            if (j.mode === 'ahead') batch.push({ job: e, premade: p });
            else if (j.mode === 'ahead, cancelled') p?.cancel();
          }
        }
        const made = makeEntries(batch).finish();
        if (batch.some((b) => b.job.signed.unitId.includes(' '))) await expect(made).rejects.toThrow(/invalid report entry/);
        else expect(await made).toEqual(batch.map((b) => finishReportEntry(b.job.signed, b.job.submittedAt, b.job.signature)));
      }),
      { numRuns: 150 },
    );
    if (worker) expect(ahead).toBeGreaterThan(100);
  });
});
