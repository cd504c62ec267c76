/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE, state and nonce; openid-client as the relying
 * party). The identity provider vouches for who a person is; the roll decides whether she is a member: one claim of
 * the ID token (`OIDC_MEMBER_CLAIM`) names her roll entry, by member id or by email (`OIDC_MEMBER_MATCH`). Nobody who
 * is not on the roll gets an account. A member's first sign-in creates her account the way an invitation does (role
 * `member` at her unit, linked to her roll entry), without a password (`password_hash` `!`, which never verifies).
 *
 * Never logged, stored or echoed: the authorization code, the tokens, state, nonce and the PKCE verifier. Errors from
 * openid-client (whose causes carry those values) become DomainErrors without their causes.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/policy.ts';
import { findAccountByMember, findAccountsByMemberOrEmail, insertAccount, insertGrant, type AccountRow } from '../storage/accounts.repository.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { engine, type Db } from '../storage/db.ts';
import { openSession, type SignedIn } from './accounts.ts';

/** Where the identity provider sends the browser back, below the public URL (unless OIDC_REDIRECT_URI says otherwise). */
export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

export interface OidcConfig {
  /** The issuer identifier; `<issuer>/.well-known/openid-configuration` is read on first use. */
  issuer: string;
  clientId: string;
  /** Sent as client_secret_post; null: a public client (PKCE only, token_endpoint_auth_method none). */
  clientSecret: string | null;
  /** Absolute, without query or fragment; registered at the identity provider. */
  redirectUri: string;
  /** Space-separated; must include `openid`. */
  scopes: string;
  /** The claim that names the roll entry. */
  memberClaim: string;
  /** `id`: the claim is members.id; `email`: the claim is matched case-insensitively against members.email. */
  memberMatch: 'id' | 'email';
  /** Shown on the sign-in button ("Sign in with …"); null: the web app's default wording. */
  name: string | null;
}

const configError = (variable: string, message: string) => new DomainError('invalid_input', `${variable}: ${message}`, { field: variable });

/** Checks and completes a configuration (defaults, the redirect URI); throws a DomainError naming the variable. */
export function checkOidcConfig(c: Partial<OidcConfig> & { issuer: string; publicUrl?: string | undefined }): OidcConfig {
  let issuer: URL;
  try {
    issuer = new URL(c.issuer);
  } catch {
    throw configError('OIDC_ISSUER', `'${c.issuer}' is not a URL`);
  }
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') throw configError('OIDC_ISSUER', 'must be an https:// URL');
  if (!c.clientId) throw configError('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set');
  const redirect = c.redirectUri || (c.publicUrl ? `${c.publicUrl.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}` : '');
  if (!redirect) throw configError('OIDC_REDIRECT_URI', 'is required when OIDC_ISSUER is set (or set PLENUM_PUBLIC_URL)');
  let redirectUri: URL;
  try {
    redirectUri = new URL(redirect);
  } catch {
    throw configError('OIDC_REDIRECT_URI', `'${redirect}' is not a URL`);
  }
  if (redirectUri.protocol !== 'https:' && redirectUri.protocol !== 'http:') throw configError('OIDC_REDIRECT_URI', 'must be an https:// URL');
  if (redirectUri.search || redirectUri.hash) throw configError('OIDC_REDIRECT_URI', 'must have no query or fragment');
  const scopes = (c.scopes ?? 'openid email').trim().split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) throw configError('OIDC_SCOPES', "must include 'openid'");
  const memberClaim = c.memberClaim || 'email';
  const memberMatch = c.memberMatch ?? (memberClaim === 'email' ? 'email' : 'id');
  if (memberMatch !== 'id' && memberMatch !== 'email') throw configError('OIDC_MEMBER_MATCH', "must be 'id' or 'email'");
  return {
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecret: c.clientSecret || null,
    redirectUri: redirectUri.href,
    scopes: scopes.join(' '),
    memberClaim,
    memberMatch,
    name: c.name?.trim() || null,
  };
}

/** The configuration from the environment, or null when single sign-on is off (OIDC_ISSUER unset). */
export function oidcConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  if (!env.OIDC_ISSUER) return null;
  return checkOidcConfig({
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET ?? null,
    redirectUri: env.OIDC_REDIRECT_URI,
    publicUrl: env.PLENUM_PUBLIC_URL,
    scopes: env.OIDC_SCOPES,
    memberClaim: env.OIDC_MEMBER_CLAIM,
    memberMatch: env.OIDC_MEMBER_MATCH as OidcConfig['memberMatch'] | undefined,
    name: env.OIDC_NAME ?? null,
  });
}

/**
 * The relying party: the configuration and the identity provider's metadata, discovered on first use and kept (a
 * failed discovery is tried again on the next sign-in).
 */
export class OidcRelyingParty {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    readonly config: OidcConfig,
    /** Told why discovery failed (no secrets are involved in discovery). */
    private readonly onDiscoveryError: (reason: string) => void = () => undefined,
  ) {}

  /** The discovered configuration; DomainError `unavailable` (503) when the identity provider cannot be reached. */
  configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((e: unknown) => {
      this.discovered = null;
      this.onDiscoveryError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      throw new DomainError('unavailable', `single sign-on is unavailable: the identity provider at ${this.config.issuer} could not be reached or did not describe itself; try again later, or sign in with your password`);
    });
    return this.discovered;
  }

  private discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.config;
    const url = new URL(issuer);
    return client.discovery(url, clientId, clientSecret ?? undefined, clientSecret ? client.ClientSecretPost(clientSecret) : client.None(), {
      // Plain http only when the issuer itself is http (a test or a loopback identity provider).
      ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: 10,
    });
  }
}

/** What the browser's pending sign-in must prove at the callback. Secret: kept server-side only. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A path on this site to land on afterwards. */
  returnTo: string | null;
}

/** A path on this site (not `//host`, not `/\host`, no control characters), or false. */
export function isSafeReturnPath(path: string): boolean {
  return path.length <= 2000 && path.startsWith('/') && !/^\/[/\\]/.test(path) && !/[\\\u0000-\u001f\u007f]/.test(path);
}

/** Starts a sign-in: the identity provider's authorization URL, and what the callback must check. */
export async function beginOidcLogin(rp: OidcRelyingParty, opts: { returnTo?: string | null | undefined } = {}): Promise<{ url: string; txn: OidcTransaction }> {
  if (opts.returnTo != null && !isSafeReturnPath(opts.returnTo)) throw new DomainError('invalid_input', 'returnTo: must be a path on this site (starting with one /)', { field: 'returnTo' });
  const config = await rp.configuration();
  const txn: OidcTransaction = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), returnTo: opts.returnTo ?? null };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: rp.config.redirectUri,
    scope: rp.config.scopes,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(txn.codeVerifier),
    code_challenge_method: 'S256',
    state: txn.state,
    nonce: txn.nonce,
  });
  return { url: url.href, txn };
}

/**
 * Pending sign-ins, in memory, keyed by a random id the browser holds in a cookie: each is taken once and lives 10
 * minutes. At most `max` at once (oldest expired first); beyond that new sign-ins are refused until some finish.
 * One server process: behind several instances, route a browser's sign-in to one instance (sticky sessions).
 */
export class PendingOidcLogins {
  private readonly pending = new Map<string, { txn: OidcTransaction; expiresMs: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 10_000,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  put(txn: OidcTransaction, nowMs: number): string {
    this.sweep(nowMs);
    if (this.pending.size >= this.max) throw new DomainError('unavailable', 'too many sign-ins are under way; try again in a few minutes');
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, { txn, expiresMs: nowMs + this.ttlMs });
    return id;
  }

  /** The pending sign-in with this id, removed (used once, whatever comes of it); undefined if unknown or expired. */
  take(id: string, nowMs: number): OidcTransaction | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    this.sweep(nowMs);
    return p && p.expiresMs > nowMs ? p.txn : undefined;
  }

  private sweep(nowMs: number): void {
    // Insertion order is expiry order: stop at the first that is still alive.
    for (const [id, p] of this.pending) {
      if (p.expiresMs > nowMs) break;
      this.pending.delete(id);
    }
  }
}

/** Why an exchange failed, in words that name the cause and never the values (codes, tokens, state). */
function refusal(e: unknown): DomainError {
  if (e instanceof client.AuthorizationResponseError) {
    const code = /^[a-z_]{1,64}$/.test(e.error) ? e.error : 'error';
    const why = code === 'access_denied' ? 'the sign-in was refused or cancelled there' : 'it answered with an error';
    return new DomainError('unauthenticated', `single sign-on failed: the identity provider did not sign you in (${code}): ${why}; start again`);
  }
  if (e instanceof client.ResponseBodyError) {
    const code = /^[a-z_]{1,64}$/.test(e.error) ? e.error : 'error';
    return new DomainError('unauthenticated', `single sign-on failed: the identity provider did not accept the authorization code (${code}); it may be used or expired; start again`);
  }
  if (e instanceof client.WWWAuthenticateChallengeError) {
    return new DomainError('unauthenticated', 'single sign-on failed: the identity provider refused the client credentials; ask the office to check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
  }
  if (e instanceof client.ClientError) {
    const cause = e.cause instanceof Error ? e.cause.message : '';
    if (/"state"/.test(cause)) return new DomainError('unauthenticated', 'single sign-on failed: the answer does not belong to the sign-in started in this browser (state mismatch); start again');
    if (/"nonce"/.test(cause)) return new DomainError('unauthenticated', 'single sign-on failed: the ID token does not belong to the sign-in started in this browser (nonce mismatch); start again');
    if (/"iss"/.test(cause)) return new DomainError('unauthenticated', 'single sign-on failed: the answer comes from another identity provider (issuer mismatch)');
    switch (e.code) {
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
        return new DomainError('unauthenticated', "single sign-on failed: the ID token is expired or not yet valid (check the server's clock); start again");
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return new DomainError('unavailable', 'single sign-on is unavailable: the identity provider answered with an unexpected response; try again later');
      default:
        return new DomainError('unauthenticated', `single sign-on failed: the identity provider's answer did not pass the checks (${e.code ?? 'invalid response'}); start again`);
    }
  }
  // fetch failures and timeouts: the identity provider could not be reached.
  return new DomainError('unavailable', 'single sign-on is unavailable: the identity provider could not be reached; try again later');
}

/** A claim's value as text: strings as they are, numbers written out; anything else is no value. */
const claimText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
/** An identity shown back to its owner: printable, short. */
const shown = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s).replace(/[\u0000-\u001f\u007f]/g, '?');

interface RollEntry {
  id: string;
  unit_id: string;
  email: string;
}

async function findRollEntry(db: Db, match: 'id' | 'email', value: string): Promise<RollEntry | undefined> {
  if (match === 'id') return db.selectFrom('members').select(['id', 'unit_id', 'email']).where('id', '=', value).executeTakeFirst();
  const rows = await db
    .selectFrom('members')
    .select(['id', 'unit_id', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', value.trim().toLowerCase()))
    .limit(2)
    .execute();
  if (rows.length > 1) {
    throw new DomainError('conflict', 'several entries on the roll have your email address, so it cannot say which is yours; ask the office to correct the roll');
  }
  return rows[0];
}

/**
 * The account linked to the roll entry, or a new one: role `member` at her unit, no password. An existing account
 * with her email that is not linked to her entry is not taken over (refused with `conflict`: sign in with its
 * password): it may hold other roles, and the identity provider's word is no proof that it is hers.
 */
async function accountForMember(db: Db, member: RollEntry, address: string | null, now: string): Promise<{ account: AccountRow; created: boolean }> {
  const linked = await findAccountByMember(db, member.id);
  if (linked) return { account: linked, created: false };
  const email = member.email.trim().toLowerCase();
  if (!email) throw new DomainError('forbidden', 'your entry on the roll has no email address, which an account needs; ask the office to add one');
  const exists = new DomainError('conflict', 'an account with the email address of your roll entry already exists and is not linked to it; sign in with its password instead');
  try {
    return await db.transaction().execute(async (trx) => {
      // Again inside the transaction, in one statement: a sign-in that raced this one may have made it meanwhile,
      // and under READ COMMITTED two separate reads could see it by email but not by member.
      const found = await findAccountsByMemberOrEmail(trx, member.id, email);
      const made = found.find((a) => a.member_id === member.id);
      if (made) return { account: made, created: false };
      if (found.length > 0) throw exists;
      const account: AccountRow = { id: randomBytes(8).toString('hex'), email, password_hash: '!', member_id: member.id, created_at: now, disabled_at: null };
      await insertAccount(trx, account);
      await insertGrant(trx, account.id, { role: 'member', unitId: member.unit_id }, now, 'oidc');
      const principal: Principal = { kind: 'session', id: account.id, name: email, grants: [{ role: 'member', unitId: member.unit_id }] };
      await recordAudit(trx, { principal, address }, 'account.create', `account:${account.id}`, { memberId: member.id, via: 'oidc' }, now);
      return { account, created: true };
    });
  } catch (e) {
    if (!engine.isUniqueViolation(e)) throw e;
    // Two first sign-ins racing: the other one made the account.
    const made = await findAccountByMember(db, member.id);
    if (made) return { account: made, created: false };
    throw exists;
  }
}

/**
 * Finishes a sign-in at the callback: exchanges the code (checking state, nonce and PKCE), finds the person on the
 * roll by the configured claim, finds or creates her account, and opens a session (audited with method `oidc`).
 * `callbackUrl` is the configured redirect URI with the callback's query, never built from the Host header.
 */
export async function completeOidcLogin(
  db: Db,
  rp: OidcRelyingParty,
  callbackUrl: URL,
  txn: OidcTransaction,
  opts: { address: string | null; userAgent: string | null },
  now: string,
): Promise<SignedIn & { created: boolean }> {
  const config = await rp.configuration();
  const { memberClaim, memberMatch } = rp.config;
  let claims: Record<string, unknown>;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: txn.codeVerifier,
      expectedState: txn.state,
      expectedNonce: txn.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new DomainError('unauthenticated', 'single sign-on failed: the identity provider sent no ID token');
    claims = { ...idToken };
    // Some identity providers release scope claims only at the userinfo endpoint; the ID token's own claims win.
    const missing = claims[memberClaim] === undefined || (memberClaim === 'email' && claims.email_verified === undefined);
    if (missing && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...claims };
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw refusal(e);
  }
  const value = claimText(claims[memberClaim]);
  if (value === undefined) {
    throw new DomainError('forbidden', `your identity provider did not say who you are on the roll (no '${memberClaim}' claim); ask the office to check the single sign-on set-up`);
  }
  if (memberClaim === 'email' && claims.email_verified !== true) {
    throw new DomainError('forbidden', 'your identity provider has not verified your email address, so it cannot say which roll entry is yours; verify it there and try again');
  }
  const member = await findRollEntry(db, memberMatch, value);
  if (!member) {
    throw new DomainError('forbidden', `your identity provider says your ${memberMatch === 'email' ? 'email address' : 'member id'} is '${shown(value)}', which is not on the roll; ask the office to add you`);
  }
  const { account, created } = await accountForMember(db, member, opts.address, now);
  if (account.disabled_at) throw new DomainError('forbidden', 'your account is disabled; ask the office');
  const session = await openSession(db, account, { address: opts.address, userAgent: opts.userAgent, method: 'oidc' }, now);
  return { ...session, created };
}
