/**
 * API tokens: `plenum_<id>_<secret>`. Only SHA-256 of the secret is stored (a token is 256 random bits, so a fast hash
 * is enough — unlike passwords); the id lets us find the row without scanning, the comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { checkGrantShape, type Principal, type Role } from '../domain/policy.ts';
import { findUnit } from '../storage/units.repository.ts';
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import type { Db } from '../storage/db.ts';
import { findToken, insertToken, listTokens, revokeToken, type TokenRecord } from '../storage/tokens.repository.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createToken(
  db: Db,
  opts: { name: string; role: string; unitId?: string | null },
  now: string,
  actor: Actor = CONSOLE_ACTOR,
): Promise<{ id: string; token: string }> {
  const { role, unitId } = checkGrantShape(opts.role, opts.unitId ?? null, 'unit');
  if (unitId && !(await findUnit(db, unitId))) throw new DomainError('invalid_input', `unknown unit '${unitId}'`, { field: 'unit' });
  if (!opts.name.trim()) throw new DomainError('invalid_input', 'a token needs a name saying who or what uses it', { field: 'name' });
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await insertToken(trx, { id, name: opts.name.trim(), role, unitId, secretHash: sha256(secret), createdAt: now, revokedAt: null });
    // The grant is recorded; the secret never is.
    await recordAudit(trx, actor, 'token.create', `token:${id}`, { name: opts.name.trim(), role, unitId }, now);
  });
  return { id, token: `plenum_${id}_${secret}` };
}

/** The principal a bearer token stands for, or null when it is malformed, unknown or revoked. */
export async function authenticateToken(db: Db, token: string): Promise<Principal | null> {
  const m = /^plenum_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const record = await findToken(db, m[1]!);
  if (!record || record.revokedAt) return null;
  const a = Buffer.from(sha256(m[2]!), 'hex');
  const b = Buffer.from(record.secretHash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return { kind: 'token', id: record.id, name: record.name, grants: [{ role: record.role as Role, unitId: record.unitId }] };
}

export async function getTokens(db: Db): Promise<Array<Omit<TokenRecord, 'secretHash'>>> {
  return (await listTokens(db)).map(({ secretHash: _s, ...rest }) => rest);
}

export async function revoke(db: Db, id: string, now: string, actor: Actor = CONSOLE_ACTOR): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await revokeToken(trx, id, now))) throw new DomainError('not_found', `no active token with id '${id}'`, { field: 'id' });
    await recordAudit(trx, actor, 'token.revoke', `token:${id}`, {}, now);
  });
}
