import { randomBytes } from 'node:crypto';
import type { Actor, AuditAction, AuditEvent } from '../domain/audit.ts';
import { formatGrants, parseGrants, type Role } from '../domain/policy.ts';
import type { Db } from './db.ts';
import { dbOf, rowSource, write, type ColumnType, type WriteGroup } from './batch.ts';

/**
 * Event ids sort in the order events were recorded: milliseconds, then a per-process counter, then randomness (two
 * processes in the same millisecond still get distinct ids).
 */
let counter = 0;
function nextEventId(random: string = randomBytes(6).toString('hex')): string {
  counter = (counter + 1) % 1_679_616;
  return `${Date.now().toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${random}`;
}

/** Appends one event, in the caller's transaction: the change and its record commit together or not at all. */
export async function recordAudit(db: Db, actor: Actor, action: AuditAction, target: string, detail: Record<string, unknown>, now: string): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: nextEventId(),
      at: now,
      actor_kind: actor.principal.kind,
      actor_id: actor.principal.id,
      // The roles the actor held when acting, as `committee@d11,secretary@b1` (the column predates several roles).
      actor_role: formatGrants(actor.principal.grants),
      actor_unit_id: null,
      address: actor.address,
      action,
      target,
      detail: JSON.stringify(detail),
    })
    .execute();
}

/** Appends many events in one statement (a report batch), in the caller's transaction, or its group's; ids in the order given. */
export async function recordAudits(
  target: Db | WriteGroup,
  events: ReadonlyArray<{ actor: Actor; action: AuditAction; target: string; detail: Record<string, unknown>; now: string }>,
): Promise<void> {
  if (!events.length) return;
  const random = randomBytes(6 * events.length).toString('hex');
  const rows = events.map((e, i) => [
    nextEventId(random.slice(12 * i, 12 * i + 12)), e.now, e.actor.principal.kind, e.actor.principal.id, formatGrants(e.actor.principal.grants), null, e.actor.address, e.action, e.target, JSON.stringify(e.detail),
  ]);
  for (const part of rowSource(dbOf(target), Array<ColumnType>(10).fill('text'), rows)) {
    await write(target, `insert into audit_events (id, at, actor_kind, actor_id, actor_role, actor_unit_id, address, action, target, detail) ${part.text}`, part.params);
  }
}

/** Events in the order they happened, after a cursor (the last event's `at` and `id`). */
export async function listAuditEvents(db: Db, opts: { after?: { at: string; id: string } | undefined; limit: number }): Promise<AuditEvent[]> {
  let q = db.selectFrom('audit_events').selectAll();
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('at', '>', after.at), eb.and([eb('at', '=', after.at), eb('id', '>', after.id)])]));
  const rows = await q.orderBy('at').orderBy('id').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: { kind: r.actor_kind as AuditEvent['actor']['kind'], id: r.actor_id, grants: r.actor_unit_id === null ? parseGrants(r.actor_role) : [{ role: r.actor_role as Role, unitId: r.actor_unit_id }], address: r.address },
    action: r.action as AuditAction,
    target: r.target,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
