/**
 * The log collects witnesses' cosignatures: a real witness (plenum witness, in-process over HTTP) cosigns the first
 * checkpoint from size 0 and each later one from the size it cosigned before, checking the consistency proof the log
 * sends; the published checkpoint carries its line, which verifies with the witness's key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWitness, type RunningWitness } from '../../src/cli/witness.ts';
import { cosignatureVerifierKey, openCosignatures, parseCosignatureVerifierKey } from '../../src/log/cosignature.ts';
import { generateSigner, parseVerifierKey } from '../../src/log/note.ts';
import { openCheckpoint } from '../../src/log/checkpoint.ts';
import { LogPublisher } from '../../src/services/log.ts';
import { submitReport } from '../../src/services/reports.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization } from '../support/factories.ts';

describe.each(ENGINES)('witnessing the log on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let witness: RunningWitness;
  let dir: string;
  const witnessKey = generateSigner('witness.example.org');
  const witnessVkey = cosignatureVerifierKey(witnessKey.name, witnessKey.publicKey);
  const errors: unknown[] = [];
  let publisher: LogPublisher;
  const now = '2024-01-05T10:00:00.000Z';

  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db);
    dir = mkdtempSync(join(tmpdir(), 'plenum-witness-'));
    const logKey = parseVerifierKey((await new LogPublisher(store.db, () => now).verifierKey('d1'))!);
    witness = await startWitness({ signer: witnessKey, logs: [logKey], stateFile: join(dir, 'state.json'), host: '127.0.0.1', port: 0, log: () => undefined });
    publisher = new LogPublisher(store.db, () => now, (e) => errors.push(e), [{ url: witness.url, vkey: witnessVkey }]);
  });
  afterAll(async () => {
    await witness.close();
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const cosignedCheckpoint = async () => {
    await publisher.tick();
    const c = (await publisher.latest('d1'))!;
    const vkey = (await publisher.verifierKey('d1'))!;
    const cp = openCheckpoint(c.cosigned, parseVerifierKey(vkey));
    const cos = openCosignatures(c.cosigned, parseVerifierKey(vkey), [parseCosignatureVerifierKey(witnessVkey)]);
    return { size: cp.size, cosigners: cos.map((x) => x.name) };
  };

  it('cosigns the first checkpoint and each extension, consistency checked by the witness', async () => {
    expect(await cosignedCheckpoint()).toEqual({ size: 3, cosigners: ['witness.example.org'] });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b1' }), submittedBy: 'cli', now });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 6 }, abstain: 0 } } }), submittedBy: 'cli', now });
    expect(await cosignedCheckpoint()).toEqual({ size: 5, cosigners: ['witness.example.org'] });
    await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b1', supersedes: 1, present: 24 }), submittedBy: 'cli', now });
    expect(await cosignedCheckpoint()).toEqual({ size: 6, cosigners: ['witness.example.org'] });
    expect(errors).toEqual([]);
  });
});

describe.each(ENGINES)('a discussion requiring k of n witnesses, on %s', (engine) => {
  it('verifies only once the named witnesses cosigned; a missing one fails, naming the rule', async () => {
    const { exportRecord } = await import('../../src/cli/export.ts');
    const { directorySource } = await import('../../src/cli/record-source.ts');
    const { verifyRecord } = await import('../../src/log/verify.ts');
    const { createDiscussion, openDiscussion } = await import('../../src/services/discussions.ts');
    const { discussionDef } = await import('../support/factories.ts');
    const { importUnitsCsv } = await import('../../src/services/import-units.ts');
    const { importMembersCsv } = await import('../../src/services/import-members.ts');
    const { SMALL_TREE, membersCsv, T0 } = await import('../support/factories.ts');
    const store = await newStore(engine);
    const dir = mkdtempSync(join(tmpdir(), 'plenum-policy-'));
    const now = '2024-01-05T10:00:00.000Z';
    const w1 = generateSigner('w1.example.org');
    const w2 = generateSigner('w2.example.org');
    const vkeys = [w1, w2].map((w) => cosignatureVerifierKey(w.name, w.publicKey));
    let witness: RunningWitness | undefined;
    try {
      await importUnitsCsv(store.db, SMALL_TREE, T0);
      await importMembersCsv(store.db, membersCsv(), T0);
      // A key that is not a verifier key is refused, naming it.
      await expect(createDiscussion(store.db, discussionDef({ id: 'bad', rules: { quorum: 0.5, majority: 'votes-cast', witnesses: { required: 1, keys: ['nope'] } } }), T0)).rejects.toMatchObject({
        field: 'rules.witnesses.keys.0',
      });
      await createDiscussion(store.db, discussionDef({ rules: { quorum: 0.5, majority: 'votes-cast', witnesses: { required: 1, keys: vkeys } } }), T0);
      await openDiscussion(store.db, 'd1', T0);
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b1' }), submittedBy: 'cli', now });
      const vkey = (await new LogPublisher(store.db, () => now).verifierKey('d1'))!;
      const verify = async (sub: string) => {
        await exportRecord(store.db, 'd1', join(dir, sub));
        return verifyRecord({ source: directorySource(join(dir, sub)), vkey });
      };

      // No witness has cosigned yet: the discussion's own rule fails the record.
      await new LogPublisher(store.db, () => now).tick();
      const unwitnessed = await verify('a');
      expect(unwitnessed.ok).toBe(false);
      expect(unwitnessed.problems.map((p) => p.message).join('\n')).toMatch(/the discussion requires 1 of its 2 named witnesses: 0 of the 1 required witness cosignatures verify/);

      // One of the two named witnesses cosigns the next checkpoint: 1 of 2 is enough.
      witness = await startWitness({ signer: w2, logs: [parseVerifierKey(vkey)], stateFile: join(dir, 'w2.json'), host: '127.0.0.1', port: 0, log: () => undefined });
      const errors: unknown[] = [];
      const publisher = new LogPublisher(store.db, () => now, (e) => errors.push(e), [{ url: witness.url, vkey: vkeys[1]! }]);
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 6 }, abstain: 0 } } }), submittedBy: 'cli', now });
      await publisher.tick();
      expect(errors).toEqual([]);
      const witnessed = await verify('b');
      expect(witnessed.problems).toEqual([]);
      expect(witnessed.figures.cosignaturesVerified).toBe(1);
    } finally {
      await witness?.close();
      await store.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
