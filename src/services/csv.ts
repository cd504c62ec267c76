/**
 * Reading the roll's CSV files: header checked, every error named by line and column. Lines are the file's physical
 * lines (1 = the header), as a spreadsheet shows them.
 */
import { once } from 'node:events';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { DomainError } from '../domain/errors.ts';
import { isValidId } from '../domain/ids.ts';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
  header: readonly string[];
}

export function readCsv(text: string, header: readonly string[]): CsvRow[] {
  // One line ending throughout: csv-parse fixes the record delimiter from the first line, and a CRLF inside a quoted
  // cell would otherwise count as two lines and shift every later line number.
  const normalized = text.replace(/\r\n?/g, '\n');
  let records: ParsedRecord[];
  try {
    records = parse(normalized, PARSE_OPTIONS) as never;
  } catch (e) {
    throw parseError(e);
  }
  const reader = new RowReader(header);
  const rows: CsvRow[] = [];
  for (const r of records) {
    const row = reader.next(r);
    if (row) rows.push(row);
  }
  reader.end();
  return rows;
}

/**
 * The rows of `text` as `readCsv` gives them — the same rows, line numbers and errors — but read as they are parsed,
 * `sliceChars` of the text at a time, so that a file of millions of rows is never held as millions of objects at once
 * (the members import of a 2,000,000-row roll; services/import-members.ts). Rows come in batches of up to 1,000.
 */
export async function* csvRowBatches(text: string, header: readonly string[], sliceChars = 1 << 20): AsyncGenerator<CsvRow[]> {
  const parser = parseStream(PARSE_OPTIONS);
  const stop = new AbortController();
  // The text goes in a slice at a time, as the rows are taken out. A slice never ends in CR (it takes what follows
  // along), so that no line ending is normalized in two halves.
  const feed = (async () => {
    for (let at = 0; at < text.length && !stop.signal.aborted; ) {
      let end = Math.min(text.length, at + sliceChars);
      while (end < text.length && text.charCodeAt(end - 1) === 13) end++;
      const slice = text.slice(at, end).replace(/\r\n?/g, '\n');
      at = end;
      if (!parser.write(slice)) await once(parser, 'drain', { signal: stop.signal });
    }
    if (!stop.signal.aborted) parser.end();
  })().catch(() => undefined);
  const reader = new RowReader(header);
  try {
    let batch: CsvRow[] = [];
    try {
      for await (const r of parser as AsyncIterable<ParsedRecord>) {
        const row = reader.next(r);
        if (row) batch.push(row);
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
    } catch (e) {
      throw e instanceof DomainError ? e : parseError(e);
    }
    reader.end();
    if (batch.length) yield batch;
  } finally {
    stop.abort();
    parser.destroy();
    await feed;
  }
}

type ParsedRecord = string[];

/**
 * Empty lines are not skipped by the parser but come as records of one empty cell, so that every physical line is
 * some record's: a row's line is then counted here (`RowReader`), without csv-parse's per-record `info` objects, which
 * took half of its time (13.5 s of a 2,000,000-row roll's parse against 6 s).
 */
const PARSE_OPTIONS = { bom: true, relax_column_count: true } as const;

/** csv-parse's error as ours, naming the line and column; a cell may hold personal data, so only the rule is kept. */
function parseError(e: unknown): DomainError {
  const err = e as { message: string; lines?: number; column?: number };
  const line = err.lines ?? 0;
  // csv-parse quotes the offending cell's value: dropped.
  const rule = err.message.replace(/,? value is ".*$/s, '').replace(/ at line \d+/, '');
  const column = typeof err.column === 'number' ? err.column + 1 : undefined;
  return new DomainError('csv_invalid', `line ${line}${column ? `, column ${column}` : ''}: ${rule}`, { location: { line, ...(column ? { column } : {}) } });
}

/** Parsed records in, rows out: the header checked first, each row's field count and cells after it. */
class RowReader {
  private headerSeen = false;
  /** The physical line the next record starts on. */
  private line = 1;
  constructor(private readonly header: readonly string[]) {}

  /** The row of this record (undefined: the header, or a line of blank cells). */
  next(record: ParsedRecord): CsvRow | undefined {
    // A record takes its line, and one more for each line break inside its quoted cells.
    const line = this.line;
    this.line += 1 + lineBreaksIn(record);
    if (!record.some((cell) => cell.trim() !== '')) return undefined;
    const header = this.header;
    if (!this.headerSeen) {
      this.headerSeen = true;
      checkHeader(record, line, header);
      return undefined;
    }
    if (record.length !== header.length) {
      throw new DomainError('csv_invalid', `line ${line}: expected ${header.length} fields (${header.join(',')}), found ${record.length}`, {
        location: { line, column: Math.min(record.length, header.length) + 1 },
      });
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => {
      if (record[i]!.includes('\u0000')) {
        throw new DomainError('csv_invalid', `line ${line}, column ${i + 1} (${h}): contains a NUL character`, { field: h, location: { line, column: i + 1 } });
      }
      values[h] = record[i]!.trim();
    });
    return { line, values, header };
  }

  /** The end of the file: an empty one is refused. */
  end(): void {
    if (!this.headerSeen) throw new DomainError('csv_invalid', `line 1: the file is empty; expected the header ${this.header.join(',')}`, { location: { line: 1 } });
  }
}

function lineBreaksIn(record: readonly string[]): number {
  let n = 0;
  for (const cell of record) for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) n++;
  return n;
}

function checkHeader(record: readonly string[], line: number, header: readonly string[]): void {
  const got = record.map((h) => h.trim().toLowerCase());
  header.forEach((h, i) => {
    if (got[i] !== h) {
      throw new DomainError('csv_invalid', `line ${line}, column ${i + 1}: expected header '${h}', found '${got[i] ?? ''}' (the header must be ${header.join(',')})`, {
        field: h,
        location: { line, column: i + 1 },
      });
    }
  });
  if (got.length > header.length) {
    throw new DomainError('csv_invalid', `line ${line}, column ${header.length + 1}: unexpected column '${got[header.length]}' (the header must be ${header.join(',')})`, {
      location: { line, column: header.length + 1 },
    });
  }
}

/** A field's value, or a csv_invalid error naming the line and column when it breaks the rule. */
export function requireField(row: CsvRow, column: string, rule?: { pattern: { test(v: string): boolean }; says: string }): string {
  const v = row.values[column] ?? '';
  if (!v) throw csvError(row, column, `missing ${column}`);
  if (rule && !rule.pattern.test(v)) throw csvError(row, column, `${column} '${v.slice(0, 80)}' ${rule.says}`);
  return v;
}

export function csvError(row: CsvRow, column: string, message: string): DomainError {
  const n = row.header.indexOf(column) + 1;
  return new DomainError('csv_invalid', `line ${row.line}, column ${n} (${column}): ${message}`, { field: column, location: { line: row.line, column: n } });
}

export const ID_RULE = { pattern: { test: isValidId }, says: 'is not a valid id (letters, digits, _ . : -, at most 64, not a reserved word)' };
