/** The `plenum` command as an office uses it: real processes, a real SQLite file (and PostgreSQL via DATABASE_URL). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plenumOn } from '../support/cli.ts';
import { ENGINES, PG_URL } from '../support/engines.ts';
import { discussionDef, membersCsv, report, SMALL_TREE } from '../support/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenum-cli-'));
const db = join(dir, 'office.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plenum = plenumOn(db);

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('plenum CLI', () => {
  it('runs an office discussion end to end', () => {
    expect(plenum('units', 'import', file('units.csv', SMALL_TREE))).toMatchObject({ code: 0, stdout: 'imported 16 units (16 new, 0 updated)\n' });
    expect(plenum('members', 'import', file('members.csv', membersCsv())).stdout).toBe('imported 166 members (166 new, 0 updated)\n');
    const d = discussionDef({ reportingClosesAt: '2099-01-01T00:00:00Z' });
    expect(plenum('discussion', 'create', file('d.json', JSON.stringify(d, null, 2))).code).toBe(0);
    const open = plenum('discussion', 'open', 'd1');
    expect(open.stdout).toMatch(/roll frozen — 158 voting members in 8 units/);
    const sub = plenum('report', 'submit', file('r.json', JSON.stringify(report())));
    expect(sub).toMatchObject({ code: 0, stdout: 'accepted b1 version 1: quorate; q1: cc; q2: nothing adopted\n' });
    const again = plenum('report', 'submit', file('r.json', JSON.stringify(report())));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a correction must carry "supersedes": 1/);
    const tally = plenum('tally', 'd1', '--json', '--recount');
    expect(tally.code).toBe(0);
    expect(tally.stderr).toMatch(/recount matches/);
    expect(JSON.parse(tally.stdout)).toMatchObject({ unitId: 'root', unitsReported: 1, membersReported: 40, membersTotal: 158 });
    const text = plenum('tally', 'd1', '--unit', 'r1');
    expect(text.stdout).toMatch(/51\.3% \(40 of 78\)\s+members in units adopting \"Unity\", of all voting members/);
  });

  it('exports the audit log as JSON lines', () => {
    const r = plenum('audit');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: { kind: string; grants: Array<{ role: string }> } });
    expect(events.map((e) => e.action)).toEqual(['units.import', 'members.import', 'discussion.create', 'discussion.open', 'report.submit']);
    expect(events.every((e) => e.actor.kind === 'cli' && e.actor.grants[0]?.role === 'office')).toBe(true);
  });

  it('prints a new token alone on the last line', () => {
    const r = plenum('token', 'create', '--role', 'office', '--name', 'Secretariat');
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^plenum_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(plenum('token', 'create', '--role', 'pope', '--name', 'x').stderr).toMatch(/unknown role 'pope'/);
  });

  it('creates an account and grants and revokes its roles, by email, with a reason', () => {
    const env = { PLENUM_PASSWORD: 'a long enough password' };
    const create = spawnSync(process.execPath, ['bin/plenum.js', 'account', 'create', '--email', 'anna@example.org', '--role', 'member', '--unit', 'b1'], {
      encoding: 'utf8',
      env: { ...process.env, ...env, PLENUM_DB: db, DATABASE_URL: '' },
    });
    expect(create.stdout).toMatch(/^created account [0-9a-f]{16} \(member for unit b1\)/);
    expect(plenum('account', 'grant', 'anna@example.org', '--role', 'secretary', '--unit', 'b1', '--reason', 'elected 5 January').stdout).toBe(
      'granted: anna@example.org now holds member@b1,secretary@b1\n',
    );
    expect(plenum('account', 'grant', 'anna@example.org', '--role', 'secretary', '--unit', 'b1', '--reason', 'again').stdout).toMatch(/^already held; nothing changed/);
    expect(plenum('account', 'revoke', 'anna@example.org', '--role', 'member', '--unit', 'b1', '--reason', 'moved away').stdout).toBe(
      'revoked: anna@example.org now holds secretary@b1\n',
    );
    const bad = plenum('account', 'grant', 'anna@example.org', '--role', 'secretary', '--reason', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unitId: a secretary belongs to a unit/);
    expect(plenum('account', 'grant', 'nobody@example.org', '--role', 'office', '--reason', 'x').stderr).toMatch(/no account 'nobody@example.org'/);
  });

  it('names the line and column of a bad CSV row and exits non-zero, storing nothing', () => {
    const bad = file('bad-units.csv', 'id,parent_id,name,kind\nx1,root,X,branch\nx2,nowhere,Y,branch\n');
    const r = plenum('units', 'import', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: line 3, column 2 (parent_id): unknown parent 'nowhere'`);
    expect(plenum('tally', 'd1', '--unit', 'x1').code).toBe(1);
  });

  it('names the line and column of malformed JSON, and the field of a bad value', () => {
    const broken = file('broken.json', '{\n  "id": "d9",\n  "title": "x",,\n}');
    const r = plenum('discussion', 'create', broken);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${broken}:3:\\d+: not valid JSON`));
    const wrong = file('wrong.json', JSON.stringify({ ...discussionDef({ id: 'd9' }), rules: { quorum: 2, majority: 'votes-cast' } }, null, 2));
    const w = plenum('discussion', 'create', wrong);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/wrong\.json:\d+:\d+: rules\.quorum: must be between 0 and 1/);
    const badReport = plenum('report', 'submit', file('r2.json', JSON.stringify(report({ unitId: 'b2', present: 11 }))));
    expect(badReport.stderr).toMatch(/present \(11\) exceeds the unit's voting roll \(10\)/);
  });

  it('refuses unknown commands and options with a non-zero exit', () => {
    expect(plenum('frobnicate').code).not.toBe(0);
    expect(plenum('tally').code).not.toBe(0);
  });
});

describe.runIf(ENGINES.includes('postgres'))('plenum CLI on PostgreSQL (DATABASE_URL)', () => {
  const name = `plenum_cli_${Date.now().toString(36)}`;
  const url = PG_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  const pgPlenum = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/plenum.js', ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url, PLENUM_DB: '' } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('gives the same answers as on SQLite', () => {
    expect(pgPlenum('units', 'import', file('pg-units.csv', SMALL_TREE)).stdout).toBe('imported 16 units (16 new, 0 updated)\n');
    expect(pgPlenum('members', 'import', file('pg-members.csv', membersCsv())).stdout).toBe('imported 166 members (166 new, 0 updated)\n');
    expect(pgPlenum('discussion', 'create', file('pg-d.json', JSON.stringify(discussionDef({ reportingClosesAt: '2099-01-01T00:00:00Z' })))).code).toBe(0);
    expect(pgPlenum('discussion', 'open', 'd1').stdout).toMatch(/roll frozen — 158 voting members in 8 units/);
    expect(pgPlenum('report', 'submit', file('pg-r.json', JSON.stringify(report()))).stdout).toBe('accepted b1 version 1: quorate; q1: cc; q2: nothing adopted\n');
    const tally = pgPlenum('tally', 'd1', '--json', '--recount');
    expect(tally.stderr).toMatch(/recount matches/);
    const onSqlite = JSON.parse(plenum('tally', 'd1', '--json').stdout);
    const onPostgres = JSON.parse(tally.stdout);
    for (const t of [onSqlite, onPostgres]) delete t.asOf;
    expect(onPostgres).toEqual(onSqlite);
  });
});
