import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import type { Db } from '../storage/db.ts';
import { listStatuses, upsertMembers, type MemberRow } from '../storage/members.repository.ts';
import { listUnits } from '../storage/units.repository.ts';
import { csvError, csvRowBatches, ID_RULE, requireField, type CsvRow } from './csv.ts';
import type { ImportResult, Progress } from './import-units.ts';

export const MEMBERS_HEADER = ['id', 'unit_id', 'name', 'email', 'status'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Imports the member roll from CSV `id,unit_id,name,email,status`. All or nothing, idempotent (upsert by id). A member
 * belongs to exactly one unit; the status must be one the organization has configured (voting or not).
 * Names and emails are personal data: they are stored, never echoed in errors beyond the offending line's own field.
 *
 * The file is read twice, as it is parsed, never held as rows (services/csv.ts `csvRowBatches`): first every row is
 * checked — so a refused file writes nothing, and the progress knows how many rows there are — keeping only the ids
 * seen (for duplicates); then read again and written 20,000 rows at a time. A 2,000,000-row roll held as rows took
 * some 2 GB more memory at its peak; read this way, about none beyond the file's text.
 */
export async function importMembersCsv(db: Db, text: string, now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  return importMembers(db, () => csvRowBatches(text, MEMBERS_HEADER), now, onProgress, actor);
}

/** The same, from rows already split into fields (the demo and the bench build their roll this way). */
export async function importMemberRows(db: Db, rows: readonly CsvRow[], now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  return importMembers(db, () => [rows], now, onProgress, actor);
}

/** Rows in batches, read afresh each time it is called. */
type RowSource = () => Iterable<readonly CsvRow[]> | AsyncIterable<readonly CsvRow[]>;

async function importMembers(db: Db, source: RowSource, now: string, onProgress: Progress | undefined, actor: Actor): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    const units = new Set((await listUnits(trx)).map((u) => u.id));
    const statuses = new Set((await listStatuses(trx)).map((s) => s.status));
    // 1. Every row checked, in file order; nothing kept but each id's first line. The ids already on the roll are
    // counted meanwhile, before anything is written (counted between writes, against a table growing in the same
    // transaction, PostgreSQL planned each count as a scan of the table: 22 s of a 2,000,000-row import).
    let seen: Map<string, number> | undefined = new Map();
    let existing = 0;
    let ids: string[] = [];
    for await (const batch of source()) {
      for (const row of batch) {
        ids.push(memberOf(row, units, statuses, seen).id);
        if (ids.length === COUNT_STEP) {
          existing += await countExisting(trx, ids);
          ids = [];
        }
      }
    }
    existing += await countExisting(trx, ids);
    ids = [];
    const total = seen.size;
    seen = undefined;
    if (total === 0) onProgress?.(0, 0);
    // 2. Read again and written (the same rows: they passed above).
    const step = 20000;
    let done = 0;
    let pending: MemberRow[] = [];
    const write = async () => {
      await upsertMembers(trx, pending, now);
      done += pending.length;
      pending = [];
      onProgress?.(done, total);
    };
    for await (const batch of source()) {
      for (const row of batch) {
        pending.push(memberOf(row, units, statuses));
        if (pending.length === step) await write();
      }
    }
    if (pending.length) await write();
    const result = { rows: total, created: total - existing, updated: existing };
    // Counts only: names and emails are personal data and stay out of the log.
    await recordAudit(trx, actor, 'members.import', 'members', result, now);
    return result;
  });
}

/** One row as a member, or the csv_invalid error naming its line and column; given `seen`, a duplicate id is refused. */
function memberOf(row: CsvRow, units: ReadonlySet<string>, statuses: ReadonlySet<string>, seen?: Map<string, number>): MemberRow {
  const id = requireField(row, 'id', ID_RULE);
  if (seen) {
    const first = seen.get(id);
    if (first !== undefined) throw csvError(row, 'id', `duplicate member id '${id}' (first on line ${first})`);
    seen.set(id, row.line);
  }
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
}

const COUNT_STEP = 5000;

/** How many of `ids` (at most `COUNT_STEP`) are on the roll already. */
async function countExisting(db: Db, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .selectFrom('members')
    .where('id', 'in', ids)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

