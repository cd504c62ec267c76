/**
 * A real OpenID Connect identity provider for tests: oidc-provider on 127.0.0.1 with a random port, one confidential
 * client (client_secret_post, PKCE required), and a headless "login page": the authorization request's `login_hint`
 * names the test user (`deny` makes the provider answer access_denied). The scope `plenum` releases the claim
 * `plenum_member_id`. It records what only the provider and Plenum's server ever see (codes, verifiers, tokens), so a
 * test can check that none of it reaches a log or the audit log.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Adapter, AdapterPayload } from 'oidc-provider';

// oidc-provider 9 warns on import on any Node older than 22 LTS; it works on Node 20. Silence exactly that line.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!String(args[0]).includes('Unsupported runtime')) warn(...args);
};
const { default: Provider } = await import('oidc-provider').finally(() => {
  console.warn = warn;
});

export interface IdpUser {
  email?: string;
  email_verified?: boolean;
  plenum_member_id?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Authorization codes, PKCE verifiers, ID tokens and access tokens the provider handed out or received. */
  secrets: string[];
  close(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (for a server whose address others must know before it starts). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A small in-memory adapter of its own (the built-in one warns that it is not for production). */
function memoryAdapter() {
  const store = new Map<string, AdapterPayload>();
  return class MemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}
    private key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload) {
      store.set(this.key(id), payload);
      if (this.name === 'Session' && payload.uid) store.set(`sessionUid:${payload.uid}`, { jti: id });
    }
    async find(id: string) {
      return store.get(this.key(id));
    }
    async findByUid(uid: string) {
      const id = store.get(`sessionUid:${uid}`)?.jti;
      return id ? this.find(id) : undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const p = store.get(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of store) if (v.grantId === grantId) store.delete(k);
    }
  };
}

export async function startIdp(opts: {
  users: Record<string, IdpUser>;
  redirectUris: string[];
  /** true: scope claims only at the userinfo endpoint (as many providers do); default false: in the ID token too. */
  conformIdTokenClaims?: boolean;
}): Promise<TestIdp> {
  // The issuer names the port, so bind first and attach the provider after.
  const server: Server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'plenum';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const secrets: string[] = [clientSecret];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'plenum'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], plenum: ['plenum_member_id'] },
    conformIdTokenClaims: opts.conformIdTokenClaims ?? false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_ctx, sub) {
      const user = opts.users[sub];
      return user ? { accountId: sub, claims: async () => ({ sub, ...user }) } : undefined;
    },
  });

  // What passes through the token endpoint, for the tests' "never logged" checks.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method === 'POST' && ctx.path === '/token') {
      const params = (ctx.oidc?.params ?? {}) as Record<string, unknown>;
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      for (const v of [params.code, params.code_verifier, body.id_token, body.access_token]) if (typeof v === 'string') secrets.push(v);
    }
  });

  // The headless login page: login_hint says who signs in; consent is granted in the same step.
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result: Record<string, unknown>;
    if (params.login_hint === 'deny') {
      result = { error: 'access_denied', error_description: 'the user refused' };
    } else {
      const accountId = session?.accountId ?? String(params.login_hint);
      if (!opts.users[accountId]) {
        result = { error: 'login_required', error_description: 'unknown test user' };
      } else {
        const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId: String(params.client_id) });
        grant.addOIDCScope(String(params.scope));
        const grantId = await grant.save();
        result = prompt.name === 'login' ? { login: { accountId }, consent: { grantId } } : { consent: { grantId } };
      }
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  });

  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    secrets,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** A headless browser: follows redirects by hand and keeps cookies (one jar for 127.0.0.1, ports ignored, as browsers do). */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every request made, in order, with its status and the cookies the answer set. */
  readonly visited: Array<{ url: URL; status: number; setCookie: string[] }> = [];

  private store(res: Response) {
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * Goes to `start` and follows redirects until an answer that is not one; `rewrite` may change each next URL (an
   * attacker tampering, or the login page choosing who signs in). Returns the last answer and, if the chain ended on a
   * redirect that `stopAt` matched, where it pointed.
   */
  async go(start: string, opts: { rewrite?: (u: URL) => URL; stopAt?: (u: URL) => boolean } = {}) {
    let url = new URL(start);
    for (let hop = 0; hop < 20; hop++) {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.cookieHeader() } });
      this.visited.push({ url, status: res.status, setCookie: res.headers.getSetCookie() });
      this.store(res);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        const next = new URL(location, url);
        if (opts.stopAt?.(next)) return { res, status: res.status, body: null as unknown, location: next };
        url = opts.rewrite ? opts.rewrite(next) : next;
        continue;
      }
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { res, status: res.status, body, location: null };
    }
    throw new Error('too many redirects');
  }
}
