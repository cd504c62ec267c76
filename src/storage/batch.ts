import { CompiledQuery, type QueryResult } from 'kysely';
import { isPostgres, preparedOnPostgres, type Db } from './db.ts';

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
 * running them. Portable SQL only; the text must hold no `?` other than placeholders. On PostgreSQL the text is run as
 * a prepared statement (db.ts `preparedOnPostgres`): callers keep texts few and fixed — row sources and id lists as
 * arrays (`rowSource`, `oneOf`), never values spelled into the text.
 */
export async function runSql<R = unknown>(db: Db, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  let compiled = text;
  if (isPostgres(db)) {
    let n = 0;
    compiled = text.replace(/\?/g, () => `$${++n}`);
    preparedOnPostgres(compiled);
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

/** A column's type in a row source (`rowSource`): what PostgreSQL's arrays are cast to. */
export type ColumnType = 'text' | 'integer';

/** One statement's share of a row source: the SQL to put in place, and its parameters. */
export interface RowsPart {
  text: string;
  params: unknown[];
}

/**
 * `rows` (each one value per column of `types`) as the row source of multi-row statements — `insert into t (…) TEXT`
 * or `with v (…) as (TEXT) update …` — one part per statement:
 * - PostgreSQL: the rows as one JSON parameter, an array of arrays, taken apart by the server
 *   (`select cast(r->>0 as text), … from jsonb_array_elements(cast(? as jsonb)) as r`): one parameter whatever the
 *   number of rows, so one part, and a statement PostgreSQL parses and plans in the same time for 10 rows or 1,000 — a
 *   VALUES list of hundreds of rows costs it more to plan than to run. (One array parameter per column, unnested, was
 *   the way before: node-postgres writes array literals in JavaScript, escaping each element — a twelfth of a logged
 *   batch's time on the log entries' quotes alone; JSON.stringify is native.)
 * - SQLite: a VALUES list, in as many parts as its parameter limit needs; with `pad`, each part padded with rows of
 *   nulls up to one of a few sizes (`padRows`), so the statement cache keeps a few compiled shapes — for a source
 *   joined on its first column only (a null matches nothing), never for an insert.
 */
export function rowSource(db: Db, types: readonly ColumnType[], rows: ReadonlyArray<readonly unknown[]>, opts: { pad?: boolean } = {}): RowsPart[] {
  if (!rows.length) return [];
  if (isPostgres(db)) {
    const columns = types.map((t, c) => `cast(r->>${c} as ${t})`).join(', ');
    return [{ text: `select ${columns} from jsonb_array_elements(cast(? as jsonb)) as r`, params: [JSON.stringify(rows)] }];
  }
  return chunks(rows, types.length).map((chunk) => {
    // A plain loop: `chunk.flat()` took ten times as long (~190 µs for 250 rows of 10 values), a few µs a report.
    const params: unknown[] = [];
    for (const row of chunk) for (let c = 0; c < row.length; c++) params.push(row[c]);
    const size = opts.pad ? padRows(params, chunk.length, types.length) : chunk.length;
    return { text: `values ${placeholders(size, types.length)}`, params };
  });
}

/**
 * Pads a VALUES list's parameters with rows of nulls up to one of a few sizes — 8, 10, 12, 14, 16, 20, 24, 28, 32, 40,
 * …: at most an eighth more rows, and few distinct statements, so SQLite's statement cache keeps them compiled instead
 * of compiling a new one for every batch. The padded row count.
 */
export function padRows(params: unknown[], rows: number, columns: number): number {
  let size = 8;
  while (size < rows) size += 2 ** Math.max(1, Math.floor(Math.log2(size)) - 2);
  for (let i = rows * columns; i < size * columns; i++) params.push(null);
  return size;
}

/**
 * "Is one of `values`" for a text column, as the parts of as few statements as the engine allows: `column TEXT`. On
 * PostgreSQL one part, `= any(cast(? as text[]))`: one parameter, bound and planned alike for 5 values or 500 (an IN
 * list of a hundred took PostgreSQL longer to bind than to run); on SQLite `in (?, ?, …)` in chunks under its
 * parameter limit. No part for no values.
 */
export function oneOf(db: Db, values: readonly string[]): RowsPart[] {
  if (!values.length) return [];
  if (isPostgres(db)) return [{ text: '= any(cast(? as text[]))', params: [values] }];
  return chunks(values, 3).map((chunk) => ({ text: `in ${inList(chunk.length)}`, params: chunk }));
}

/** `(?, ?, …)` for an IN list of `n` values. */
export const inList = (n: number): string => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * Statements whose results nobody reads (a report batch's inserts and updates), gathered so that PostgreSQL runs them
 * together with the next statement whose rows are wanted (`flush`): one statement, `with w0 as (…), w1 as (…), f as
 * (THAT) select * from f`, one round trip where there were one per statement — and round trips, not PostgreSQL's work,
 * were most of a batch's time (on this machine a loopback write that wakes the server costs a third of a millisecond).
 * Data-modifying WITH parts all run, each once, on the statement's snapshot: so only statements that do not read each
 * other's rows are gathered (inserts into different tables, the tally rows' update, the entries' insert). SQLite runs
 * each statement as it comes (`write`): no round trips to save, and no data-modifying WITH.
 */
export class WriteGroup {
  private parts: RowsPart[] = [];
  constructor(readonly db: Db) {}

  /** Runs `text` now (SQLite) or with the next `flush` (PostgreSQL). */
  async write(text: string, params: readonly unknown[]): Promise<void> {
    if (isPostgres(this.db)) this.parts.push({ text, params: [...params] });
    else await runSql(this.db, text, params);
  }

  /**
   * Runs what was gathered, and `last` (a SELECT, or a statement with RETURNING) after it: the rows of `last`, or none.
   * `last` may lock rows (`for update`): it still sees the rows as they were before the gathered statements.
   */
  async flush<R>(last?: RowsPart): Promise<R[]> {
    const parts = this.parts;
    this.parts = [];
    if (!parts.length) return last ? (await runSql<R>(this.db, last.text, last.params)).rows : [];
    const ctes = parts.map((p, i) => `w${i} as (${p.text})`);
    const text = last ? `with ${ctes.join(', ')}, f as (${last.text}) select * from f` : `with ${ctes.join(', ')} select 1`;
    const params = [...parts.flatMap((p) => p.params), ...(last?.params ?? [])];
    const { rows } = await runSql<R>(this.db, text, params);
    return last ? rows : [];
  }
}

/** A statement run at once on `db`, or gathered by the group (`WriteGroup.write`). */
export async function write(target: Db | WriteGroup, text: string, params: readonly unknown[]): Promise<void> {
  if (target instanceof WriteGroup) await target.write(text, params);
  else await runSql(target, text, params);
}

/** The database a target writes to. */
export const dbOf = (target: Db | WriteGroup): Db => (target instanceof WriteGroup ? target.db : target);
