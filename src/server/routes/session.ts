/** Signing in and out with an account, and seeing and revoking one's own sessions. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { changeRole, getAccountRoles, getOwnRollEntry, getOwnSessions, revokeOwnSession, signIn } from '../../services/accounts.ts';
import { ErrorBody, Grant, Id, Text } from '../../schemas/common.ts';
import { actorOf, SESSION_COOKIE, type AppContext } from '../app.ts';

const SignedIn = z.object({ accountId: z.string(), csrfToken: z.string(), expiresAt: z.string() }).meta({ id: 'SignedIn' });
const Session = z.object({
  id: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});

function cookieHeader(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

export const sessionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/session', {
      config: { policy: 'public', rateLimit: { max: 30, timeWindow: 60_000, keyGenerator: (req) => req.ip } },
      schema: {
        summary: 'Sign in with email and password: sets an HttpOnly session cookie; send csrfToken as X-CSRF-Token on writes',
        tags: ['accounts'],
        body: z.object({ email: Text(320, { min: 1 }), password: z.string().min(1).max(1024) }).strict(),
        response: { 200: SignedIn, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
      handler: async (req, reply) => {
        const s = await signIn(ctx.store.db, ctx.throttle, { email: req.body.email, password: req.body.password, address: req.ip, userAgent: req.headers['user-agent'] ?? null }, ctx.now());
        // Rotation: a session presented at sign-in is ended; the new one replaces it.
        if (req.session) await revokeOwnSession(ctx.store.db, actorOf(req), req.session.id, ctx.now()).catch(() => undefined);
        const maxAge = Math.floor((Date.parse(s.expiresAt) - Date.parse(ctx.now())) / 1000);
        reply.header('set-cookie', cookieHeader(s.cookie, maxAge, req.protocol === 'https'));
        return { accountId: s.accountId, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
      },
    });

    app.get('/session', {
      config: { policy: 'account:own' },
      schema: {
        summary: 'Who is signed in (and the CSRF token for writes)',
        tags: ['accounts'],
        response: { 200: z.object({ accountId: z.string(), email: z.string(), grants: z.array(Grant), csrfToken: z.string() }), 401: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => {
        if (!req.session) throw new DomainError('not_found', 'no session: this request was not made with a session cookie');
        const p = req.principal!;
        return { accountId: p.id, email: p.name, grants: [...p.grants], csrfToken: req.session.csrfToken };
      },
    });

    app.get('/session/member', {
      config: { policy: 'account:own' },
      schema: {
        summary: "The signed-in member's own entry on the roll (her personal data, shown to her)",
        tags: ['accounts'],
        response: { 200: z.object({ id: z.string(), unitId: z.string(), name: z.string(), email: z.string(), status: z.string() }), 401: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => {
        const entry = req.principal!.kind === 'session' ? await getOwnRollEntry(ctx.store.db, req.principal!.id) : undefined;
        if (!entry) throw new DomainError('not_found', 'this account is not linked to a roll entry');
        return entry;
      },
    });

    app.delete('/session', {
      config: { policy: 'account:own' },
      schema: { summary: 'Sign out: ends this session on the server and clears the cookie', tags: ['accounts'], response: { 204: z.null(), 401: ErrorBody, 404: ErrorBody } },
      handler: async (req, reply) => {
        if (!req.session) throw new DomainError('not_found', 'no session: this request was not made with a session cookie');
        await revokeOwnSession(ctx.store.db, actorOf(req), req.session.id, ctx.now());
        reply.header('set-cookie', cookieHeader('', 0, req.protocol === 'https'));
        return reply.status(204).send(null);
      },
    });

    app.get('/sessions', {
      config: { policy: 'account:own' },
      schema: { summary: "One's own sessions, current and past", tags: ['accounts'], response: { 200: z.array(Session), 401: ErrorBody, 404: ErrorBody } },
      handler: async (req) => {
        if (req.principal!.kind !== 'session') throw new DomainError('not_found', 'sessions belong to accounts; this request used a token');
        return getOwnSessions(ctx.store.db, req.principal!.id, req.session?.id ?? null);
      },
    });

    const AccountParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'is not an account id') });
    const AccountRoles = z.object({ accountId: z.string(), email: z.string(), memberId: z.string().nullable(), grants: z.array(Grant) });
    const RoleChange = z.object({ role: z.string().max(40), unitId: Id.nullable().optional(), reason: Text(2000, { min: 1 }) }).strict();

    app.get('/accounts/:id/roles', {
      config: { policy: 'role:grant' },
      schema: {
        summary: "An account's roles (the office; a committee for accounts within its subtree)",
        tags: ['accounts'],
        security: [{ bearer: [] }],
        params: AccountParams,
        response: { 200: AccountRoles, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => getAccountRoles(ctx.store.db, req.params.id, actorOf(req)),
    });

    for (const [path, revoke] of [
      ['/accounts/:id/roles', false],
      ['/accounts/:id/roles/revoke', true],
    ] as const) {
      app.post(path, {
        config: { policy: 'role:grant' },
        schema: {
          summary: revoke
            ? 'Revoke a role an account holds at a unit: the office anywhere, a committee within its subtree; recorded with the reason'
            : 'Grant an account a role at a unit (an account may hold several): the office anywhere, a committee within its subtree; recorded with the reason',
          tags: ['accounts'],
          security: [{ bearer: [] }],
          params: AccountParams,
          body: RoleChange,
          response: { 200: AccountRoles.extend({ changed: z.boolean() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
        handler: async (req) =>
          changeRole(ctx.store.db, { accountId: req.params.id, role: req.body.role, unitId: req.body.unitId ?? null, reason: req.body.reason, revoke }, ctx.now(), actorOf(req)),
      });
    }

    app.delete('/sessions/:id', {
      config: { policy: 'account:own' },
      schema: {
        summary: 'Revoke one of your own sessions (e.g. a lost phone)',
        tags: ['accounts'],
        params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'is not a session id') }),
        response: { 204: z.null(), 401: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        if (req.principal!.kind !== 'session') throw new DomainError('not_found', `no active session '${req.params.id}'`);
        await revokeOwnSession(ctx.store.db, actorOf(req), req.params.id, ctx.now());
        return reply.status(204).send(null);
      },
    });
  };
