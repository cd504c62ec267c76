/**
 * Reading the roll's CSV files: header checked, every error named by line and column. Lines are the file's physical
 * lines (1 = the header), as a spreadsheet shows them.
 */
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
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(normalized, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number; column?: number };
    const line = err.lines ?? 0;
    // csv-parse quotes the offending cell's value; a cell may hold personal data, so keep only the rule.
    const rule = err.message.replace(/,? value is ".*$/s, '').replace(/ at line \d+/, '');
    const column = typeof err.column === 'number' ? err.column + 1 : undefined;
    throw new DomainError('csv_invalid', `line ${line}${column ? `, column ${column}` : ''}: ${rule}`, { location: { line, ...(column ? { column } : {}) } });
  }
  // info.lines is where a record ends; a record with line breaks inside quoted cells started that many lines earlier.
  const rows = records
    .map(({ record, info }) => ({ record, line: info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0) }))
    .filter(({ record }) => record.some((cell) => cell.trim() !== ''));
  const first = rows[0];
  if (!first) throw new DomainError('csv_invalid', `line 1: the file is empty; expected the header ${header.join(',')}`, { location: { line: 1 } });
  const got = first.record.map((h) => h.trim().toLowerCase());
  header.forEach((h, i) => {
    if (got[i] !== h) {
      throw new DomainError('csv_invalid', `line ${first.line}, column ${i + 1}: expected header '${h}', found '${got[i] ?? ''}' (the header must be ${header.join(',')})`, {
        field: h,
        location: { line: first.line, column: i + 1 },
      });
    }
  });
  if (got.length > header.length) {
    throw new DomainError('csv_invalid', `line ${first.line}, column ${header.length + 1}: unexpected column '${got[header.length]}' (the header must be ${header.join(',')})`, {
      location: { line: first.line, column: header.length + 1 },
    });
  }
  return rows.slice(1).map(({ record, line }) => {
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
  });
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
