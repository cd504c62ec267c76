/**
 * Single sign-on with OpenID Connect: start (redirect to the identity provider), callback (back with a code: a session
 * cookie, as after a password sign-in), and which sign-in methods this server offers. The pending sign-in (state,
 * nonce, PKCE verifier) stays on the server; the browser holds only a random id in the `plenum_oidc` cookie.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { revokeOwnSession } from '../../services/accounts.ts';
import { beginOidcLogin, completeOidcLogin, isSafeReturnPath, PendingOidcLogins } from '../../services/oidc.ts';
import { ErrorBody } from '../../schemas/common.ts';
import { actorOf, SESSION_COOKIE, type AppContext } from '../app.ts';

export const OIDC_COOKIE = 'plenum_oidc';
const PENDING_S = 600;

const ReturnTo = z
  .string()
  .max(2000)
  .refine(isSafeReturnPath, { message: 'must be a path on this site (starting with one /)' })
  .describe('Where to land after signing in: a path on this site; default /');
const CallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(1024).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});
const SignInMethods = z.object({
  password: z.literal(true),
  oidc: z.boolean(),
  oidcName: z.string().optional().describe('The identity provider, for the button ("Sign in with …")'),
});

/**
 * The pending sign-in's cookie goes back only to the callback's folder: `/api/v1/session/oidc`, or where the
 * configured redirect URI puts it (behind a proxy with a path prefix).
 */
const pendingCookie = (redirectUri: string, value: string, maxAgeS: number, secure: boolean) =>
  `${OIDC_COOKIE}=${value}; Path=${new URL(redirectUri).pathname.replace(/\/[^/]*$/, '') || '/'}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
// As POST /api/v1/session sets it.
const sessionCookie = (value: string, maxAgeS: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const notConfigured = () => new DomainError('not_found', 'single sign-on is not configured on this server; sign in with your email and password');

export const oidcRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const pending = new PendingOidcLogins(PENDING_S * 1000);
    const limit = { max: 30, timeWindow: 60_000, keyGenerator: (req: { ip: string }) => req.ip };

    app.get('/session/methods', {
      config: { policy: 'public' },
      schema: { summary: 'How one may sign in here: password, and single sign-on when configured', tags: ['accounts'], response: { 200: SignInMethods } },
      handler: async () => (ctx.oidc ? { password: true as const, oidc: true, ...(ctx.oidc.config.name ? { oidcName: ctx.oidc.config.name } : {}) } : { password: true as const, oidc: false }),
    });

    app.get('/session/oidc', {
      config: { policy: 'public', rateLimit: limit },
      schema: {
        summary: 'Sign in with single sign-on (OpenID Connect): redirects to the identity provider, which sends the browser back to /session/oidc/callback',
        tags: ['accounts'],
        querystring: z.object({ returnTo: ReturnTo.optional() }).strict(),
        response: { 302: z.null().describe('To the identity provider'), 400: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      handler: async (req, reply) => {
        if (!ctx.oidc) throw notConfigured();
        const { url, txn } = await beginOidcLogin(ctx.oidc, { returnTo: req.query.returnTo ?? null });
        const id = pending.put(txn, Date.parse(ctx.now()));
        reply.header('set-cookie', pendingCookie(ctx.oidc.config.redirectUri, id, PENDING_S, req.protocol === 'https'));
        reply.header('cache-control', 'no-store');
        return reply.redirect(url, 302);
      },
    });

    app.get('/session/oidc/callback', {
      config: { policy: 'public', rateLimit: limit },
      schema: {
        summary: 'Where the identity provider sends the browser back: sets the session cookie and redirects (303) to returnTo, or answers an error',
        tags: ['accounts'],
        querystring: CallbackQuery,
        response: { 303: z.null().describe('Signed in: to returnTo, or /'), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      handler: async (req, reply) => {
        if (!ctx.oidc) throw notConfigured();
        const secure = req.protocol === 'https';
        reply.header('cache-control', 'no-store');
        // Used once, whatever comes of it.
        const id = readCookie(req.headers.cookie, OIDC_COOKIE);
        const txn = id ? pending.take(id, Date.parse(ctx.now())) : undefined;
        if (id) reply.header('set-cookie', pendingCookie(ctx.oidc.config.redirectUri, '', 0, secure));
        if (!txn) throw new DomainError('unauthenticated', 'no single sign-on is pending in this browser (it was used already, or started more than 10 minutes ago); start again');
        // The configured redirect URI with this request's query: never the Host header, which the client chooses.
        const callbackUrl = new URL(ctx.oidc.config.redirectUri);
        const query = req.url.indexOf('?');
        if (query >= 0) callbackUrl.search = req.url.slice(query);
        const s = await completeOidcLogin(ctx.store.db, ctx.oidc, callbackUrl, txn, { address: req.ip, userAgent: req.headers['user-agent'] ?? null }, ctx.now());
        // Rotation, as at a password sign-in: a session presented here is ended; the new one replaces it.
        if (req.session) await revokeOwnSession(ctx.store.db, actorOf(req), req.session.id, ctx.now()).catch(() => undefined);
        const maxAge = Math.floor((Date.parse(s.expiresAt) - Date.parse(ctx.now())) / 1000);
        reply.header('set-cookie', sessionCookie(s.cookie, maxAge, secure)); // beside the pending cookie's removal
        return reply.redirect(txn.returnTo ?? '/', 303);
      },
    });
  };
