/**
 * Challenges and the commission over HTTP, on both engines: who may challenge which report and until when; what each
 * reader sees of a challenge; the commission's decisions as recorded, logged acts that are never changed; and the
 * tally as reported beside the tally as adjudicated — a struck report changes it by exactly its counts, a correction
 * is judged afresh.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directorySource } from '../../src/cli/record-source.ts';
import { exportRecord } from '../../src/cli/export.ts';
import { verifyRecord } from '../../src/log/verify.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEntry, type Entry } from '../../src/log/entries.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { createToken } from '../../src/services/tokens.ts';
import { readLogEntries } from '../../src/storage/log.repository.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization } from '../support/factories.ts';

describe.each(ENGINES)('challenges and adjudication on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  const tokens: Record<string, string> = {};
  let now = '2024-01-05T10:00:00.000Z';

  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db);
    app = await buildApp({ store, now: () => now, live: false });
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['commission', 'commission', null],
      ['observer', 'observer', null],
      ['member-b1', 'member', 'b1'],
      ['member-b2', 'member', 'b2'],
      ['committee-d11', 'committee', 'd11'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, now)).token;
    }
    // b1 (roll 40): 23 present, q1 cc 20 / opp 2 / abstain 1 — quorate, cc adopted.
    // b2 (roll 10): 6 present, q1 cc 2 / opp 4 — quorate, opp adopted. b3 (roll 25): 13 present, cc 13.
    for (const r of [report(), report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 2, opp: 4 }, abstain: 0 } } }), report({ unitId: 'b3', present: 13, votes: { q1: { positions: { cc: 13 }, abstain: 0 } } })]) {
      const res = await call('office', 'POST', '/discussions/d1/reports', r);
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  function call(who: string | null, method: 'GET' | 'POST', url: string, payload?: object) {
    return app.inject({ method, url: `/api/v1${url}`, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {}, ...(payload ? { payload } : {}) });
  }
  const entries = async (): Promise<Entry[]> => (await readLogEntries(store.db, 'd1', 0, 10_000)).map((r) => parseEntry(new TextEncoder().encode(r.entry)));
  const pdf = Buffer.from('%PDF-1.4 minutes of the meeting, photographed');
  const challenge = { version: 1, reason: 'ballots', text: 'Fifteen ballots were in the box before the meeting opened.', evidence: { name: 'minutes.pdf', mediaType: 'application/pdf', contentBase64: pdf.toString('base64') } };
  let b1Challenge = '';
  let b2Challenge = '';

  it("lets a member challenge her own branch's report, and an observer any unit's; nobody else", async () => {
    expect((await call(null, 'POST', '/discussions/d1/units/b1/challenges', challenge)).statusCode).toBe(401);
    expect((await call('member-b2', 'POST', '/discussions/d1/units/b1/challenges', challenge)).statusCode).toBe(403);
    expect((await call('committee-d11', 'POST', '/discussions/d1/units/b1/challenges', challenge)).statusCode).toBe(403);
    expect((await call('office', 'POST', '/discussions/d1/units/b1/challenges', challenge)).statusCode).toBe(403);

    const mine = await call('member-b1', 'POST', '/discussions/d1/units/b1/challenges', challenge);
    expect(mine.statusCode, mine.body).toBe(201);
    b1Challenge = mine.json().id;
    // She reads her branch's reports, so she sees the text; who filed it is for the commission and the office.
    expect(mine.json()).toMatchObject({ unitId: 'b1', version: 1, reason: 'ballots', filedAs: 'member', state: 'open', text: challenge.text, filedBy: null, decision: null });
    expect(mine.json().logIndex).toEqual(expect.any(Number));

    const again = await call('member-b1', 'POST', '/discussions/d1/units/b1/challenges', challenge);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.field).toBe('version');

    const observed = await call('observer', 'POST', '/discussions/d1/units/b2/challenges', { version: 1, reason: 'no-quorum', text: 'Only four members were in the room.' });
    expect(observed.statusCode, observed.body).toBe(201);
    expect(observed.json().filedAs).toBe('observer');
    b2Challenge = observed.json().id;
  });

  it('refuses bad challenges naming the field and the rule, and stores nothing', async () => {
    const before = (await entries()).length;
    const cases: Array<[object, string]> = [
      [{ ...challenge, version: 2 }, 'version'],
      [{ ...challenge, reason: 'dislike' }, 'reason'],
      [{ ...challenge, text: '' }, 'text'],
      [{ ...challenge, evidence: { ...challenge.evidence, mediaType: 'application/x-msdownload' } }, 'evidence.mediaType'],
      [{ ...challenge, evidence: { ...challenge.evidence, contentBase64: 'not base64!' } }, 'evidence.contentBase64'],
      [{ ...challenge, extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const r = await call('observer', 'POST', '/discussions/d1/units/b1/challenges', body);
      expect(r.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      if (field) expect(r.json().error.field).toContain(field);
    }
    expect((await entries()).length).toBe(before);
    expect((await call('observer', 'POST', '/discussions/d1/units/nope/challenges', challenge)).statusCode).toBe(404);
  });

  it('shows each reader what is theirs: the public the reasons, the commission who filed and the evidence', async () => {
    const anon = (await call(null, 'GET', '/discussions/d1/challenges')).json();
    expect(anon.challenges).toHaveLength(2);
    for (const c of anon.challenges) expect(c).toMatchObject({ text: null, filedBy: null, evidence: null });
    const commission = (await call('commission', 'GET', '/discussions/d1/challenges?unit=b1')).json();
    expect(commission.challenges).toHaveLength(1);
    expect(commission.challenges[0]).toMatchObject({ text: challenge.text, filedBy: expect.stringMatching(/^token:/), evidence: { name: 'minutes.pdf', size: pdf.length } });
    expect(commission.challenges[0].evidence.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    const file = await call('commission', 'GET', `/discussions/d1/challenges/${b1Challenge}/evidence`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('application/pdf');
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(file.headers['content-disposition']).toBe('attachment; filename="minutes.pdf"');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect((await call('member-b1', 'GET', `/discussions/d1/challenges/${b1Challenge}/evidence`)).statusCode).toBe(403);
    // The log holds the challenge without the challenger or the text: the reason and the text's hash.
    const logged = (await entries()).filter((e) => e.type === 'challenge');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toEqual({ type: 'challenge', v: 1, discussionId: 'd1', challengeId: b1Challenge, unitId: 'b1', version: 1, reason: 'ballots', textSha256: createHash('sha256').update(challenge.text).digest('hex') });
  });

  it('lets only the commission decide, once, and checks what it strikes', async () => {
    const strike = { decision: 'strike-votes', criterion: 'ballots cast before the meeting opened', reason: 'The minutes and the photograph show 15 ballots in the box at 18:55.', struck: { present: 15, votes: { q1: { positions: { cc: 15 }, abstain: 0 } } } };
    expect((await call('office', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, strike)).statusCode).toBe(403);
    expect((await call('observer', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, strike)).statusCode).toBe(403);
    const tooMany = await call('commission', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, { ...strike, struck: { present: 0, votes: { q1: { positions: { cc: 21 }, abstain: 0 } } } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.field).toBe('struck.votes.q1.positions.cc');
    const notStrike = await call('commission', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, { ...strike, decision: 'uphold' });
    expect(notStrike.json().error.field).toBe('struck');
    const noCriterion = await call('commission', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, { ...strike, criterion: '' });
    expect(noCriterion.json().error.field).toBe('criterion');

    const decided = await call('commission', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, strike);
    expect(decided.statusCode, decided.body).toBe(201);
    expect(decided.json()).toMatchObject({ decision: 'strike-votes', challengeId: b1Challenge, unitId: 'b1', reportVersion: 1, struck: strike.struck });
    const twice = await call('commission', 'POST', `/discussions/d1/challenges/${b1Challenge}/decision`, { ...strike, decision: 'uphold', struck: undefined });
    expect(twice.statusCode).toBe(409);

    const struckB2 = await call('commission', 'POST', `/discussions/d1/challenges/${b2Challenge}/decision`, { decision: 'strike', criterion: 'no quorum', reason: 'Four members were present, not six.' });
    expect(struckB2.statusCode, struckB2.body).toBe(201);
    const own = await call('commission', 'POST', '/discussions/d1/units/b3/reports/1/adjudications', { decision: 'uphold', criterion: 'routine check', reason: 'The minutes agree with the report.' });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().challengeId).toBeNull();

    const logged = (await entries()).filter((e) => e.type === 'adjudication');
    expect(logged.map((e) => e.type === 'adjudication' && e.decision)).toEqual(['strike-votes', 'strike', 'uphold']);
    const list = (await call(null, 'GET', '/discussions/d1/challenges')).json();
    expect(list.challenges.every((c: { state: string }) => c.state === 'decided')).toBe(true);
    expect(list.adjudications).toHaveLength(3);
    expect(JSON.stringify(list)).not.toContain('token:');
  });

  it('shows the tally as reported and as adjudicated side by side; a struck report changes it by exactly its counts', async () => {
    const r = await call(null, 'GET', '/discussions/d1/adjudicated-tally?unit=d11');
    expect(r.statusCode, r.body).toBe(200);
    const { reported, adjudicated, applied } = r.json();
    // d11 = b1 + b2. As reported: both quorate; cc adopted in b1 (40), opp in b2 (10).
    expect(reported).toMatchObject({ unitsReported: 2, unitsQuorate: 2, membersReported: 50, present: 29 });
    expect(reported.questions.q1).toMatchObject({ votes: { cc: 22, opp: 6 }, abstain: 1, adopted: { cc: { units: 1, members: 40 }, opp: { units: 1, members: 10 } } });
    // As adjudicated: b2 struck (not reported); b1 with 15 present and 15 cc votes struck: 8 present of 40, not quorate.
    expect(adjudicated).toMatchObject({ unitsReported: 1, unitsQuorate: 0, membersReported: 40, present: 8 });
    expect(adjudicated.questions.q1).toMatchObject({ votes: { cc: 5, opp: 2 }, abstain: 1, adopted: { cc: { units: 0, members: 0 }, opp: { units: 0, members: 0 }, none: { units: 1, members: 40 } } });
    expect(applied).toHaveLength(2);
    // A subtree no strike reaches (d12: b3's report was upheld) reads the maintained tally for both, with the decision.
    const d12 = (await call(null, 'GET', '/discussions/d1/adjudicated-tally?unit=d12')).json();
    expect(d12.adjudicated).toEqual(d12.reported);
    expect(d12.reported).toMatchObject({ unitsReported: 1, present: 13 });
    expect(d12.applied.map((a: { decision: string; unitId: string }) => [a.unitId, a.decision])).toEqual([['b3', 'uphold']]);
    // The live tally is the tally as reported: nothing was edited.
    const live = (await call(null, 'GET', '/discussions/d1/tally?unit=d11')).json();
    expect(live).toMatchObject({ unitsReported: 2, present: 29 });
  });

  it('judges a correction afresh: decisions apply to the version they name', async () => {
    const corrected = await call('office', 'POST', '/discussions/d1/reports', report({ supersedes: 1, present: 8, votes: { q1: { positions: { cc: 5, opp: 2 }, abstain: 1 } } }));
    expect(corrected.statusCode, corrected.body).toBe(201);
    const { reported, adjudicated } = (await call(null, 'GET', '/discussions/d1/adjudicated-tally?unit=b1')).json();
    expect(adjudicated).toEqual(reported);
    const late = await call('member-b1', 'POST', '/discussions/d1/units/b1/challenges', challenge);
    expect(late.statusCode).toBe(409); // version 1 was corrected: challenge version 2
    expect(late.json().error.message).toContain('current version is 2');
  });

  it('keeps the record verifiable: challenges and adjudications are entries plenum verify accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenum-challenges-'));
    try {
      await exportRecord(store.db, 'd1', join(dir, 'record'), { now: () => now });
      const r = await verifyRecord({ source: directorySource(join(dir, 'record')) });
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes the window the rules set', async () => {
    now = '2024-01-08T10:00:01.000Z'; // 72 hours and a second after b3's report was accepted
    const r = await call('observer', 'POST', '/discussions/d1/units/b3/challenges', { version: 1, reason: 'other', text: 'Too late.' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toContain('challenge window');
    now = '2024-01-05T10:00:00.000Z';
  });
});
