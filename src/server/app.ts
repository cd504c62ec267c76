/**
 * Builds the HTTP application (without listening), so tests drive it with `inject()` and `serve` starts it.
 * Cross-cutting concerns live here and only here: the error shape, authentication and the policy check.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Actor } from '../domain/audit.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { authorize, PERMISSIONS, type Permission, type Principal } from '../domain/policy.ts';
import { ReportBatcher } from '../services/report-batcher.ts';
import { getTally } from '../services/tally.ts';
import { authenticateToken } from '../services/tokens.ts';
import { authenticateSession, LoginThrottle } from '../services/accounts.ts';
import { mailerFromEnvironment, type Mailer } from '../services/mailer.ts';
import { OidcRelyingParty, oidcConfigFromEnvironment, type OidcConfig } from '../services/oidc.ts';
import { engine, type Store } from '../storage/db.ts';
import { errorBody, HTTP_STATUS } from './http-errors.ts';
import { TallyHub } from './live.ts';
import { auditRoutes } from './routes/audit.ts';
import { sessionRoutes } from './routes/session.ts';
import { linkRoutes } from './routes/links.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { discussionRoutes } from './routes/discussions.ts';
import { homeRoutes } from './routes/home.ts';
import { registerWebApp } from './web.ts';
import { progressRoutes } from './routes/progress.ts';
import { accountRoutes } from './routes/accounts.ts';
import { reportRoutes } from './routes/reports.ts';
import { rollRoutes } from './routes/roll.ts';
import { tallyRoutes } from './routes/tally.ts';
import { logRoutes, receiptRoutes } from './routes/log.ts';
import { decisionFeedRoutes, decisionRoutes } from './routes/decisions.ts';
import { challengeRoutes } from './routes/challenges.ts';
import { keyRoutes } from './routes/keys.ts';
import { conferenceRoutes } from './routes/conference.ts';
import { LogPublisher, witnessesFromEnvironment, type WitnessEndpoint } from '../services/log.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs. Every route must declare one (see the onRoute hook). */
    policy?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the principal came from a session cookie. */
    session: { id: string; csrfToken: string } | null;
  }
}

export interface AppOptions {
  store: Store;
  /** The current time as ISO-8601; tests move it. */
  now?: () => string;
  /** true: log to stdout at info; or a level and a stream (tests read what was logged). */
  logger?: boolean | { level: string; stream: NodeJS.WritableStream };
  /** Start the live-update channel (LISTEN/NOTIFY or the SQLite poll). */
  live?: boolean;
  /**
   * Reports a unit-scoped token (secretary, committee) may submit per minute; the office is not limited (it enters
   * paper minutes in bulk). Default: PLENUM_REPORTS_PER_MINUTE or 120.
   */
  reportsPerMinute?: number;
  /** Where email goes (invitations, resets). Default: SMTP_URL, or standard error in development. */
  mailer?: Mailer;
  /** Single sign-on (OpenID Connect); null: off. Default: the OIDC_* variables (off without OIDC_ISSUER). */
  oidc?: OidcConfig | null;
  /** Witnesses asked to cosign each new checkpoint. Default: PLENUM_WITNESSES. */
  witnesses?: readonly WitnessEndpoint[];
}

export const SESSION_COOKIE = 'plenum_session';

export interface AppContext {
  mailer: Mailer;
  reportsPerMinute: number;
  throttle: LoginThrottle;
  store: Store;
  now: () => string;
  hub: TallyHub;
  /** Reports arriving together are written in batches (group commit). */
  reports: ReportBatcher;
  /** Single sign-on, when configured. */
  oidc: OidcRelyingParty | null;
  /** The public record: signs checkpoints, serves tiles and receipts (src/services/log.ts). */
  log: LogPublisher;
}

export type App = FastifyInstance;

export async function buildApp(opts: AppOptions): Promise<App> {
  const now = opts.now ?? (() => new Date().toISOString());
  const hub = new TallyHub(opts.store, (discussionId, unitId) => getTally(opts.store.db, discussionId, unitId, now()), (e) => app.log.warn({ err: e }, 'live updates'));
  const reportsPerMinute = opts.reportsPerMinute ?? (Number(process.env.PLENUM_REPORTS_PER_MINUTE) || 120);
  const oidcConfig = opts.oidc === undefined ? oidcConfigFromEnvironment() : opts.oidc;
  const oidc = oidcConfig ? new OidcRelyingParty(oidcConfig, (reason) => app.log.warn({ reason }, 'single sign-on: discovery failed')) : null;
  const ctx: AppContext = { store: opts.store, now, hub, reports: new ReportBatcher(opts.store.db), reportsPerMinute, throttle: new LoginThrottle(), mailer: opts.mailer ?? mailerFromEnvironment(), oidc, log: new LogPublisher(opts.store.db, now, (e) => app.log.warn({ err: e }, 'public log'), opts.witnesses ?? witnessesFromEnvironment()) };
  const app = Fastify({
    logger: opts.logger
      ? {
          level: opts.logger === true ? 'info' : opts.logger.level,
          ...(opts.logger === true ? {} : { stream: opts.logger.stream }),
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
          // The single sign-on callback's query carries the authorization code and state: logged without it.
          serializers: {
            req: (req) => ({ method: req.method, url: withoutSecretQuery(req.url), version: req.headers?.['accept-version'] as string | undefined, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
          },
        }
      : false,
    bodyLimit: 1024 * 1024,
    // Unicode-heavy texts and ids must not be mangled; keep Fastify's defaults otherwise.
    routerOptions: { maxParamLength: 200 },
    // Refusals made before a route is chosen (an over-long path segment, a bad content type) get our error shape too.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return reply.status(400).send(errorBody('invalid_input', 'path: a path segment is longer than 200 characters', 'path'));
      }
      return reply.status(400).send(errorBody('invalid_input', err.message.slice(0, 300), 'request'));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);

  // Deny by default: a route that does not say which permission it needs does not start.
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    if (!policy || !(policy in PERMISSIONS)) {
      if (route.url.startsWith('/api/docs')) {
        route.config = { ...route.config, policy: 'public' };
        return;
      }
      throw new Error(`route ${route.method} ${route.url} declares no policy`);
    }
  });

  // Security headers on every answer (CSP, no sniffing, frame denial, HSTS over TLS, …). The first hook, so the
  // refusals of the hooks after it (401, 403, 429) carry them too. Helmet's middleware is made once, here:
  // @fastify/helmet made it anew on every request, parsing the CSP directives each time (some 25–35 µs of a report's
  // time on the server under load, a fourteenth of it).
  // No upgrade-insecure-requests: the demo is served over plain HTTP on localhost; put TLS in front in production.
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (e?: unknown) => done(e as Error | undefined)));

  app.addHook('onRequest', async (req) => {
    req.principal = await principalOf(ctx, req);
    // A browser sends the cookie on its own, so a write made with a cookie must also prove it came from our page.
    const policy = req.routeOptions.config.policy ?? 'public';
    // (Public writes — signing in — need no proof: they act on nothing of the session's.)
    if (req.session && policy !== 'public' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers['x-csrf-token'] !== req.session.csrfToken) {
      throw new DomainError('forbidden', 'missing or wrong X-CSRF-Token header (the csrfToken given at sign-in) on a write made with a session cookie', {
        field: 'X-CSRF-Token',
      });
    }
    authorize(req.principal, policy);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDomainError(err)) {
      const retryAfter = (err.details as { retryAfterS?: number } | undefined)?.retryAfterS;
      if (retryAfter) reply.header('retry-after', String(retryAfter));
      return reply.status(HTTP_STATUS[err.code]).send(errorBody(err.code, err.message, err.field, err.location));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issue = err.validation[0]!;
      const where = err.validationContext === 'body' ? '' : `${err.validationContext}.`;
      let field = `${where}${issue.instancePath.replace(/^\//, '').replaceAll('/', '.')}`;
      const keys = (issue.params as { keys?: string[] }).keys;
      if (issue.keyword === 'unrecognized_keys' && keys?.length) field = field && !field.endsWith('.') ? `${field}.${keys[0]}` : `${field}${keys[0]}`;
      if (!field) field = err.validationContext ?? 'body';
      const message = issue.keyword === 'unrecognized_keys' ? `${field}: unknown field (not part of this request's schema)` : `${field}: ${issue.message}`;
      return reply.status(400).send(errorBody('invalid_input', message, field));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .status(HTTP_STATUS.payload_too_large)
        .send(errorBody('payload_too_large', `the request body exceeds the limit of ${req.routeOptions.bodyLimit ?? 1048576} bytes`, 'body'));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(HTTP_STATUS.unsupported_media_type)
        .send(errorBody('unsupported_media_type', `unsupported content type '${req.headers['content-type'] ?? ''}'`, 'content-type'));
    }
    if (engine.isBusy(err)) {
      return reply
        .status(HTTP_STATUS.unavailable)
        .header('retry-after', '1')
        .send(errorBody('unavailable', 'the database is busy with another writer; retry in a moment (nothing was stored)'));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own refusals: malformed JSON, empty body, bad headers.
      return reply.status(400).send(errorBody('invalid_input', err.message, 'body'));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.status(500).send(errorBody('internal', 'an unexpected error occurred; it has been logged'));
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    reply.status(404).send(errorBody('not_found', `no route ${req.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`));
  });

  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Rate limits are declared per route (`config.rateLimit`); a refusal is a 429 `rate_limited` with Retry-After.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) => new DomainError('rate_limited', `too many requests: at most ${c.max} per ${c.after}; retry in ${Math.ceil(c.ttl / 1000)} s`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Plenum API',
        version: '1',
        description:
          'Organization-wide discussions: the unit tree and roll, discussions with frozen rolls, branch reports with corrections, and the live membership-weighted tally. Writes need `Authorization: Bearer <token>` (`plenum token create`) or a session cookie from `POST /api/v1/session` (or single sign-on) with its `X-CSRF-Token` header. Reads are public and carry counts only; resolution texts, small units\' figures, the roll and who has not reported follow the reader\'s roles (docs/security.md). Every report version is signed (by the secretary\'s approved key when the report carries `signature`, else by the office key) and appended to the discussion\'s public log, served as C2SP tlog-tiles under `/log/<discussion>/` (checkpoint, vkey, tiles, tallies.json); `logIndex` in the answer names its entry and `…/reports/:version/receipt` proves it (docs/verifiable-record.md). Errors are `{ "error": { "code", "message", "field" } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(homeRoutes(ctx));
  await registerWebApp(app, process.env.PLENUM_WEB_DIST || undefined);
  await app.register(rollRoutes(ctx), { prefix: '/api/v1' });
  await app.register(discussionRoutes(ctx), { prefix: '/api/v1' });
  await app.register(reportRoutes(ctx), { prefix: '/api/v1' });
  await app.register(progressRoutes(ctx), { prefix: '/api/v1' });
  await app.register(accountRoutes(ctx), { prefix: '/api/v1' });
  await app.register(tallyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(auditRoutes(ctx), { prefix: '/api/v1' });
  await app.register(sessionRoutes(ctx), { prefix: '/api/v1' });
  await app.register(linkRoutes(ctx), { prefix: '/api/v1' });
  await app.register(oidcRoutes(ctx), { prefix: '/api/v1' });
  await app.register(receiptRoutes(ctx), { prefix: '/api/v1' });
  await app.register(keyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(conferenceRoutes(ctx), { prefix: '/api/v1' });
  await app.register(challengeRoutes(ctx), { prefix: '/api/v1' });
  await app.register(decisionRoutes(ctx), { prefix: '/api/v1' });
  await app.register(decisionFeedRoutes(ctx));
  await app.register(logRoutes(ctx));

  if (opts.live !== false) {
    await ctx.hub.start();
    app.addHook('onClose', async () => ctx.hub.stop());
    // A new checkpoint at least every second while entries arrive.
    ctx.log.start(500);
    app.addHook('onClose', async () => ctx.log.stop());
  }
  return app as unknown as App;
}

async function principalOf(ctx: AppContext, req: FastifyRequest): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (!header) {
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!cookie) return null;
    const s = await authenticateSession(ctx.store.db, cookie, ctx.now());
    if (!s) return null; // an ended session is simply no session: public pages still work
    req.session = { id: s.sessionId, csrfToken: s.csrfToken };
    return s.principal;
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const principal = m ? await authenticateToken(ctx.store.db, m[1]!) : null;
  if (!principal) {
    // A bad credential is refused even on public routes: a client should learn its token is wrong.
    throw new DomainError('unauthenticated', 'the bearer token is malformed, unknown or revoked');
  }
  return principal;
}

/** A URL as logged: the single sign-on callback's query (code, state) left out. */
function withoutSecretQuery(url: string): string {
  return url.startsWith('/api/v1/session/oidc/callback?') ? '/api/v1/session/oidc/callback?…' : url;
}

/** Who is acting, for the audit log: the request's principal and address. */
export function actorOf(req: FastifyRequest): Actor {
  return { principal: req.principal!, address: req.ip };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
