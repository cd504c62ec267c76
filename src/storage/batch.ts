import { CompiledQuery, type QueryResult } from 'kysely';
import { isPostgres, type Db } from './db.ts';

/** Multi-row statements in chunks that stay under both engines' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535). */
export function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30000 / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Runs SQL written with `?` placeholders (numbered `$1…` for PostgreSQL here) without Kysely's builder: the set-based
 * statements of a report batch have hundreds of parameters, and building them node by node would cost more than
 * running them. Portable SQL only; the text must hold no `?` other than placeholders.
 */
export async function runSql<R = unknown>(db: Db, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  let compiled = text;
  if (isPostgres(db)) {
    let n = 0;
    compiled = text.replace(/\?/g, () => `$${++n}`);
  }
  return db.executeQuery<R>(CompiledQuery.raw(compiled, params as unknown[]));
}

/**
 * `(?, ?, …), (?, ?, …)`: `rows` groups of `columns` placeholders, for a multi-row VALUES list (`first` in place of
 * the first group). Remembered: a batch asks for the same few shapes again and again.
 */
export function placeholders(rows: number, columns: number, first?: string): string {
  const key = `${rows},${columns},${first ?? ''}`;
  let text = shapes.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    const rest = Array.from({ length: first === undefined ? rows : rows - 1 }, () => row);
    text = (first === undefined ? rest : [first, ...rest]).join(', ');
    if (shapes.size > 2000) shapes.clear();
    shapes.set(key, text);
  }
  return text;
}
const shapes = new Map<string, string>();

/** `(?, ?, …)` for an IN list of `n` values. */
export const inList = (n: number): string => `(${Array.from({ length: n }, () => '?').join(', ')})`;
