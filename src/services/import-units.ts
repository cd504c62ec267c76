import { checkUnitTree } from '../domain/unit-tree.ts';
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { lockUnitTree, type Db } from '../storage/db.ts';
import { listUnits, upsertUnits, type UnitRow } from '../storage/units.repository.ts';
import { csvError, ID_RULE, readCsv, requireField } from './csv.ts';

export const UNITS_HEADER = ['id', 'parent_id', 'name', 'kind'] as const;

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
}

export type Progress = (done: number, total: number) => void;

/**
 * Imports the unit tree from CSV `id,parent_id,name,kind`. All or nothing: every row is checked, and the tree as it
 * will stand afterwards, before anything is written. Re-importing upserts (same id: new parent, name, kind).
 */
export async function importUnitsCsv(db: Db, text: string, now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  const rows = readCsv(text, UNITS_HEADER);
  const units: Array<UnitRow & { line: number }> = rows.map((row) => {
    const id = requireField(row, 'id', ID_RULE);
    const parentRaw = row.values.parent_id ?? '';
    if (parentRaw && !ID_RULE.pattern.test(parentRaw)) throw csvError(row, 'parent_id', `parent_id '${parentRaw.slice(0, 80)}' ${ID_RULE.says}`);
    const name = requireField(row, 'name');
    if (name.length > 500) throw csvError(row, 'name', 'name is longer than 500 characters');
    const kind = requireField(row, 'kind');
    if (kind.length > 100) throw csvError(row, 'kind', 'kind is longer than 100 characters');
    return { line: row.line, id, parentId: parentRaw || null, name, kind };
  });
  return importUnits(db, units, now, onProgress, actor);
}

/** The same, from rows already read (the demo and the bench build their organization this way). */
export async function importUnits(db: Db, units: ReadonlyArray<UnitRow & { line: number }>, now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<ImportResult> {
  return db.transaction().execute(async (trx) => {
    await lockUnitTree(trx);
    const existing = new Map((await listUnits(trx)).map((u) => [u.id, u.parentId]));
    checkUnitTree(existing, units);
    const created = units.filter((u) => !existing.has(u.id)).length;
    const step = 5000;
    for (let i = 0; i < units.length; i += step) {
      await upsertUnits(trx, units.slice(i, i + step), now);
      onProgress?.(Math.min(i + step, units.length), units.length);
    }
    if (!units.length) onProgress?.(0, 0);
    const result = { rows: units.length, created, updated: units.length - created };
    await recordAudit(trx, actor, 'units.import', 'units', result, now);
    return result;
  });
}
