/**
 * Reading the roll's CSV files: header checked, every error named by line and column. Lines are the file's physical
 * lines (1 = the header), as a spreadsheet shows them.
 */
import { parse } from 'csv-parse/sync';
import { DomainError } from '../domain/errors.ts';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
  header: readonly string[];
}

export function readCsv(text: string, header: readonly string[]): CsvRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number; column?: number };
    const line = err.lines ?? 0;
    throw new DomainError('csv_invalid', `line ${line}: ${err.message.replace(/^Invalid [^:]+:\s*/, '')}`, { location: { line } });
  }
  const first = records[0];
  if (!first) throw new DomainError('csv_invalid', `line 1: the file is empty; expected the header ${header.join(',')}`, { location: { line: 1 } });
  const got = first.record.map((h) => h.trim().toLowerCase());
  header.forEach((h, i) => {
    if (got[i] !== h) {
      throw new DomainError('csv_invalid', `line ${first.info.lines}, column ${i + 1}: expected header '${h}', found '${got[i] ?? ''}' (the header must be ${header.join(',')})`, {
        field: h,
        location: { line: first.info.lines, column: i + 1 },
      });
    }
  });
  if (got.length > header.length) {
    throw new DomainError('csv_invalid', `line ${first.info.lines}, column ${header.length + 1}: unexpected column '${got[header.length]}' (the header must be ${header.join(',')})`, {
      location: { line: first.info.lines, column: header.length + 1 },
    });
  }
  return records.slice(1).map(({ record, info }) => {
    if (record.length !== header.length) {
      throw new DomainError('csv_invalid', `line ${info.lines}: expected ${header.length} fields (${header.join(',')}), found ${record.length}`, {
        location: { line: info.lines, column: Math.min(record.length, header.length) + 1 },
      });
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = record[i]!.trim()));
    return { line: info.lines, values, header };
  });
}

/** A field's value, or a csv_invalid error naming the line and column when it breaks the rule. */
export function requireField(row: CsvRow, column: string, rule?: { pattern: RegExp; says: string }): string {
  const v = row.values[column] ?? '';
  if (!v) throw csvError(row, column, `missing ${column}`);
  if (rule && !rule.pattern.test(v)) throw csvError(row, column, `${column} '${v.slice(0, 80)}' ${rule.says}`);
  return v;
}

export function csvError(row: CsvRow, column: string, message: string): DomainError {
  const n = row.header.indexOf(column) + 1;
  return new DomainError('csv_invalid', `line ${row.line}, column ${n} (${column}): ${message}`, { field: column, location: { line: row.line, column: n } });
}

export const ID_RULE = { pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, says: 'is not a valid id (letters, digits, _ . : -, at most 64)' };
