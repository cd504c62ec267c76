/**
 * Unit secretaries' signing keys (docs/verifiable-record.md, "Keys"). A secretary enrols a key for her unit — made in
 * her browser (WebCrypto, never leaving it) or kept in a key file for scripts; an officer of a unit above hers (the
 * office, or a committee of an ancestor unit) approves or refuses it. Approval, rotation and revocation are log
 * entries in every open discussion, so a verifier knows which key was valid at each position; a discussion opened
 * later starts with the keys active then. Small-order and non-canonical public keys are refused at enrolment.
 */
import type { Actor } from '../domain/audit.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { authorizeOnUnit, mayActOnUnit, type Principal } from '../domain/policy.ts';
import { ancestorsOf } from '../domain/unit-tree.ts';
import { keyEntry } from '../log/entries.ts';
import { checkEd25519PublicKey, NoteError } from '../log/note.ts';
import { signingKeyId } from '../log/signing.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { engine, type Db } from '../storage/db.ts';
import { findUnitKey, insertUnitKey, listUnitKeys, setUnitKeyState, type KeyState, type UnitKey } from '../storage/keys.repository.ts';
import { appendToEveryLog } from './log.ts';
import { findUnit, listUnits, unitAncestors } from '../storage/units.repository.ts';

export type { UnitKey } from '../storage/keys.repository.ts';

const who = (p: Principal) => `${p.kind}:${p.id}`;

function decodePublicKey(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== text) {
    throw new DomainError('invalid_input', 'publicKey: must be the standard base64 (with padding) of a raw 32-byte Ed25519 public key', { field: 'publicKey' });
  }
  try {
    checkEd25519PublicKey(new Uint8Array(bytes));
  } catch (e) {
    if (e instanceof NoteError) throw new DomainError('invalid_input', `publicKey: ${e.message}`, { field: 'publicKey' });
    throw e;
  }
  return new Uint8Array(bytes);
}

export interface EnrolKey {
  unitId: string;
  publicKey: string;
  label?: string | undefined;
  /** The unit's active key this one replaces once approved (a rotation). */
  replaces?: string | undefined;
}

/** A secretary enrols a key for her own unit; it waits for an officer above to approve it. */
export async function enrolKey(db: Db, actor: Actor, input: EnrolKey, now: string): Promise<UnitKey> {
  const unit = await findUnit(db, input.unitId);
  if (!unit) throw notFound('unit', input.unitId, 'unitId');
  authorizeOnUnit(actor.principal, 'key:enrol', input.unitId, await unitAncestors(db, input.unitId));
  const raw = decodePublicKey(input.publicKey);
  const keyId = signingKeyId(raw);
  if (input.replaces !== undefined) {
    const old = await findUnitKey(db, input.replaces);
    if (!old || old.unitId !== input.unitId || old.state !== 'active') {
      throw new DomainError('invalid_input', `replaces: '${input.replaces}' is not an active key of unit '${input.unitId}'`, { field: 'replaces' });
    }
  }
  const key: UnitKey = {
    keyId,
    unitId: input.unitId,
    publicKey: input.publicKey,
    label: input.label ?? '',
    state: 'pending',
    replaces: input.replaces ?? null,
    requestedAt: now,
    requestedBy: who(actor.principal),
    decidedAt: null,
    decidedBy: null,
    reason: null,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await insertUnitKey(trx, key);
      await recordAudit(trx, actor, 'key.enrol', `key:${keyId}`, { unitId: key.unitId, replaces: key.replaces, label: key.label }, now);
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw new DomainError('conflict', `this public key is already enrolled (key ${keyId})`, { field: 'publicKey' });
    throw e;
  }
  return key;
}

/** Whether the principal is an officer of a unit strictly above `unitId`: the office, or a committee of an ancestor. */
function isOfficerAbove(principal: Principal, ancestors: readonly string[]): boolean {
  return principal.grants.some((g) => g.role === 'office' || (g.role === 'committee' && g.unitId !== null && ancestors.includes(g.unitId)));
}

async function decidable(db: Db, principal: Principal, keyId: string, what: string): Promise<{ key: UnitKey; ancestors: string[] }> {
  const key = await findUnitKey(db, keyId);
  if (!key) throw notFound('key', keyId, 'keyId');
  const ancestors = await unitAncestors(db, key.unitId);
  if (!isOfficerAbove(principal, ancestors)) {
    throw new DomainError('forbidden', `only an officer of a unit above '${key.unitId}' (the office, or a committee of one of its ancestors) may ${what} its keys`);
  }
  return { key, ancestors };
}

/** Appends a key entry to the log of every open discussion (inside the caller's transaction). */
async function logKeyEvent(trx: Db, fields: Parameters<typeof keyEntry>[0], now: string): Promise<void> {
  await appendToEveryLog(trx, keyEntry(fields), now);
}

async function transition(trx: Db, key: UnitKey, from: KeyState, to: KeyState, decided: { at: string; by: string; reason: string | null }): Promise<void> {
  if (!(await setUnitKeyState(trx, key.keyId, from, to, decided))) {
    const now = await findUnitKey(trx, key.keyId);
    throw new DomainError('conflict', `key ${key.keyId} is ${now?.state ?? 'gone'}, not ${from}`, { field: 'keyId' });
  }
}

export async function approveKey(db: Db, actor: Actor, keyId: string, reason: string | null, now: string): Promise<UnitKey> {
  const { key } = await decidable(db, actor.principal, keyId, 'approve');
  const decided = { at: now, by: who(actor.principal), reason };
  await db.transaction().execute(async (trx) => {
    await transition(trx, key, 'pending', 'active', decided);
    if (key.replaces) await transition(trx, { ...key, keyId: key.replaces }, 'active', 'replaced', { ...decided, reason: `replaced by ${key.keyId}` });
    const approvedBy = logId(actor.principal);
    await logKeyEvent(
      trx,
      key.replaces
        ? { action: 'rotate', keyId: key.keyId, unitId: key.unitId, publicKey: key.publicKey, replaces: key.replaces, approvedBy }
        : { action: 'enrol', keyId: key.keyId, unitId: key.unitId, publicKey: key.publicKey, approvedBy },
      now,
    );
    await recordAudit(trx, actor, 'key.approve', `key:${keyId}`, { unitId: key.unitId, replaces: key.replaces, reason }, now);
  });
  return (await findUnitKey(db, keyId))!;
}

export async function refuseKey(db: Db, actor: Actor, keyId: string, reason: string, now: string): Promise<UnitKey> {
  const { key } = await decidable(db, actor.principal, keyId, 'refuse');
  await db.transaction().execute(async (trx) => {
    await transition(trx, key, 'pending', 'refused', { at: now, by: who(actor.principal), reason });
    await recordAudit(trx, actor, 'key.refuse', `key:${keyId}`, { unitId: key.unitId, reason }, now);
  });
  return (await findUnitKey(db, keyId))!;
}

/** Revoked by an officer above, or by the unit's own secretary (a lost phone). */
export async function revokeKey(db: Db, actor: Actor, keyId: string, reason: string, now: string): Promise<UnitKey> {
  const key = await findUnitKey(db, keyId);
  if (!key) throw notFound('key', keyId, 'keyId');
  const ancestors = await unitAncestors(db, key.unitId);
  const ownSecretary = actor.principal.grants.some((g) => g.role === 'secretary' && g.unitId === key.unitId);
  if (!ownSecretary && !isOfficerAbove(actor.principal, ancestors)) {
    throw new DomainError('forbidden', `only the secretary of '${key.unitId}' or an officer of a unit above it may revoke its keys`);
  }
  await db.transaction().execute(async (trx) => {
    await transition(trx, key, 'active', 'revoked', { at: now, by: who(actor.principal), reason });
    await logKeyEvent(trx, { action: 'revoke', keyId, unitId: key.unitId, approvedBy: logId(actor.principal) }, now);
    await recordAudit(trx, actor, 'key.revoke', `key:${keyId}`, { unitId: key.unitId, reason }, now);
  });
  return (await findUnitKey(db, keyId))!;
}

/** The keys a principal may see: the office all; a committee its subtree; a secretary her unit's. */
export async function listKeys(db: Db, principal: Principal, filter: { unitId?: string | undefined; state?: KeyState | undefined }): Promise<UnitKey[]> {
  const keys = await listUnitKeys(db, { ...(filter.unitId ? { unitIds: [filter.unitId] } : {}), ...(filter.state ? { state: filter.state } : {}) });
  if (principal.grants.some((g) => g.role === 'office')) return keys;
  const paths = ancestorsOf(await listUnits(db));
  return keys.filter((k) => mayActOnUnit(principal, 'key:read', k.unitId, paths.get(k.unitId)?.ancestors ?? []));
}

/** The id a log entry names an approver by: opaque (a token's or account's id), never a name. */
function logId(p: Principal): string {
  const id = `${p.kind}:${p.id}`.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 64);
  return /^[A-Za-z0-9]/.test(id) ? id : `x${id.slice(0, 63)}`;
}
