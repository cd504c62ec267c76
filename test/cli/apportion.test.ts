/** `plenum apportion` as a user runs it: a real process, a CSV file (or standard input), no database. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plenumOn } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-apportion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The command needs no database: point PLENUM_DB at a file that is never created.
const plenum = plenumOn(join(dir, 'unused.db'));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('plenum apportion', () => {
  it('prints id,seats as CSV in the input order', () => {
    const csv = file('alabama.csv', 'id,population\nc,2\na,6\nb,6\n');
    expect(plenum('apportion', '--method', 'hare', '--seats', '10', csv)).toEqual({ code: 0, stdout: 'id,seats\nc,2\na,4\nb,4\n', stderr: '' });
    expect(plenum('apportion', '--method', 'hare', '--seats', '11', csv).stdout).toBe('id,seats\nc,1\na,5\nb,5\n');
    expect(plenum('apportion', '--method', 'huntington-hill', '--seats', '11', csv).stdout).toBe('id,seats\nc,2\na,5\nb,4\n');
    const parties = file('parties.csv', 'id,population\r\n"Party A",100000\r\nB,80000\r\nC,30000\r\nD,20000\r\n');
    expect(plenum('apportion', '--method', 'dhondt', '--seats', '8', parties).stdout).toBe('id,seats\nParty A,4\nB,3\nC,1\nD,0\n');
    expect(plenum('apportion', '--method', 'sainte-lague', '--seats', '8', parties).stdout).toBe('id,seats\nParty A,3\nB,3\nC,1\nD,1\n');
  });

  it('prints a table with the quotas, the rule and the ties broken', () => {
    const csv = file('tie.csv', 'id,population\na,7\nb,4\nc,1\n');
    const r = plenum('apportion', '--method', 'hare', '--seats', '6', '--table', csv);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'id     population   quota  seats',
        'a               7  3.5000      4',
        'b               4  2.0000      2',
        'c               1  0.5000      0',
        'total          12       6      6',
        '',
        'method hare, 6 seats, min 0; quota = population × seats / total population',
        'tie-break: larger population first, then smaller id',
        'ties broken: 1 seat tied between a, c (equal remainder 1/2); awarded to a — larger population first, then smaller id',
        '',
      ].join('\n'),
    );
    const lot = plenum('apportion', '--method', 'sainte-lague', '--seats', '6', '--tie-break', 'lot', '--seed', '5', csv);
    expect(lot.stdout).toBe('id,seats\na,3\nb,2\nc,1\n');
  });

  it("reads standard input for '-', and applies the fixed-ratio rules (Labour: first 749, +1 per further 250, at most 6)", () => {
    const r = spawnSync(process.execPath, ['bin/plenum.js', 'apportion', '--method', 'stepped', '--first', '749', '--step', '250', '--max', '6', '-'], {
      input: 'id,population\nclp1,749\nclp2,750\nclp3,1000\nclp4,1750\nclp5,9000\n',
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('id,seats\nclp1,1\nclp2,2\nclp3,3\nclp4,6\nclp5,6\n');
    const unison = plenum('apportion', '--method', 'per', '--per', '1000', file('unison.csv', 'id,population\nx,1000\ny,1001\nz,0\n'));
    expect(unison.stdout).toBe('id,seats\nx,1\ny,2\nz,0\n');
  });

  it('refuses a bad CSV naming the line and column, prints nothing on stdout and exits non-zero', () => {
    const bad = file('bad.csv', 'id,population\na,6\nb,6\nc,12.5\n');
    const r = plenum('apportion', '--method', 'hare', '--seats', '10', bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`plenum: ${bad}: line 4, column 2 (population): population must be a whole number ≥ 0, got "12.5" (csv_invalid)\n`);

    const dup = plenum('apportion', '--method', 'hare', '--seats', '10', file('dup.csv', 'id,population\na,6\nb,6\na,2\n'));
    expect(dup).toMatchObject({ code: 1, stdout: '' });
    expect(dup.stderr).toMatch(/dup\.csv: line 4, column 1 \(id\): id 'a' appears twice \(first on line 2\)/);

    const header = plenum('apportion', '--method', 'hare', '--seats', '10', file('header.csv', 'id,members\na,6\n'));
    expect(header).toMatchObject({ code: 1, stdout: '' });
    expect(header.stderr).toMatch(/header\.csv: line 1, column 2: expected header 'population', found 'members'/);

    const stdin = spawnSync(process.execPath, ['bin/plenum.js', 'apportion', '--method', 'hare', '--seats', '3', '-'], { input: 'id,population\na,-1\n', encoding: 'utf8' });
    expect(stdin.status).toBe(1);
    expect(stdin.stdout).toBe('');
    expect(stdin.stderr).toMatch(/\(standard input\): line 2, column 2 \(population\): population must be a whole number ≥ 0, got "-1"/);
  });

  it('refuses what the method cannot do, naming the option and the rule', () => {
    const csv = file('three.csv', 'id,population\na,5\nb,4\nc,3\n');
    const adams = plenum('apportion', '--method', 'adams', '--seats', '2', csv);
    expect(adams).toMatchObject({ code: 1, stdout: '' });
    expect(adams.stderr).toMatch(/adams gives every unit with population > 0 at least one seat .*seats \(2\) must be at least the number of such units \(3\)/);
    expect(plenum('apportion', '--method', 'hare', '--seats', '5', '--min', '2', csv).stderr).toMatch(/seats \(5\) is less than the minimums require \(3 units with population > 0 × min 2 = 6\)/);
    expect(plenum('apportion', '--method', 'dhondt', csv).stderr).toMatch(/method dhondt needs --seats N/);
    expect(plenum('apportion', '--method', 'per', '--per', '10', '--seats', '3', csv).stderr).toMatch(/seats applies only to the proportional methods/);
    expect(plenum('apportion', '--method', 'hare', '--seats', 'ten', csv).stderr).toMatch(/--seats must be a whole number, got 'ten'/);
    expect(plenum('apportion', '--method', 'hare', '--seats', '3', '--tie-break', 'lot', csv).stderr).toMatch(/--tie-break lot needs --seed N/);
    const unknown = plenum('apportion', '--method', 'borda', '--seats', '3', csv);
    expect(unknown).toMatchObject({ stdout: '' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/argument 'borda' is invalid/);
  });
});
