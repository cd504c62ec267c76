/**
 * The set-based batch writer (src/services/report-batch.ts) against the reports submitted one by one: for any mix of
 * valid and refused reports, several of one unit, corrections, retried and reused Idempotency-Keys, reports signed
 * with the unit's key (right and wrong), submitted by the office or by a secretary (of the unit, or of another) —
 * the same answers, the same tallies (each equal to a recount), the same report rows, the same idempotency keys and
 * the same log entries, byte for byte. Two stores per engine with the same server keys, the same organization and the
 * same discussions: one written report by report with `submitReport`, the other one batch per run with
 * `writeReportBatch` (its own transaction, so the slow path of the batcher cannot stand in for it). The batch is also
 * given entries started ahead on the entry worker (as `ReportBatcher` starts them when reports arrive): the expected
 * ones, and wrong ones (another version, time, vote or signer object) that it must not use.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/domain/errors.ts';
import type { Principal } from '../../src/domain/policy.ts';
import type { ReportInput } from '../../src/domain/report.ts';
import { sha256Hex } from '../../src/log/entries.ts';
import { signerFromSeed } from '../../src/log/note.ts';
import { signingKeyId, signReportStatement } from '../../src/log/signing.ts';
import { createDiscussion, openDiscussion } from '../../src/services/discussions.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { premake, startEntryWorker, type PremadeEntry } from '../../src/services/entry-pool.ts';
import { officeSigner, rememberLogs, signedStatement } from '../../src/services/log.ts';
import { ReportBatcher } from '../../src/services/report-batcher.ts';
import { premakeEntry, writeReportBatch, type BatchAnswer } from '../../src/services/report-batch.ts';
import { statementIfAccepted, submitReport, type SubmitReport } from '../../src/services/reports.ts';
import { getTally, recountTally } from '../../src/services/tally.ts';
import { openStore, type Store } from '../../src/storage/db.ts';
import { insertUnitKey } from '../../src/storage/keys.repository.ts';
import { insertServerKeyIfAbsent } from '../../src/storage/log.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { discussionDef, membersCsv, SMALL_ROLLS, SMALL_TREE, T0, T1 } from '../support/factories.ts';

const UNITS = ['root', 'r1', 'r2', 'd11', 'd12', 'd21', 'd22', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'];
const ROLL: Record<string, number> = Object.fromEntries(SMALL_ROLLS.map((r, i) => [`b${i + 1}`, r]));
const seed = (n: number) => new Uint8Array(32).fill(n);
/** b1's secretary's key, active before any discussion opens (so both stores' logs start alike). */
const unitSigner = signerFromSeed('b1-secretary', seed(7));
const UNIT_KEY = signingKeyId(unitSigner.publicKey);
const secretaryOf = (unitId: string): Principal => ({ kind: 'token', id: `sec-${unitId}`, name: `Secretary of ${unitId}`, grants: [{ role: 'secretary', unitId }] });

const step = fc.record({
  unit: fc.constantFrom('b1', 'b1', 'b1', 'b2', 'b3', 'b4', 'b5', 'b5', 'b6', 'b7', 'b8', 'root', 'nowhere'),
  /** Percent of the unit's roll present; above 100 is a refusal. */
  presentPct: fc.nat(104),
  cc: fc.nat(100),
  abstainPct: fc.nat(30),
  q2: fc.boolean(),
  supersedes: fc.constantFrom(undefined, undefined, undefined, 1, 1, 2, 9),
  key: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, undefined, 'k1', 'k2'),
  by: fc.constantFrom('office', 'office', 'office', 'office', 'office', 'own secretary', 'secretary-b2'),
  signed: fc.constantFrom('no', 'no', 'no', 'no', 'no', 'yes', 'yes', 'wrong'),
  resolution: fc.constantFrom('r', 'Another resolution.'),
});
/** b1's first version, signed by its secretary's key and sent with an idempotency key; then its correction. */
const SIGNED_FIRST: Step = { unit: 'b1', presentPct: 80, cc: 60, abstainPct: 10, q2: true, supersedes: undefined, key: 'k1', by: 'own secretary', signed: 'yes', resolution: 'r' };
const SIGNED_CORRECTION: Step = { ...SIGNED_FIRST, presentPct: 90, supersedes: 1, key: undefined, by: 'office' };
/** The entry a report is given as started ahead: the expected one, none, or a wrong one. */
const ahead = fc.constantFrom('expected', 'expected', 'expected', 'none', 'version', 'time', 'votes', 'signer');
type Ahead = typeof ahead extends fc.Arbitrary<infer A> ? A : never;
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function command(discussionId: string, s: Step): SubmitReport {
  const present = Math.floor(((ROLL[s.unit] ?? 5) * s.presentPct) / 100);
  const abstain = Math.floor((present * s.abstainPct) / 100);
  const cc = Math.floor(((present - abstain) * s.cc) / 100);
  const votes: ReportInput['votes'] = { q1: { positions: { cc, opp: present - abstain - cc }, abstain } };
  if (s.q2) votes.q2 = { positions: { cc: present - abstain }, abstain };
  const report: ReportInput = { unitId: s.unit, meetingDate: '2024-01-05', present, votes, resolution: s.resolution, supersedes: s.supersedes };
  if (s.signed !== 'no') {
    const version = (s.supersedes ?? 0) + 1;
    const statement = {
      type: 'report' as const,
      v: 1 as const,
      discussionId,
      unitId: s.unit,
      version: s.signed === 'wrong' ? version + 1 : version,
      supersedes: s.supersedes ?? null,
      meetingDate: report.meetingDate,
      present,
      votes,
      resolutionSha256: sha256Hex(report.resolution),
      keyId: UNIT_KEY,
      enteredBy: 'unit' as const,
    };
    report.signature = { keyId: UNIT_KEY, value: signReportStatement(statement, unitSigner) };
  }
  const principal = s.by === 'office' ? undefined : secretaryOf(s.by === 'own secretary' ? s.unit : 'b2');
  return { discussionId, report, submittedBy: s.by, principal, address: principal ? '192.0.2.1' : null, idempotencyKey: s.key, now: T1 };
}

/** An answer as compared: what the client is told (a refusal by its code and message). */
function shown(a: BatchAnswer): unknown {
  if ('ok' in a) return { ok: a.ok };
  if (!isDomainError(a.error)) throw a.error;
  return { refused: a.error.code, message: a.error.message };
}

async function rows(store: Store, discussionId: string) {
  const { db } = store;
  const sorted = <T>(r: T[]) => r.map((x) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))) as T);
  return {
    entries: sorted(await db.selectFrom('log_entries').selectAll().where('discussion_id', '=', discussionId).orderBy('idx').execute()),
    head: sorted(await db.selectFrom('log_heads').selectAll().where('discussion_id', '=', discussionId).execute()),
    reports: sorted(await db.selectFrom('reports').selectAll().where('discussion_id', '=', discussionId).orderBy('unit_id').orderBy('version').execute()),
    keys: sorted(await db.selectFrom('idempotency_keys').selectAll().where('scope', 'like', `${discussionId}:%`).orderBy('scope').orderBy('key').execute()),
    audit: sorted(
      (await db.selectFrom('audit_events').select(['action', 'target', 'actor_id', 'actor_role', 'address', 'detail', 'at']).where('target', 'like', `report:${discussionId}/%`).orderBy('id').execute()),
    ),
  };
}

describe.each(ENGINES)('a batch written set-based = the same reports one by one, on %s', (engine) => {
  let one: Awaited<ReturnType<typeof newStore>>;
  let batched: Awaited<ReturnType<typeof newStore>>;
  let n = 0;
  const seen = { accepted: 0, refused: 0, replayed: 0, corrections: 0, signed: 0 };
  beforeAll(async () => {
    one = await newStore(engine);
    batched = await newStore(engine);
    for (const s of [one, batched]) {
      for (const [name, k] of [['log', 1], ['office', 2]] as const) {
        const signer = signerFromSeed(name, seed(k));
        await insertServerKeyIfAbsent(s.db, { name, seed: Buffer.from(seed(k)).toString('base64'), publicKey: Buffer.from(signer.publicKey).toString('base64') }, T0);
      }
      await importUnitsCsv(s.db, SMALL_TREE, T0);
      await importMembersCsv(s.db, membersCsv(SMALL_ROLLS), T0);
      await insertUnitKey(s.db, {
        keyId: UNIT_KEY,
        unitId: 'b1',
        publicKey: Buffer.from(unitSigner.publicKey).toString('base64'),
        label: 'secretary',
        state: 'active',
        replaces: null,
        requestedAt: T0,
        requestedBy: 'test',
        decidedAt: T0,
        decidedBy: 'test',
        reason: null,
      });
    }
  });
  afterAll(async () => {
    await one.dispose();
    await batched.dispose();
  });

  /** The entry `cmd` is given as started ahead in the batched store. */
  async function aheadOf(cmd: SubmitReport, kind: Ahead): Promise<PremadeEntry | undefined> {
    const db = batched.db;
    if (kind === 'none') return undefined;
    if (kind === 'expected') return premakeEntry(db, cmd);
    if (kind === 'signer') {
      // The office's key, but another signer object (the other store's): not the job decided, so made anew.
      const other = await officeSigner(one.db, T0);
      return premake({ signed: signedStatement(statementIfAccepted(cmd), cmd.report.signature?.keyId ?? other), submittedAt: cmd.now, signature: cmd.report.signature?.value ?? other });
    }
    const wrong: SubmitReport =
      kind === 'version'
        ? { ...cmd, report: { ...cmd.report, supersedes: (cmd.report.supersedes ?? 0) + 1 } }
        : kind === 'time'
          ? { ...cmd, now: '2024-01-06T00:00:00.001Z' }
          : { ...cmd, report: { ...cmd.report, votes: { ...cmd.report.votes, q1: { positions: {}, abstain: 0 } } } };
    return premakeEntry(db, wrong);
  }

  it('gives the same answers, tallies, rows and log entries', async () => {
    // Entries started ahead need the worker (none on a single core: the batch then makes every entry itself).
    const worker = await startEntryWorker();
    let usedAhead = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 8 }),
        fc.array(step, { minLength: 1, maxLength: 24 }),
        fc.constantFrom(0.5, 0.25, 1),
        fc.array(ahead, { minLength: 32, maxLength: 32 }),
        async (before, steps, quorum, aheads) => {
        // Each run is its own discussion, the same in both stores; `before` is written one by one in both (earlier
        // versions and keys for the batch to meet), then `steps` one by one in one store and as one batch in the other.
        const id = `p${++n}`;
        for (const s of [one, batched]) {
          await createDiscussion(s.db, discussionDef({ id, rules: { quorum, majority: 'votes-cast' } }), T0);
          await openDiscussion(s.db, id, T0);
          for (const b of before) await submitReport(s.db, command(id, b)).catch((e: unknown) => expect(isDomainError(e), String(e)).toBe(true));
        }
        const cmds = [...steps, ...before.slice(0, 4)].map((s) => command(id, s));
        const expected: BatchAnswer[] = [];
        for (const c of cmds) expected.push(await submitReport(one.db, c).then((ok) => ({ ok }), (error: unknown) => ({ error })));
        rememberLogs(batched.db, [id]);
        const premade = await Promise.all(cmds.map((c, i) => aheadOf(c, aheads[i]!)));
        const trx = await batched.db.startTransaction().execute();
        let answers: BatchAnswer[];
        try {
          answers = await writeReportBatch(trx, cmds, premade);
          await trx.commit().execute();
        } catch (e) {
          await trx.rollback().execute();
          throw e;
        }
        expect(answers.map(shown)).toEqual(expected.map(shown));
        for (const [i, a] of answers.entries()) {
          if ('ok' in a) {
            seen[a.ok.replayed ? 'replayed' : 'accepted']++;
            if (a.ok.accepted.version > 1 && !a.ok.replayed) seen.corrections++;
            if (cmds[i]!.report.signature && !a.ok.replayed) seen.signed++;
            if (premade[i] && aheads[i] === 'expected' && !a.ok.replayed) usedAhead++;
          } else seen.refused++;
        }
        expect(await rows(batched, id)).toEqual(await rows(one, id));
        for (const unit of UNITS) {
          const { asOf: _a, ...b } = await getTally(batched.db, id, unit, T1);
          const { asOf: _b, ...o } = await getTally(one.db, id, unit, T1);
          expect(b).toEqual(o);
          const { discussionId: _d, unitId: _u, provisional: _p, ...counts } = b;
          expect(counts).toEqual(await recountTally(batched.db, id, unit));
        }
        },
      ),
      {
        numRuns: engine === 'postgres' ? 30 : 60,
        // Besides the random runs, one that surely meets a replay (the report before, sent again with its key), a
        // correction and a unit-signed report: the checks below must not hang on the draw.
        examples: [[[SIGNED_FIRST], [SIGNED_CORRECTION], 0.5, Array<Ahead>(32).fill('expected')]],
      },
    );
    if (worker) expect(usedAhead).toBeGreaterThan(3);
    // Not vacuous: every kind of answer came up along the way.
    expect(seen.accepted).toBeGreaterThan(15);
    expect(seen.refused).toBeGreaterThan(15);
    expect(seen.replayed).toBeGreaterThan(0);
    expect(seen.corrections).toBeGreaterThan(0);
    expect(seen.signed).toBeGreaterThan(0);
  });

  it('refuses the reports of a discussion that does not exist, as alone, and writes the others', async () => {
    const id = `p${++n}`;
    for (const s of [one, batched]) {
      await createDiscussion(s.db, discussionDef({ id, rules: { quorum: 0.5, majority: 'votes-cast' } }), T0);
      await openDiscussion(s.db, id, T0);
    }
    const cmds = [command(id, SIGNED_FIRST), command('nowhere', SIGNED_FIRST)];
    const expected: BatchAnswer[] = [];
    for (const c of cmds) expected.push(await submitReport(one.db, c).then((ok) => ({ ok }), (error: unknown) => ({ error })));
    const trx = await batched.db.startTransaction().execute();
    const answers = await writeReportBatch(trx, cmds);
    await trx.commit().execute();
    expect(answers.map(shown)).toEqual(expected.map(shown));
    expect('error' in answers[1]! && isDomainError(answers[1].error) && answers[1].error.code).toBe('not_found');
    expect(await rows(batched, id)).toEqual(await rows(one, id));
  });
});

describe.runIf(ENGINES.includes('postgres'))('a batch on PostgreSQL', () => {
  it('announces its discussion to every listener once it commits (the change feed), from its first statement', async () => {
    const store = await newStore('postgres');
    const listener = new pg.Client({ connectionString: store.url! });
    await listener.connect();
    try {
      await importUnitsCsv(store.db, SMALL_TREE, T0);
      await importMembersCsv(store.db, membersCsv(SMALL_ROLLS), T0);
      // An id no other test uses: the channel is shared by every schema of the database.
      const id = `announced-${Date.now().toString(36)}`;
      await createDiscussion(store.db, discussionDef({ id }), T0);
      await openDiscussion(store.db, id, T0);
      const heard: unknown[] = [];
      listener.on('notification', (n) => {
        const payload = JSON.parse(n.payload ?? 'null') as { discussionId?: string } | null;
        if (payload?.discussionId === id) heard.push(payload);
      });
      await listener.query('LISTEN plenum_changes');
      const batcher = new ReportBatcher(store.db);
      const cmd = (unitId: string): SubmitReport => ({ discussionId: id, report: { unitId, meetingDate: '2024-01-05', present: 5, votes: {}, resolution: 'r' }, submittedBy: 'office', now: T1 });
      const results = await Promise.all([batcher.submit(cmd('b1')), batcher.submit(cmd('b2')), batcher.submit(cmd('b3'))]);
      expect(results.map((r) => r.accepted.version)).toEqual([1, 1, 1]);
      for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      // One notification for the batch, with the payload a report alone gives (identical ones merge at commit).
      expect(heard).toEqual([{ discussionId: id }]);
    } finally {
      await listener.end();
      await store.dispose();
    }
  });

  it('that loses a race is written again report by report, and each report gets the answer it would alone', async () => {
    const store = await newStore('postgres');
    const other = openStore({ url: store.url!, schema: store.schema! });
    try {
      await importUnitsCsv(store.db, SMALL_TREE, T0);
      await importMembersCsv(store.db, membersCsv(SMALL_ROLLS), T0);
      await createDiscussion(store.db, discussionDef(), T0);
      await openDiscussion(store.db, 'd1', T0);
      // Another writer holds b1's version 1 uncommitted (as another instance's transaction would): the batch reads no
      // report of b1, waits on the key when it inserts, and fails when the other commits.
      const rival = await other.db.startTransaction().execute();
      await sql`insert into reports (discussion_id, unit_id, version, is_current, meeting_date, present, resolution, quorate, submitted_at, submitted_by)
        values ('d1', 'b1', 1, 1, '2024-01-05', 5, 'rival', 0, ${T1}, 'rival')`.execute(rival);
      const batcher = new ReportBatcher(store.db);
      const cmd = (unitId: string, present: number): SubmitReport => ({
        discussionId: 'd1',
        report: { unitId, meetingDate: '2024-01-05', present, votes: {}, resolution: 'r' },
        submittedBy: 'office',
        now: T1,
      });
      const sent = Promise.allSettled([batcher.submit(cmd('b2', 6)), batcher.submit(cmd('b1', 30)), batcher.submit(cmd('b3', 20))]);
      await new Promise((r) => setTimeout(r, 300));
      await rival.commit().execute();
      const results = await sent;
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.accepted.version : (r.reason as { code: string }).code))).toEqual([1, 'version_conflict', 1]);
      const t = await getTally(store.db, 'd1', 'root', T1);
      expect(t.unitsReported).toBe(2); // the rival's row was written around the tally; b2 and b3 are counted
      const entries = await store.db.selectFrom('log_entries').select('entry').where('discussion_id', '=', 'd1').execute();
      expect(entries.filter((e) => e.entry.includes('"type":"report"'))).toHaveLength(2);
    } finally {
      await other.close();
      await store.dispose();
    }
  });
});
