import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.ts';
import { csvRowBatches, readCsv, type CsvRow } from '../../src/services/csv.ts';

const H = ['id', 'parent_id', 'name', 'kind'] as const;
const fail = (text: string): DomainError => {
  try {
    readCsv(text, H);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('reading CSV', () => {
  it('numbers rows by the physical line they start on, whatever the line endings and quoted line breaks', () => {
    const text = '\uFEFFid,parent_id,name,kind\r\na,,"Line one\r\nline two",national\r\n\r\nb,a,B,region\r\n   \r\nc,a,"x\ny\nz",region\nd,a,D,branch\n\n';
    expect(readCsv(text, H).map((r) => [r.values.id, r.line])).toEqual([
      ['a', 2],
      ['b', 5],
      ['c', 7],
      ['d', 10],
    ]);
    expect(readCsv(text, H)[0]!.values.name).toBe('Line one\nline two');
  });

  it('names the line and column of a malformed row without quoting its cells', () => {
    const e = fail('id,parent_id,name,kind\na,,Secret "Anna" Name,national\n');
    expect(e.code).toBe('csv_invalid');
    expect(e.message).toMatch(/^line 2, column 3: /);
    expect(e.message).not.toMatch(/Anna/);
    expect(fail('id,parent_id,name,kind\na,,"unclosed,national\n').message).toMatch(/^line \d+/);
  });

  it('refuses a wrong or missing header and a wrong field count', () => {
    expect(fail('').message).toMatch(/line 1: the file is empty/);
    expect(fail('id,name\n').location).toEqual({ line: 1, column: 2 });
    expect(fail('id,parent_id,name,kind,extra\n').location).toEqual({ line: 1, column: 5 });
    expect(fail('id,parent_id,name,kind\n\na,,A\n').location).toEqual({ line: 3, column: 4 });
  });
});

/** `csvRowBatches`'s rows end to end, or its refusal. */
async function streamed(text: string, sliceChars?: number): Promise<CsvRow[] | DomainError> {
  const rows: CsvRow[] = [];
  try {
    for await (const batch of csvRowBatches(text, H, sliceChars)) rows.push(...batch);
  } catch (e) {
    return e as DomainError;
  }
  return rows;
}

/** Each row's line as csv-parse itself tells where records end (its `info`), blank records dropped, header too. */
function linesByParser(text: string): number[] {
  const records = parse(text.replace(/\r\n?/g, '\n'), { bom: true, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return records
    .filter(({ record }) => record.some((c) => c.trim() !== ''))
    .map(({ record, info }) => info.lines - record.join('').split('\n').length + 1)
    .slice(1);
}

function whole(text: string): CsvRow[] | DomainError {
  try {
    return readCsv(text, H);
  } catch (e) {
    return e as DomainError;
  }
}

describe('reading CSV as it is parsed (csvRowBatches)', () => {
  const tricky = '\uFEFFid,parent_id,name,kind\r\na,,"Line one\r\nline two",national\r\n\r\nb,a,B,region\r\n   \r\nc,a,"x\ny\nz",region\nd,a,D,branch\n\n';

  it('gives the rows readCsv gives, however the text is sliced (line endings and quoted cells cut in two)', async () => {
    // The second: CR CR LF inside a quoted cell (two line breaks, not three, wherever a slice ends).
    for (const text of [tricky, 'id,parent_id,name,kind\n"\r",a," \r\r\n",""\n,"","","a"']) {
      for (const slice of [1, 2, 3, 5, 7, 13, 64, undefined]) expect(await streamed(text, slice), `slices of ${slice}`).toEqual(readCsv(text, H));
    }
  });

  it('refuses what readCsv refuses, with the same line and column', async () => {
    for (const text of [
      '',
      'id,name\n',
      'id,parent_id,name,kind,extra\n',
      'id,parent_id,name,kind\n\na,,A\n',
      'id,parent_id,name,kind\na,,Secret "Anna" Name,national\n',
      'id,parent_id,name,kind\na,,"unclosed,national\n',
      'id,parent_id,name,kind\na,,A\u0000,national\n',
    ]) {
      for (const slice of [3, undefined]) {
        const got = await streamed(text, slice);
        const want = whole(text) as DomainError;
        expect(got, JSON.stringify(text)).toMatchObject({ code: 'csv_invalid', message: want.message, location: want.location });
      }
    }
  });

  it('agrees with readCsv on any text — the same rows, or a refusal of both — and both with csv-parse on the lines', async () => {
    // Plain cells, quoted cells (holding commas, quotes and line breaks of every kind), and now and then a stray quote.
    const plain = fc.stringMatching(/^[a-c ]{0,4}$/);
    const quoted = fc.stringMatching(/^[a-c ,"\r\n]{0,6}$/).map((v) => `"${v.replace(/"/g, '""')}"`);
    const cell = fc.oneof({ arbitrary: plain, weight: 4 }, { arbitrary: quoted, weight: 2 }, { arbitrary: fc.constant('a"b'), weight: 1 });
    // Mostly rows of the header's four fields (so that many texts are valid), now and then of another count.
    const cells = fc.oneof({ arbitrary: fc.array(cell, { minLength: 4, maxLength: 4 }), weight: 6 }, { arbitrary: fc.array(cell, { minLength: 1, maxLength: 5 }), weight: 1 });
    const line = cells.map((c) => c.join(','));
    const text = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r')).map(([header, lines, eol]) =>
      [...(header ? ['id,parent_id,name,kind'] : []), ...lines].join(eol),
    );
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 9 }), async (t, slice) => {
        const want = whole(t);
        const got = await streamed(t, slice);
        if (Array.isArray(want)) {
          valid += want.length > 0 ? 1 : 0;
          expect(got).toEqual(want);
          // Lines counted from the records (empty lines included) are where csv-parse itself says they start.
          expect(want.map((r) => r.line)).toEqual(linesByParser(t));
        } else expect(got).toMatchObject({ code: 'csv_invalid' });
      }),
      { numRuns: 2000 },
    );
    // Not only refusals were compared.
    expect(valid).toBeGreaterThan(20);
  });
});
