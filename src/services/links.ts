/**
 * Invitations and password resets: one-time links sent by email. A link is `<id>.<secret>`, stored as SHA-256 of the
 * secret, good once and until it expires (invitations 7 days, resets 1 hour). A reset request answers the same
 * whether the email is known or not, so it reveals no account.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../domain/policy.ts';
import {
  findAccount,
  findAccountByEmail,
  findAccountByMember,
  findLink,
  insertAccount,
  insertGrant,
  insertLink,
  revokeAllSessions,
  setPasswordHash,
  useLink,
} from '../storage/accounts.repository.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { engine, type Db } from '../storage/db.ts';
import { accountPrincipal, checkPassword, hashPassword } from './accounts.ts';
import type { Mailer } from './mailer.ts';

const INVITE_MS = 7 * 86_400_000;
const RESET_MS = 3_600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function newLink(db: Db, kind: 'invite' | 'reset', ref: { accountId?: string; memberId?: string }, now: string, ttlMs: number): Promise<string> {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await insertLink(db, {
    id,
    kind,
    account_id: ref.accountId ?? null,
    member_id: ref.memberId ?? null,
    secret_hash: sha256(secret),
    created_at: now,
    expires_at: new Date(Date.parse(now) + ttlMs).toISOString(),
    used_at: null,
  });
  return `${id}.${secret}`;
}

/** The link a token names, if it is of this kind, unused and unexpired; one clear refusal otherwise. */
async function openLink(db: Db, token: string, kind: 'invite' | 'reset', now: string) {
  const refused = new DomainError('invalid_input', 'token: this link is unknown, used or expired; ask for a new one', { field: 'token' });
  const m = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) throw refused;
  const link = await findLink(db, m[1]!);
  if (!link || link.kind !== kind || link.used_at || link.expires_at <= now) throw refused;
  const a = Buffer.from(sha256(m[2]!), 'hex');
  const b = Buffer.from(link.secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw refused;
  if (!(await useLink(db, link.id, now))) throw refused;
  return link;
}

/**
 * Invites members from the roll: each with an email and no account yet gets a one-time link. `memberIds` absent:
 * everyone on the roll. Returns how many were invited and skipped (no email, or an account already).
 */
export async function inviteMembers(
  db: Db,
  mailer: Mailer,
  opts: { memberIds?: string[] | undefined; baseUrl: string },
  now: string,
  actor: Actor = CONSOLE_ACTOR,
): Promise<{ invited: number; skipped: number }> {
  let q = db.selectFrom('members').leftJoin('accounts', 'accounts.member_id', 'members.id').select(['members.id', 'members.email', 'accounts.id as accountId']);
  if (opts.memberIds) q = q.where('members.id', 'in', opts.memberIds.length ? opts.memberIds : ['']);
  const members = await q.execute();
  if (opts.memberIds) {
    const known = new Set(members.map((m) => m.id));
    const unknown = opts.memberIds.find((id) => !known.has(id));
    if (unknown) throw new DomainError('invalid_input', `memberIds: unknown member '${unknown}'`, { field: 'memberIds' });
  }
  let invited = 0;
  let skipped = 0;
  for (const m of members) {
    if (!m.email || m.accountId) {
      skipped++;
      continue;
    }
    const token = await db.transaction().execute(async (trx) => {
      const t = await newLink(trx, 'invite', { memberId: m.id }, now, INVITE_MS);
      await recordAudit(trx, actor, 'invitation.send', `member:${m.id}`, {}, now);
      return t;
    });
    await mailer.send({
      to: m.email,
      subject: 'Your invitation to Plenum',
      text: `You are invited to take part in your organization's discussion on Plenum.\n\nChoose a password here (the link works once, for 7 days):\n${opts.baseUrl}/accept?token=${token}\n`,
    });
    invited++;
  }
  return { invited, skipped };
}

/** Accepting an invitation creates the member's account (role member, in the member's unit) with her password. */
export async function acceptInvitation(db: Db, token: string, password: string, now: string): Promise<{ accountId: string }> {
  checkPassword(password);
  const hash = await hashPassword(password);
  try {
    return await db.transaction().execute(async (trx) => {
      const link = await openLink(trx, token, 'invite', now);
      const member = await trx.selectFrom('members').select(['id', 'unit_id', 'email']).where('id', '=', link.member_id!).executeTakeFirst();
      if (!member || (await findAccountByMember(trx, member.id))) throw new DomainError('conflict', 'this member already has an account; sign in, or reset the password');
      const id = randomBytes(8).toString('hex');
      await insertAccount(trx, { id, email: member.email.toLowerCase(), password_hash: hash, member_id: member.id, created_at: now, disabled_at: null });
      await insertGrant(trx, id, { role: 'member', unitId: member.unit_id }, now, `invitation:${link.id}`);
      const principal: Principal = { kind: 'session', id, name: member.email, grants: [{ role: 'member', unitId: member.unit_id }] };
      await recordAudit(trx, { principal, address: null }, 'invitation.accept', `account:${id}`, { memberId: member.id }, now);
      return { accountId: id };
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw new DomainError('conflict', 'an account with this email already exists; sign in, or reset the password', { field: 'token' });
    throw e;
  }
}

/** Sends a reset link if the email has an account; answers the same either way. */
export async function requestPasswordReset(db: Db, mailer: Mailer, email: string, baseUrl: string, now: string): Promise<void> {
  const account = await findAccountByEmail(db, email.trim().toLowerCase());
  if (!account || account.disabled_at) return;
  const token = await newLink(db, 'reset', { accountId: account.id }, now, RESET_MS);
  await mailer.send({
    to: account.email,
    subject: 'Resetting your Plenum password',
    text: `Someone (we hope you) asked to reset your Plenum password.\n\nChoose a new one here (the link works once, for an hour):\n${baseUrl}/reset?token=${token}\n\nIf it was not you, ignore this message: nothing changes.\n`,
  });
}

/** Sets the new password and ends every session of the account (a stolen cookie stops working too). */
export async function completePasswordReset(db: Db, token: string, password: string, now: string): Promise<void> {
  checkPassword(password);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const link = await openLink(trx, token, 'reset', now);
    await setPasswordHash(trx, link.account_id!, hash);
    const ended = await revokeAllSessions(trx, link.account_id!, now);
    const account = (await findAccount(trx, link.account_id!))!;
    const principal = await accountPrincipal(trx, account);
    await recordAudit(trx, { principal, address: null }, 'password.reset', `account:${link.account_id}`, { sessionsEnded: ended }, now);
  });
}
