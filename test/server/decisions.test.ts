/**
 * The binding decision, end to end on both engines: reports, a commission decision and a conference vote lead to a
 * decision published once, resting on a checkpoint of the public log whose figures `plenum verify` recomputes; it
 * reads as JSON, as a PDF in each language and in the Atom feed; no route edits it — an erratum is a new, linked act;
 * every member is notified in the app and by email, in batches, resumably, never twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRecord } from '../../src/cli/export.ts';
import { directorySource } from '../../src/cli/record-source.ts';
import { verifyRecord } from '../../src/log/verify.ts';
import { buildApp, type App } from '../../src/server/app.ts';
import { noticeCounts, sendDecisionNotices } from '../../src/services/decisions.ts';
import type { Mail, Mailer } from '../../src/services/mailer.ts';
import { createToken } from '../../src/services/tokens.ts';
import { acceptInvitation, inviteMembers } from '../../src/services/links.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization, SMALL_ROLLS } from '../support/factories.ts';

/** Every member on the roll: the voting members (with an email each) and a candidate per branch (without one). */
const MEMBERS = SMALL_ROLLS.reduce((a, b) => a + b, 0) + SMALL_ROLLS.length;
const WITH_EMAIL = SMALL_ROLLS.reduce((a, b) => a + b, 0);

describe.each(ENGINES)('the binding decision on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  const tokens: Record<string, string> = {};
  const now = '2024-01-16T10:00:00.000Z';
  let decisionId = '';
  const motions: Record<string, string> = {};

  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db);
    app = await buildApp({ store, now: () => now, live: false });
    for (const [name, role, unitId] of [
      ['office', 'office', null],
      ['commission', 'commission', null],
      ['member-b1', 'member', 'b1'],
    ] as const) {
      tokens[name] = (await createToken(store.db, { name, role, unitId }, now)).token;
    }
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  const call = (who: string | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url: url.startsWith('/api') || url.startsWith('/decisions') ? url : `/api/v1${url}`, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {}, ...(payload ? { payload } : {}) });
  const ok = async (p: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r.json();
  };

  it('is refused before the conference has adopted a resolution', async () => {
    const r = await call('office', 'POST', '/discussions/d1/decision', { languages: ['en'], title: { en: 'x' }, resolutions: [{ questionId: 'q1', motionId: 'nope', text: { en: 'x' } }], effectiveDate: '2024-01-18' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.field).toBe('resolutions.0.motionId');
  });

  it('is published once, by the office, resting on the log and the conference vote', async () => {
    // Reporting (closed on the 15th): b1, b2 and b5 reported in time — through an instance whose clock is the 5th.
    const early = await buildApp({ store, now: () => '2024-01-05T10:00:00.000Z', live: false });
    try {
      for (const r of [report(), report({ unitId: 'b2', present: 6, votes: { q1: { positions: { cc: 2, opp: 4 }, abstain: 0 } } }), report({ unitId: 'b5', present: 40, votes: { q1: { positions: { cc: 39 }, abstain: 1 } } })]) {
        await ok(early.inject({ method: 'POST', url: '/api/v1/discussions/d1/reports', headers: { authorization: `Bearer ${tokens.office}` }, payload: r }), 201);
      }
    } finally {
      await early.close();
    }
    // The commission strikes b2's report.
    const adj = await ok(call('commission', 'POST', '/discussions/d1/units/b2/reports/1/adjudications', { decision: 'strike', criterion: 'no quorum', reason: 'Four were present, not six.' }), 201);

    // The conference: two regions elect; the commission confirms; two resolutions adopted by count.
    await ok(call('office', 'PUT', '/discussions/d1/conference', { name: 'Conference', electingLevel: { kind: 'region' }, basis: 'roll', deciding: { method: 'hare', seats: 4, min: 1 } }));
    await ok(call('office', 'POST', '/discussions/d1/conference/apportion', {}), 201);
    for (const [unitId, memberId] of [['r1', 'm1'], ['r2', 'm90']]) {
      const d = await ok(call('office', 'POST', '/discussions/d1/conference/delegates', { unitId, memberId, vote: 'deciding', electedAt: '2024-01-10', electedMeeting: 'Regional conference' }), 201);
      await ok(call('commission', 'POST', `/discussions/d1/conference/delegates/${d.id}/confirm`, {}));
    }
    await ok(call('office', 'POST', '/discussions/d1/conference/open'));
    for (const q of ['q1', 'q2']) {
      const m = await ok(call('office', 'POST', '/discussions/d1/conference/motions', { kind: 'resolution', questionId: q, title: `On ${q}`, text: `Resolution on ${q}.` }), 201);
      motions[q] = m.id;
      await ok(call('office', 'POST', `/discussions/d1/conference/motions/${m.id}/votes`, { method: 'count', for: 2, against: 0, abstain: 0 }), 201);
    }

    const body = {
      languages: ['ru', 'en'],
      title: { ru: 'О партийном строительстве', en: 'On party building' },
      resolutions: [
        { questionId: 'q1', motionId: motions.q1, text: { ru: 'Конференция осуждает фракционность.', en: 'The conference condemns factionalism.' } },
        { questionId: 'q2', motionId: motions.q2, text: { ru: 'НЭП остаётся.', en: 'The NEP stands.' } },
      ],
      effectiveDate: '2024-01-18',
    };
    expect((await call('member-b1', 'POST', '/discussions/d1/decision', body)).statusCode).toBe(403);
    expect((await call(null, 'POST', '/discussions/d1/decision', body)).statusCode).toBe(401);
    const missing = await call('office', 'POST', '/discussions/d1/decision', { ...body, title: { ru: 'О партийном строительстве' } });
    expect(missing.json().error).toMatchObject({ field: 'title.en' });
    const published = await ok(call('office', 'POST', '/discussions/d1/decision', body), 201);
    decisionId = published.id;
    expect(published).toMatchObject({ kind: 'decision', languages: ['ru', 'en'], effectiveDate: '2024-01-18', reconstruction: false, logIndex: expect.any(Number) });
    expect(published.publishedBy).toBeUndefined();
    const p = published.provenance;
    expect(p.checkpoint.size).toBeLessThanOrEqual(published.logIndex);
    expect(p.checkpoint.note).toContain(`${p.checkpoint.size}\n`);
    expect(p.votes.map((v: { questionId: string; for: number; eligible: number; result: string }) => [v.questionId, v.for, v.eligible, v.result])).toEqual([['q1', 2, 2, 'adopted'], ['q2', 2, 2, 'adopted']]);
    expect(p.adjudications).toEqual([{ id: adj.id, unitId: 'b2', version: 1, decision: 'strike', logIndex: adj.logIndex }]);
    expect(p.reports.map((r: { unitId: string }) => r.unitId)).toEqual(['b1', 'b2', 'b5']);
    // Its tallies are the API's, as reported and as adjudicated.
    const side = await ok(call(null, 'GET', '/discussions/d1/adjudicated-tally'));
    for (const which of ['reported', 'adjudicated'] as const) {
      const { discussionId: _d, unitId: _u, asOf: _a, provisional: _p, withheld: _w, ...figures } = side[which];
      expect(p.tally[which]).toEqual(figures);
    }
    expect(p.tally.adjudicated.unitsReported).toBe(p.tally.reported.unitsReported - 1);

    const again = await call('office', 'POST', '/discussions/d1/decision', body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('erratum');
  });

  it('cannot be edited through any route; an erratum is a new, linked act', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/discussions/d1/decision', `/discussions/d1/decision/${decisionId}`, `/decisions/${decisionId}`, '/decisions']) {
        expect([404, 405]).toContain((await call('office', method, url, { title: { en: 'changed' } })).statusCode);
      }
    }
    // No route of the API writes to a published act but the two that publish new ones.
    const spec = await ok(call(null, 'GET', '/api/docs/json'));
    const writes = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => /\/decision|decisions|notices/.test(path) && !path.includes('/challenges/'))
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m} ${path}`));
    expect(writes.sort()).toEqual(['post /api/v1/discussions/{id}/decision', 'post /api/v1/discussions/{id}/decision/errata', 'post /api/v1/session/notices/{decisionId}/read'].sort());

    const erratum = await ok(
      call('office', 'POST', '/discussions/d1/decision/errata', { languages: ['ru', 'en'], title: { ru: 'Исправление', en: 'Erratum' }, text: { ru: 'Читать «НЭП остаётся в силе».', en: 'Read "The NEP stays in force".' }, reason: 'A typing error in the English text.', effectiveDate: '2024-01-18' }),
      201,
    );
    expect(erratum).toMatchObject({ kind: 'erratum', corrects: decisionId });
    const doc = await ok(call(null, 'GET', '/discussions/d1/decision'));
    expect(doc.decision.id).toBe(decisionId);
    expect(doc.decision.body.resolutions[1].text.en).toBe('The NEP stands.');
    expect(doc.errata.map((e: { id: string }) => e.id)).toEqual([erratum.id]);
  });

  it('reads as a PDF in each of its languages, in the register and in the Atom feed', async () => {
    for (const lang of ['ru', 'en']) {
      const pdf = await call(null, 'GET', `/discussions/d1/decision.pdf?lang=${lang}`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.rawPayload.length).toBeGreaterThan(5000); // the embedded font subset and the text
    }
    const de = await call(null, 'GET', '/discussions/d1/decision.pdf?lang=de');
    expect(de.statusCode).toBe(400);
    expect(de.json().error.field).toBe('lang');
    const register = await ok(call(null, 'GET', '/api/v1/decisions'));
    expect(register.items.map((a: { kind: string }) => a.kind)).toEqual(['erratum', 'decision']);
    const atom = await call(null, 'GET', '/decisions.atom');
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(atom.body).toContain('О партийном строительстве');
    expect(atom.body).toContain('lang="en"');
    expect((atom.body.match(/<entry>/g) ?? []).length).toBe(2);
  });

  it('keeps the record verifiable: plenum verify recomputes the figures the decision rests on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenum-decision-'));
    try {
      await exportRecord(store.db, 'd1', join(dir, 'record'), { now: () => now });
      const r = await verifyRecord({ source: directorySource(join(dir, 'record')) });
      expect(r.problems).toEqual([]);
      expect(r.figures.decisionsChecked).toBe(1);
      expect(r.figures.apportionmentsChecked).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notifies every member by email in batches, resumably and never twice; and in the app', async () => {
    expect(await noticeCounts(store.db, decisionId)).toMatchObject({ pending: WITH_EMAIL, noEmail: MEMBERS - WITH_EMAIL, total: MEMBERS });
    const sent: string[] = [];
    // A sender that dies in the middle of its third batch (the mail of that batch's first notice has gone).
    let calls = 0;
    const dying: Mailer = {
      send: (mail: Mail) => {
        calls++;
        if (calls === 11) {
          sent.push(mail.to);
          return new Promise(() => undefined); // never answers: the process is gone
        }
        sent.push(mail.to);
        return Promise.resolve();
      },
    };
    void sendDecisionNotices(store.db, dying, decisionId, { baseUrl: 'https://plenum.example.org', batchSize: 5 }, () => now);
    await new Promise((r) => setTimeout(r, 300));
    const midway = await noticeCounts(store.db, decisionId);
    expect(midway).toMatchObject({ sent: 10, sending: 5 });

    // Run again: the rest go; the five claimed by the dead run stay uncertain and are not sent.
    const progress: Array<[number, number]> = [];
    const resumed: Mailer = { send: async (mail) => void sent.push(mail.to) };
    const after = await sendDecisionNotices(store.db, resumed, decisionId, { baseUrl: 'https://plenum.example.org', batchSize: 50, progress: (d, t) => progress.push([d, t]) }, () => now);
    expect(after).toMatchObject({ sending: 5, pending: 0, sent: WITH_EMAIL - 5, noEmail: MEMBERS - WITH_EMAIL, total: MEMBERS });
    expect(progress.at(-1)).toEqual([WITH_EMAIL - 15, WITH_EMAIL - 15]);
    expect(new Set(sent).size).toBe(sent.length); // never twice
    // Asked to, the uncertain ones are re-sent (the operator accepts that one of them may already have its mail).
    const retried = await sendDecisionNotices(store.db, resumed, decisionId, { baseUrl: 'https://plenum.example.org', retryUncertain: true }, () => now);
    expect(retried).toMatchObject({ sending: 0, pending: 0, sent: WITH_EMAIL, noEmail: MEMBERS - WITH_EMAIL, total: MEMBERS });
    expect(sent.filter((to) => to === sent[10]).length).toBe(2); // the one whose fate was unknown
    expect(new Set(sent).size).toBe(WITH_EMAIL);
    // In the app: a member with an account of her own sees the decision and the erratum, unread first, and reads them.
    const outbox: Mail[] = [];
    await inviteMembers(store.db, { send: async (m) => void outbox.push(m) }, { memberIds: ['m1'], baseUrl: 'http://plenum.test' }, now);
    await acceptInvitation(store.db, /token=(\S+)/.exec(outbox[0]!.text)![1]!, 'correct horse battery staple', now);
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'm1@example.org', password: 'correct horse battery staple' } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const session = { cookie: String(signIn.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': signIn.json().csrfToken };
    const mine = await app.inject({ method: 'GET', url: '/api/v1/session/notices', headers: session });
    expect(mine.json().items.map((n: { kind: string; readAt: null }) => [n.kind, n.readAt])).toEqual([['erratum', null], ['decision', null]]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/session/notices/${decisionId}/read`, headers: session })).statusCode).toBe(204);
    const read = (await app.inject({ method: 'GET', url: '/api/v1/session/notices', headers: session })).json();
    expect(read.items.map((n: { kind: string; readAt: string | null }) => [n.kind, n.readAt])).toEqual([['erratum', null], ['decision', now]]);
    expect((await app.inject({ method: 'POST', url: '/api/v1/session/notices/nope/read', headers: session })).statusCode).toBe(404);

    const office = await ok(call('office', 'GET', '/discussions/d1/decision/notices'));
    expect(office).toMatchObject({ sent: WITH_EMAIL, noEmail: MEMBERS - WITH_EMAIL, total: MEMBERS });
    expect((await call('member-b1', 'GET', '/discussions/d1/decision/notices')).statusCode).toBe(403);
  });
});
