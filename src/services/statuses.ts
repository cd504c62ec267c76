/** Member statuses: which ones vote. A change applies to discussions opened afterwards (open ones keep their roll). */
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import type { Db } from '../storage/db.ts';
import { listStatuses, upsertStatus, type MemberStatus } from '../storage/members.repository.ts';

export async function setStatus(db: Db, status: MemberStatus, now: string, actor: Actor = CONSOLE_ACTOR): Promise<MemberStatus> {
  return db.transaction().execute(async (trx) => {
    const before = (await listStatuses(trx)).find((s) => s.status === status.status);
    await upsertStatus(trx, status);
    await recordAudit(trx, actor, 'status.set', `status:${status.status}`, { before: before ? { votes: before.votes } : null, after: { votes: status.votes } }, now);
    return status;
  });
}

export { listStatuses as getStatuses };
