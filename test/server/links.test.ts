/**
 * Invitations and password resets, end to end through real email: a local SMTP server (smtp-server) receives what
 * Plenum sends through nodemailer, and the test follows the link in the message.
 */
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { smtpMailer } from '../../src/services/mailer.ts';
import { createToken } from '../../src/services/tokens.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { SMALL_TREE, T0 } from '../support/factories.ts';

interface Received {
  to: string[];
  text: string;
}

/** Quoted-printable soft breaks and escapes undone, so a long link reads whole. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const linkIn = (m: Received) => /token=([0-9a-f]{24}\.[A-Za-z0-9_-]{43})/.exec(m.text)?.[1];

describe.each(ENGINES)('invitations and password resets by email on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let app: App;
  let smtp: SMTPServer;
  let office: string;
  const inbox: Received[] = [];
  let clock = '2024-01-05T10:00:00.000Z';
  const PASSWORD = 'a long enough new password';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), text: unfold(raw) });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    store = await newStore(engine);
    app = await buildApp({ store, now: () => clock, live: false, mailer: smtpMailer(`smtp://127.0.0.1:${port}`, 'Plenum <plenum@example.org>') });
    office = (await createToken(store.db, { name: 'office', role: 'office' }, T0)).token;
    await importUnitsCsv(store.db, SMALL_TREE, T0);
    await importMembersCsv(store.db, 'id,unit_id,name,email,status\nm1,b1,Anna,anna@example.org,member\nm2,b2,Boris,,member\nm3,b2,Vera,vera@example.org,candidate\n', T0);
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('invites members from the roll; a member follows her link, chooses a password, and signs in', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: { authorization: `Bearer ${office}` }, payload: {} });
    expect(r.json()).toEqual({ invited: 2, skipped: 1 }); // Boris has no email
    const toAnna = inbox.find((m) => m.to.includes('anna@example.org'))!;
    const token = linkIn(toAnna)!;
    expect(token).toBeDefined();
    const accepted = await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: PASSWORD } });
    expect(accepted.statusCode).toBe(201);
    const again = await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: PASSWORD } });
    expect(again.json().error).toMatchObject({ code: 'invalid_input', field: 'token' }); // once only
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'anna@example.org', password: PASSWORD } });
    expect(signIn.statusCode).toBe(200);
    const me = await app.inject({ url: '/api/v1/session', headers: { cookie: String(signIn.headers['set-cookie']).split(';')[0]! } });
    expect(me.json()).toMatchObject({ grants: [{ role: 'member', unitId: 'b1' }] });
    const own = await app.inject({ url: '/api/v1/session/member', headers: { cookie: String(signIn.headers['set-cookie']).split(';')[0]! } });
    expect(own.json()).toEqual({ id: 'm1', unitId: 'b1', name: 'Anna', email: 'anna@example.org', status: 'member' });
    // Inviting again skips those who have an account.
    const second = await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: { authorization: `Bearer ${office}` }, payload: { memberIds: ['m1'] } });
    expect(second.json()).toEqual({ invited: 0, skipped: 1 });
  });

  it('refuses an expired invitation', async () => {
    const toVera = inbox.find((m) => m.to.includes('vera@example.org'))!;
    clock = '2024-01-13T10:00:00.000Z'; // 8 days later
    const r = await app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token: linkIn(toVera)!, password: PASSWORD } });
    expect(r.json().error).toMatchObject({ code: 'invalid_input', field: 'token' });
    clock = '2024-01-05T10:00:00.000Z';
  });

  it('resets a password by email, ending every session; says the same for an unknown address', async () => {
    await createAccount(store.db, { email: 'sec@example.org', password: 'the old password!', role: 'observer' }, T0);
    const old = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'sec@example.org', password: 'the old password!' } });
    const oldCookie = String(old.headers['set-cookie']).split(';')[0]!;
    const before = inbox.length;
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'nobody@example.org' } });
    const known = await app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email: 'sec@example.org' } });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(inbox.length).toBe(before + 1);
    const token = linkIn(inbox.at(-1)!)!;
    expect((await app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: 'short' } })).json().error.field).toBe('password');
    const done = await app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: PASSWORD } });
    expect(done.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/session', headers: { cookie: oldCookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'sec@example.org', password: PASSWORD } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/password-reset/complete', payload: { token, password: PASSWORD } })).statusCode).toBe(400);
  });

  it('lets only the office invite', async () => {
    const observer = (await createToken(store.db, { name: 'press', role: 'observer' }, T0)).token;
    expect((await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: { authorization: `Bearer ${observer}` }, payload: {} })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: { authorization: `Bearer ${office}` }, payload: { memberIds: ['ghost'] } })).json().error).toMatchObject({ field: 'memberIds' });
  });
});
