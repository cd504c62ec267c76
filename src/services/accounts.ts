/**
 * Accounts and sessions. Passwords are hashed with scrypt (memory-hard, node:crypto) and a per-account salt; a session
 * is `<id>.<secret>` in an HttpOnly cookie, stored as SHA-256 of the secret so it can be listed and revoked server-side.
 * Failed sign-ins are throttled per (email, address): an attacker elsewhere cannot lock the owner out, and the wait
 * never exceeds 15 minutes.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { DomainError } from '../domain/errors.ts';
import { authorize, authorizeGrant, checkGrantShape, formatGrants, hasRole, mayActOnUnit, type Grant, type Principal } from '../domain/policy.ts';
import {
  findAccount,
  findAccountByEmail,
  findSession,
  insertAccount,
  insertSession,
  listAccountSessions,
  revokeSessionRow,
  insertGrant,
  deleteGrant,
  listGrants,
} from '../storage/accounts.repository.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { engine, type Db } from '../storage/db.ts';
import { findUnit, unitAncestors } from '../storage/units.repository.ts';

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const SESSION_DAYS = 30;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const scrypt = (password: string, salt: Buffer, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, 64, o, (e, key) => (e ? reject(e) : resolve(key))));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function checkPassword(password: string): void {
  if (password.length < 12) throw new DomainError('invalid_input', 'password: must be at least 12 characters', { field: 'password' });
  if (password.length > 1024) throw new DomainError('invalid_input', 'password: must be at most 1,024 characters', { field: 'password' });
}

export async function createAccount(
  db: Db,
  opts: { email: string; password: string; role: string; unitId?: string | null },
  now: string,
  actor: Actor = CONSOLE_ACTOR,
): Promise<{ id: string }> {
  const email = opts.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320) throw new DomainError('invalid_input', 'email: not a valid address', { field: 'email' });
  checkPassword(opts.password);
  const { role, unitId } = checkGrantShape(opts.role, opts.unitId ?? null, 'unit');
  if (unitId && !(await findUnit(db, unitId))) throw new DomainError('invalid_input', `unknown unit '${unitId}'`, { field: 'unit' });
  const id = randomBytes(8).toString('hex');
  const password_hash = await hashPassword(opts.password);
  try {
    await db.transaction().execute(async (trx) => {
      await insertAccount(trx, { id, email, password_hash, member_id: null, created_at: now, disabled_at: null });
      await insertGrant(trx, id, { role, unitId }, now, grantedBy(actor));
      await recordAudit(trx, actor, 'account.create', `account:${id}`, { role, unitId }, now);
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw new DomainError('conflict', 'an account with this email already exists', { field: 'email' });
    throw e;
  }
  return { id };
}

/** Failed sign-ins per (email, address), with the time until which further tries are refused. */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();
  constructor(
    private readonly free = 5,
    private readonly maxWaitMs = 15 * 60_000,
  ) {}

  check(key: string, nowMs: number): void {
    const f = this.failures.get(key);
    if (f && f.until > nowMs) {
      throw new DomainError('rate_limited', `too many failed sign-ins; try again in ${Math.ceil((f.until - nowMs) / 1000)} s`, { details: { retryAfterS: Math.ceil((f.until - nowMs) / 1000) } });
    }
  }

  fail(key: string, nowMs: number): void {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const wait = count <= this.free ? 0 : Math.min(1000 * 2 ** (count - this.free), this.maxWaitMs);
    this.failures.set(key, { count, until: nowMs + wait });
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}

export interface SignedIn {
  /** The cookie value: `<session id>.<secret>`; shown to the client once, stored hashed. */
  cookie: string;
  csrfToken: string;
  accountId: string;
  expiresAt: string;
}

export async function signIn(
  db: Db,
  throttle: LoginThrottle,
  opts: { email: string; password: string; address: string | null; userAgent: string | null },
  now: string,
): Promise<SignedIn> {
  const email = opts.email.trim().toLowerCase();
  const key = `${email}\u0000${opts.address ?? ''}`;
  const nowMs = Date.parse(now);
  throttle.check(key, nowMs);
  const account = await findAccountByEmail(db, email);
  // The same refusal, and about the same time, whether the email is unknown or the password wrong.
  const ok = account && !account.disabled_at ? await verifyPassword(opts.password, account.password_hash) : (await hashPassword(opts.password), false);
  if (!ok || !account) {
    throttle.fail(key, nowMs);
    throw new DomainError('unauthenticated', 'the email or the password is wrong');
  }
  throttle.succeed(key);
  return openSession(db, account, { address: opts.address, userAgent: opts.userAgent, method: 'password' }, now);
}

/** Starts a session for an account that has proved who it is (a password, or single sign-on). */
export async function openSession(
  db: Db,
  account: { id: string; email: string },
  opts: { address: string | null; userAgent: string | null; method: 'password' | 'oidc' },
  now: string,
): Promise<SignedIn> {
  const nowMs = Date.parse(now);
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(nowMs + SESSION_DAYS * 86_400_000).toISOString();
  await db.transaction().execute(async (trx) => {
    const principal = await accountPrincipal(trx, account);
    await insertSession(trx, {
      id,
      account_id: account.id,
      secret_hash: sha256(secret),
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      address: opts.address,
      user_agent: opts.userAgent?.slice(0, 300) ?? null,
    });
    await recordAudit(trx, { principal, address: opts.address }, 'session.create', `session:${id}`, { method: opts.method }, now);
  });
  return { cookie: `${id}.${secret}`, csrfToken, accountId: account.id, expiresAt };
}

export interface SessionPrincipal {
  principal: Principal;
  sessionId: string;
  csrfToken: string;
}

/** The principal a session cookie stands for, or null when it is malformed, unknown, expired or revoked. */
export async function authenticateSession(db: Db, cookie: string, now: string): Promise<SessionPrincipal | null> {
  const m = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!m) return null;
  const s = await findSession(db, m[1]!);
  if (!s || s.revoked_at || s.expires_at <= now) return null;
  const a = Buffer.from(sha256(m[2]!), 'hex');
  const b = Buffer.from(s.secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const account = await findAccount(db, s.account_id);
  if (!account || account.disabled_at) return null;
  return {
    principal: await accountPrincipal(db, account),
    sessionId: s.id,
    csrfToken: s.csrf_token,
  };
}

export async function getOwnSessions(db: Db, accountId: string, current: string | null) {
  return (await listAccountSessions(db, accountId)).map((s) => ({
    id: s.id,
    createdAt: s.created_at,
    expiresAt: s.expires_at,
    revokedAt: s.revoked_at,
    address: s.address,
    userAgent: s.user_agent,
    current: s.id === current,
  }));
}

/** Revokes one of the account's own sessions (sign-out is revoking the current one). */
export async function revokeOwnSession(db: Db, actor: Actor, sessionId: string, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Another account's session answers exactly like a missing one.
    if (!(await revokeSessionRow(trx, actor.principal.id, sessionId, now))) throw new DomainError('not_found', `no active session '${sessionId}'`, { field: 'id' });
    await recordAudit(trx, actor, 'session.revoke', `session:${sessionId}`, {}, now);
  });
}

/** An account as a principal: its grants as they stand now (a grant or revocation takes effect on the next request). */
export async function accountPrincipal(db: Db, account: { id: string; email: string }): Promise<Principal> {
  return { kind: 'session', id: account.id, name: account.email, grants: await listGrants(db, account.id) };
}

const grantedBy = (actor: Actor) => `${actor.principal.kind}:${actor.principal.id}`;

/**
 * Whether the actor may manage this account's roles at all: the office always; a committee when the account holds a
 * grant within the committee's subtree, or is linked to a member there. Otherwise the account answers like a
 * missing one (404), so a committee learns nothing of accounts beyond its subtree.
 */
async function loadManagedAccount(db: Db, actor: Actor, accountId: string) {
  const account = await findAccount(db, accountId);
  const hidden = new DomainError('not_found', `account '${accountId}' not found`, { field: 'accountId' });
  if (!account) throw hidden;
  const grants = await listGrants(db, account.id);
  if (hasRole(actor.principal, 'office')) return { account, grants };
  const units = grants.map((g) => g.unitId).filter((u): u is string => u !== null);
  const member = account.member_id ? await db.selectFrom('members').select('unit_id').where('id', '=', account.member_id).executeTakeFirst() : undefined;
  if (member) units.push(member.unit_id);
  for (const unit of units) {
    if (mayActOnUnit(actor.principal, 'role:grant', unit, await unitAncestors(db, unit))) return { account, grants };
  }
  throw hidden;
}

export interface AccountRoles {
  accountId: string;
  email: string;
  memberId: string | null;
  grants: Grant[];
}

/** An account's roles, for whoever may manage them (the office; a committee for accounts in its subtree). */
export async function getAccountRoles(db: Db, accountId: string, actor: Actor): Promise<AccountRoles> {
  authorize(actor.principal, 'role:grant');
  const { account, grants } = await loadManagedAccount(db, actor, accountId);
  return { accountId: account.id, email: account.email, memberId: account.member_id, grants };
}

/**
 * Grants a role at a unit, or revokes one (`revoke: true`). The actor needs authority over the account (see
 * `loadManagedAccount`) and over the role and unit (`authorizeGrant`). Recorded before → after with the reason;
 * granting a role already held, or revoking one not held, changes nothing and records nothing.
 */
export async function changeRole(
  db: Db,
  opts: { accountId: string; role: string; unitId?: string | null; reason: string; revoke?: boolean },
  now: string,
  actor: Actor,
): Promise<AccountRoles & { changed: boolean }> {
  const grant = checkGrantShape(opts.role, opts.unitId ?? null);
  const reason = opts.reason.trim();
  if (!reason) throw new DomainError('invalid_input', 'reason: say why (it is recorded)', { field: 'reason' });
  return db.transaction().execute(async (trx) => {
    const { account, grants } = await loadManagedAccount(trx, actor, opts.accountId);
    if (grant.unitId && !(await findUnit(trx, grant.unitId))) throw new DomainError('invalid_input', `unitId: unknown unit '${grant.unitId}'`, { field: 'unitId' });
    authorizeGrant(actor.principal, grant.role, grant.unitId, grant.unitId ? await unitAncestors(trx, grant.unitId) : []);
    const changed = opts.revoke ? await deleteGrant(trx, account.id, grant) : await insertGrant(trx, account.id, grant, now, grantedBy(actor));
    const after = await listGrants(trx, account.id);
    if (changed) {
      await recordAudit(trx, actor, opts.revoke ? 'role.revoke' : 'role.grant', `account:${account.id}`, {
        grant,
        before: formatGrants(grants),
        after: formatGrants(after),
        reason,
      }, now);
    }
    return { accountId: account.id, email: account.email, memberId: account.member_id, grants: after, changed };
  });
}

/** An account named by id or by email (the console's way of naming one). */
export async function resolveAccountId(db: Db, ref: string): Promise<string> {
  const account = ref.includes('@') ? await findAccountByEmail(db, ref.trim().toLowerCase()) : await findAccount(db, ref);
  if (!account) throw new DomainError('not_found', `no account '${ref}'`, { field: 'account' });
  return account.id;
}

/** The roll entry an account is linked to (by its invitation), for the member herself. */
export async function getOwnRollEntry(db: Db, accountId: string) {
  const account = await findAccount(db, accountId);
  if (!account?.member_id) return undefined;
  const m = await db.selectFrom('members').select(['id', 'unit_id', 'name', 'email', 'status']).where('id', '=', account.member_id).executeTakeFirst();
  return m && { id: m.id, unitId: m.unit_id, name: m.name, email: m.email, status: m.status };
}
