import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/domain/errors.ts';
import { refusal } from '../support/refusal.ts';
import { importMembersCsv } from '../../src/services/import-members.ts';
import { importUnitsCsv } from '../../src/services/import-units.ts';
import { countMembers } from '../../src/storage/members.repository.ts';
import { listUnits } from '../../src/storage/units.repository.ts';
import { ENGINES, newStore, storePerTest } from '../support/engines.ts';
import { membersCsv, SMALL_TREE, T0 } from '../support/factories.ts';


describe.each(ENGINES)('roll imports on %s', (engine) => {
  const current = storePerTest(engine);

  it('imports a tree of any depth and re-imports idempotently (upsert)', async () => {
    expect(await importUnitsCsv(current().db, SMALL_TREE, T0)).toEqual({ rows: 16, created: 16, updated: 0 });
    const again = SMALL_TREE.replace('b9,d22,Empty branch,branch', 'b9,d21,Renamed branch,cell');
    expect(await importUnitsCsv(current().db, again, T0)).toEqual({ rows: 16, created: 0, updated: 16 });
    const b9 = (await listUnits(current().db)).find((u) => u.id === 'b9');
    expect(b9).toEqual({ id: 'b9', parentId: 'd21', name: 'Renamed branch', kind: 'cell' });
    const deep = ['id,parent_id,name,kind', 'x0,,Root,national', ...Array.from({ length: 30 }, (_, i) => `x${i + 1},x${i},Level ${i + 1},level`)].join('\n');
    const other = await newStore(engine);
    try {
      expect((await importUnitsCsv(other.db, deep, T0)).rows).toBe(31);
    } finally {
      await other.dispose();
    }
  });

  const cases: Array<[string, string, number, number | string, RegExp]> = [
    ['unknown parent', 'id,parent_id,name,kind\nroot,,R,national\na,root,A,region\nb,zz,B,branch\n', 4, 2, /unknown parent 'zz'/],
    ['a cycle', 'id,parent_id,name,kind\nroot,,R,national\na,c,A,region\nb,a,B,branch\nc,b,C,branch\n', 3, 2, /cycle/],
    ['a duplicate id', 'id,parent_id,name,kind\nroot,,R,national\na,root,A,region\na,root,A2,region\n', 4, 1, /duplicate id 'a' \(first on line 3\)/],
    ['two roots', 'id,parent_id,name,kind\nroot,,R,national\nroot2,,R2,national\n', 3, 2, /second root 'root2'/],
    ['a missing name', 'id,parent_id,name,kind\nroot,,R,national\na,root,,region\n', 3, 3, /missing name/],
    ['a missing field', 'id,parent_id,name,kind\nroot,,R,national\na,root,A\n', 3, 4, /expected 4 fields/],
    ['a bad id', 'id,parent_id,name,kind\nroot,,R,national\nhas space,root,A,region\n', 3, 1, /not a valid id/],
    ['a wrong header', 'id,parent,name,kind\nroot,,R,national\n', 1, 2, /expected header 'parent_id'/],
  ];
  it.each(cases)('refuses %s, naming line and column, and stores nothing', async (_name, csv, line, column, message) => {
    const e = await refusal(importUnitsCsv(current().db, csv, T0));
    expect(e.code).toBe('csv_invalid');
    expect(e.message).toMatch(message);
    expect(e.location).toEqual({ line, column });
    expect(e.message).toContain(`line ${line}`);
    expect(await listUnits(current().db)).toEqual([]);
  });

  it('refuses a second root against the existing tree', async () => {
    await importUnitsCsv(current().db, SMALL_TREE, T0);
    const e = await refusal(importUnitsCsv(current().db, 'id,parent_id,name,kind\nother,,Other,national\n', T0));
    expect(e.message).toMatch(/second root 'other' \(the organization's root is 'root'\)/);
    expect(await listUnits(current().db)).toHaveLength(16);
  });

  it('refuses a re-import that would make a cycle through existing units', async () => {
    await importUnitsCsv(current().db, SMALL_TREE, T0);
    const e = await refusal(importUnitsCsv(current().db, 'id,parent_id,name,kind\nr1,b1,Region One,region\n', T0));
    expect(e.message).toMatch(/cycle/);
    expect((await listUnits(current().db)).find((u) => u.id === 'r1')?.parentId).toBe('root');
  });

  it('imports members with voting and non-voting statuses, atomically', async () => {
    await importUnitsCsv(current().db, SMALL_TREE, T0);
    const r = await importMembersCsv(current().db, membersCsv(), T0);
    expect(r.rows).toBe(158 + 8);
    expect(await countMembers(current().db)).toEqual({ total: 166, voting: 158 });
    expect((await importMembersCsv(current().db, membersCsv(), T0)).updated).toBe(166);

    const bad = `${membersCsv([2])}m999,b1,X,x@example.org,honorary\n`;
    const e = await refusal(importMembersCsv(current().db, bad.replace(/^(.*\n)/, '$1'), T0));
    expect(e.message).toMatch(/line 5, column 5 \(status\): unknown status 'honorary'/);
    const e2 = await refusal(importMembersCsv(current().db, 'id,unit_id,name,email,status\nn1,b1,A,a@example.org,member\nn2,nowhere,B,,member\n', T0));
    expect(e2.message).toMatch(/line 3, column 2 \(unit_id\): unknown unit 'nowhere'/);
    const e3 = await refusal(importMembersCsv(current().db, 'id,unit_id,name,email,status\nn1,b1,A,not-an-email,member\n', T0));
    expect(e3.message).toMatch(/line 2, column 4 \(email\)/);
    expect(await countMembers(current().db)).toEqual({ total: 166, voting: 158 });
  });

  it('imports a roll larger than one write and one read slice: progress of the true total, refusals before any write', async () => {
    await importUnitsCsv(current().db, SMALL_TREE, T0);
    const n = 45_000;
    const lines = Array.from({ length: n }, (_, i) => `m${i},b1,Member ${i},m${i}@example.org,member`);
    const csv = `id,unit_id,name,email,status\r\n${lines.join('\r\n')}\r\n`;
    expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
    const seen: Array<[number, number]> = [];
    expect(await importMembersCsv(current().db, csv, T0, (done, total) => seen.push([done, total]))).toEqual({ rows: n, created: n, updated: 0 });
    expect(seen).toEqual([
      [20_000, n],
      [40_000, n],
      [n, n],
    ]);
    expect((await countMembers(current().db)).total).toBe(n);
    // Half again and half new: counted as such.
    const next = Array.from({ length: n }, (_, i) => `m${i + n / 2},b1,Member ${i},,member`);
    expect(await importMembersCsv(current().db, `id,unit_id,name,email,status\n${next.join('\n')}\n`, T0)).toEqual({ rows: n, created: n / 2, updated: n / 2 });
    // A refusal on the last line: nothing written, the line named.
    const bad = `id,unit_id,name,email,status\n${lines.map((l) => l.replace(/^m/, 'z')).join('\n')}\nz1,b1,Again,,member\n`;
    expect((await refusal(importMembersCsv(current().db, bad, T0))).message).toMatch(`line ${n + 2}, column 1 (id): duplicate member id 'z1' (first on line 3)`);
    expect((await countMembers(current().db)).total).toBe(n + n / 2);
  });

  it('does not echo personal data from other lines in errors', async () => {
    await importUnitsCsv(current().db, SMALL_TREE, T0);
    const e = await refusal(importMembersCsv(current().db, 'id,unit_id,name,email,status\nn1,b1,Anna Secret,anna@example.org,member\nn1,b1,Boris,b@example.org,member\n', T0));
    expect(e.message).toMatch(/duplicate member id 'n1' \(first on line 2\)/);
    expect(e.message).not.toMatch(/Anna|anna@/);
  });
});
