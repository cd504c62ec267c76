import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import type { Db } from '../storage/db.ts';
import { listStatuses, upsertMembers, type MemberRow } from '../storage/members.repository.ts';
import { listUnits } from '../storage/units.repository.ts';
import { csvError, ID_RULE, readCsv, requireField, type CsvRow } from './csv.ts';
import type { ImportResult, Progress } from './import-units.ts';

export const MEMBERS_HEADER = ['id', 'unit_id', 'name', 'email', 'status'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Imports the member roll from CSV `id,unit_id,name,email,status`. All or nothing, idempotent (upsert by id). A member
 * belongs to exactly one unit; the status must be one the organization has configured (voting or not).
 * Names and emails are personal data: they are stored, never echoed in errors beyond the offending line's own field.
 */
export async function importMembersCsv(db: Db, text: string, now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  const rows = readCsv(text, MEMBERS_HEADER);
  return importMemberRows(db, rows, now, onProgress, actor);
}

/** The same, from rows already split into fields (the demo and the bench build their roll this way). */
export async function importMemberRows(db: Db, rows: readonly CsvRow[], now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    const units = new Set((await listUnits(trx)).map((u) => u.id));
    const statuses = new Set((await listStatuses(trx)).map((s) => s.status));
    const seen = new Map<string, number>();
    const members: MemberRow[] = rows.map((row) => {
      const id = requireField(row, 'id', ID_RULE);
      const first = seen.get(id);
      if (first !== undefined) throw csvError(row, 'id', `duplicate member id '${id}' (first on line ${first})`);
      seen.set(id, row.line);
      const unitId = requireField(row, 'unit_id', ID_RULE);
      if (!units.has(unitId)) throw csvError(row, 'unit_id', `unknown unit '${unitId}' (import the units first)`);
      const name = requireField(row, 'name');
      if (name.length > 300) throw csvError(row, 'name', 'name is longer than 300 characters');
      const email = row.values.email ?? '';
      if (email && (!EMAIL.test(email) || email.length > 320)) throw csvError(row, 'email', 'email is not a valid address');
      const status = requireField(row, 'status');
      if (!statuses.has(status)) {
        throw csvError(row, 'status', `unknown status '${status.slice(0, 40)}'; configured statuses: ${[...statuses].join(', ')} (add one with 'plenum status set NAME --voting|--non-voting')`);
      }
      return { id, unitId, name, email, status };
    });
    if (!members.length && rows.length === 0) onProgress?.(0, 0);
    const existing = await countExisting(trx, members.map((m) => m.id));
    const step = 20000;
    for (let i = 0; i < members.length; i += step) {
      await upsertMembers(trx, members.slice(i, i + step), now);
      onProgress?.(Math.min(i + step, members.length), members.length);
    }
    const result = { rows: members.length, created: members.length - existing, updated: existing };
    // Counts only: names and emails are personal data and stay out of the log.
    await recordAudit(trx, actor, 'members.import', 'members', result, now);
    return result;
  });
}

async function countExisting(db: Db, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const r = await db
      .selectFrom('members')
      .where('id', 'in', ids.slice(i, i + 5000))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    n += Number(r.n);
  }
  return n;
}

