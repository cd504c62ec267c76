import type { Grant, Role } from '../domain/policy.ts';
import type { Db } from './db.ts';
import type { AccountsTable, OneTimeLinksTable, SessionsTable } from './schema.ts';

export type AccountRow = AccountsTable;
export type SessionRow = SessionsTable;

export async function insertAccount(db: Db, a: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(a).execute();
}

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSession(db: Db, s: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(s).execute();
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccountSessions(db: Db, accountId: string): Promise<SessionRow[]> {
  return db.selectFrom('sessions').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
}

/** Revokes a session of this account (only its own); true if one was active. */
export async function revokeSessionRow(db: Db, accountId: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * The accounts linked to this roll entry or holding this (lower-cased) email, read in one statement, so that under
 * READ COMMITTED a concurrently committed account is seen by both conditions or by neither.
 */
export async function findAccountsByMemberOrEmail(db: Db, memberId: string, email: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb.or([eb('member_id', '=', memberId), eb('email', '=', email)]))
    .execute();
}

export async function findAccountByMember(db: Db, memberId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}

export async function setPasswordHash(db: Db, accountId: string, hash: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: hash }).where('id', '=', accountId).execute();
}

export async function revokeAllSessions(db: Db, accountId: string, now: string): Promise<number> {
  const r = await db.updateTable('sessions').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertLink(db: Db, l: OneTimeLinksTable): Promise<void> {
  await db.insertInto('one_time_links').values(l).execute();
}

export async function findLink(db: Db, id: string): Promise<OneTimeLinksTable | undefined> {
  return db.selectFrom('one_time_links').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks a link used, once: false when it was used meanwhile (two clicks racing). */
export async function useLink(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db.updateTable('one_time_links').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export const grantId = (accountId: string, g: Grant) => `${accountId}/${g.role}/${g.unitId ?? '*'}`;

export async function listGrants(db: Db, accountId: string): Promise<Grant[]> {
  const rows = await db.selectFrom('account_roles').select(['role', 'unit_id']).where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => ({ role: r.role as Role, unitId: r.unit_id }));
}

/** Adds a grant; false when the account already held it. */
export async function insertGrant(db: Db, accountId: string, g: Grant, now: string, grantedBy: string): Promise<boolean> {
  const r = await db
    .insertInto('account_roles')
    .values({ id: grantId(accountId, g), account_id: accountId, role: g.role, unit_id: g.unitId, granted_at: now, granted_by: grantedBy })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Removes a grant; false when the account did not hold it. */
export async function deleteGrant(db: Db, accountId: string, g: Grant): Promise<boolean> {
  const r = await db.deleteFrom('account_roles').where('id', '=', grantId(accountId, g)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The accounts holding a role at each of these units (e.g. the secretaries of unreported branches), with emails. */
export async function listRoleHolders(db: Db, role: string, unitIds: readonly string[]): Promise<Array<{ unitId: string; accountId: string; email: string }>> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('account_roles as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select(['g.unit_id', 'a.id', 'a.email'])
    .where('g.role', '=', role)
    .where('g.unit_id', 'in', [...unitIds])
    .where('a.disabled_at', 'is', null)
    .orderBy('a.email')
    .execute();
  return rows.map((r) => ({ unitId: r.unit_id!, accountId: r.id, email: r.email }));
}
