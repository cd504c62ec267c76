import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.ts';
import { readCsv } from '../../src/services/csv.ts';

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
