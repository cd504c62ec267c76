/**
 * A small CSV reader for the import page's preview and for showing where the server found an error. It counts lines
 * the way the server does (src/services/csv.ts: line endings made \n, 1 = the header, a record's line is the line it
 * starts on) and remembers where each field lies in the text, so the offending cell can be marked.
 */
export interface CsvField {
  value: string;
  /** Offsets into the normalized text: [start, end). */
  start: number;
  end: number;
}
export interface CsvRecord {
  /** The physical line the record starts on (1-based). */
  line: number;
  start: number;
  end: number;
  fields: CsvField[];
}

/** Line endings as the server reads them, and no byte-order mark. */
export const normalizeCsv = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

/**
 * Reads records from normalized text. `maxRecords` stops early (a preview); blank records are kept (the caller
 * decides). Lenient: a stray quote is taken as text, as a preview should not fail where the server will explain.
 */
export function parseCsv(text: string, maxRecords = Infinity): { records: CsvRecord[]; complete: boolean } {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n && records.length < maxRecords) {
    const rec: CsvRecord = { line, start: i, end: i, fields: [] };
    for (;;) {
      const start = i;
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) break;
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        // Anything after the closing quote up to the delimiter is kept as text.
        while (i < n && text[i] !== ',' && text[i] !== '\n') value += text[i++];
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n') i++;
        value = text.slice(from, i);
      }
      rec.fields.push({ value, start, end: i });
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    rec.end = i;
    records.push(rec);
    if (i < n && text[i] === '\n') {
      i++;
      line++;
    }
  }
  return { records, complete: i >= n };
}

export const isBlankRecord = (r: CsvRecord) => r.fields.every((f) => f.value.trim() === '');

/** The lines of the normalized text, 1-based: `lineText(text, 3)`. */
export function lineAt(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  if (start > text.length) return undefined;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

export const UNITS_HEADER = ['id', 'parent_id', 'name', 'kind'] as const;
export const MEMBERS_HEADER = ['id', 'unit_id', 'name', 'email', 'status'] as const;
