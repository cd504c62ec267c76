/**
 * storage/batch.ts `rowSource`: the row source of the batched inserts and updates (PostgreSQL: arrays unnested;
 * SQLite: VALUES lists in chunks, padded for the updates). Whatever goes in — quotes, backslashes, braces, commas,
 * "NULL" as text, non-ASCII, nulls, empty strings, integers up to 2^31 − 1 — comes back out unchanged, as many rows
 * as were given, on both engines; a padded source joined on its first column changes only the rows given; and
 * `oneOf` (PostgreSQL: `= any(array)`; SQLite: IN lists) finds exactly the rows whose key it names. On PostgreSQL
 * `runSql` runs its texts as prepared statements, parsed once per connection. A `WriteGroup` gathers writes into the
 * next statement whose rows are wanted on PostgreSQL (one statement: all or nothing, one snapshot) and runs them at
 * once on SQLite.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneOf, rowSource, runSql, WriteGroup } from '../../src/storage/batch.ts';
import { openStore, type Store } from '../../src/storage/db.ts';
import { ENGINES, newStore, PG_URL } from '../support/engines.ts';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\u0000/g, '')),
  fc.constantFrom('', 'NULL', 'null', '"', '\\', '{a,b}', '{"x":"y\\\\"}', ' spaced ', 'ünï​cødé', '(1,2)', "it's"),
);
const row = fc.tuple(fc.option(text, { nil: null }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), text);

describe.each(ENGINES)('rowSource on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeAll(async () => {
    store = await newStore(engine);
    await sql`create table rs (k integer primary key, a text, n integer not null, b text not null)`.execute(store.db);
  });
  afterAll(() => store.dispose());

  it('inserts every row as given, whatever its characters', async () => {
    let next = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 70 }), async (rows) => {
        const first = next;
        const keyed = rows.map((r) => [next++, ...r]);
        for (const part of rowSource(store.db, ['integer', 'text', 'integer', 'text'], keyed)) {
          await runSql(store.db, `insert into rs (k, a, n, b) ${part.text}`, part.params);
        }
        const back = await runSql<{ k: number; a: string | null; n: number; b: string }>(store.db, 'select k, a, n, b from rs where k >= ? order by k', [first]);
        expect(back.rows.map((r) => [Number(r.k), r.a, Number(r.n), r.b])).toEqual(keyed);
      }),
      { numRuns: 40 },
    );
  });

  it('a padded source joined on its first column changes exactly the rows it names', async () => {
    await sql`create table rc (k text primary key, n integer not null)`.execute(store.db);
    const keys = Array.from({ length: 30 }, (_, i) => `u${i}`);
    for (const part of rowSource(store.db, ['text', 'integer'], keys.map((k) => [k, 0]))) await runSql(store.db, `insert into rc (k, n) ${part.text}`, part.params);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 30 }), fc.integer({ min: 1, max: 1000 }), async (chosen, add) => {
        const before = new Map((await runSql<{ k: string; n: number }>(store.db, 'select k, n from rc', [])).rows.map((r) => [r.k, Number(r.n)]));
        for (const part of rowSource(store.db, ['text', 'integer'], chosen.map((k) => [k, add]), { pad: true })) {
          await runSql(store.db, `with v (k, n) as (${part.text}) update rc set n = rc.n + v.n from v where rc.k = v.k`, part.params);
        }
        const after = new Map((await runSql<{ k: string; n: number }>(store.db, 'select k, n from rc', [])).rows.map((r) => [r.k, Number(r.n)]));
        for (const k of keys) expect(after.get(k)).toBe(before.get(k)! + (chosen.includes(k) ? add : 0));
      }),
      { numRuns: 30 },
    );
  });

  it('oneOf finds exactly the rows whose key is among the values', async () => {
    await sql`create table ro (k text primary key)`.execute(store.db);
    const keys = ['a', 'b"c', 'd\\e', '{f,g}', 'NULL', 'ü', ' h ', "i'j"];
    for (const part of rowSource(store.db, ['text'], keys.map((k) => [k]))) await runSql(store.db, `insert into ro (k) ${part.text}`, part.params);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...keys), text), { maxLength: 20 }), async (values) => {
        const found: string[] = [];
        for (const part of oneOf(store.db, values)) found.push(...(await runSql<{ k: string }>(store.db, `select k from ro where k ${part.text}`, part.params)).rows.map((r) => r.k));
        expect(found.sort()).toEqual(keys.filter((k) => values.includes(k)).sort());
      }),
      { numRuns: 40 },
    );
  });

  it('an empty source, or no values, is no statement at all', () => {
    expect(rowSource(store.db, ['text'], [])).toEqual([]);
    expect(oneOf(store.db, [])).toEqual([]);
  });
});

describe.each(ENGINES)('WriteGroup on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  const count = async () => Number((await runSql<{ n: number }>(store.db, 'select count(*) as n from wg', [])).rows[0]!.n);
  beforeAll(async () => {
    store = await newStore(engine);
    await sql`create table wg (k integer primary key, v text not null)`.execute(store.db);
  });
  afterAll(() => store.dispose());

  it('runs the gathered writes with the last statement, whose rows it returns', async () => {
    const group = new WriteGroup(store.db);
    await group.write('insert into wg (k, v) values (?, ?)', [1, 'a']);
    await group.write('insert into wg (k, v) values (?, ?)', [2, 'b']);
    // Gathered on PostgreSQL; run at once on SQLite.
    expect(await count()).toBe(engine === 'postgres' ? 0 : 2);
    const rows = await group.flush<{ n: number }>({ text: 'select count(*) as n from wg where k > ?', params: [0] });
    // On PostgreSQL the last statement reads the table as the gathered writes found it: one statement, one snapshot.
    expect(Number(rows[0]!.n)).toBe(engine === 'postgres' ? 0 : 2);
    expect(await count()).toBe(2);
    expect(await group.flush()).toEqual([]);
    await group.write('update wg set v = ? where k = ?', ['c', 1]);
    await group.flush();
    expect((await runSql<{ v: string }>(store.db, 'select v from wg where k = ?', [1])).rows[0]!.v).toBe('c');
  });

  it('fails as one statement on PostgreSQL (a part that fails leaves nothing of the others), statement by statement on SQLite', async () => {
    const before = await count();
    const group = new WriteGroup(store.db);
    await group.write('insert into wg (k, v) values (?, ?)', [10, 'new']);
    if (engine === 'postgres') {
      await group.write('insert into wg (k, v) values (?, ?)', [1, 'taken']);
      await expect(group.flush()).rejects.toThrow(/duplicate key/);
      expect(await count()).toBe(before);
    } else {
      await expect(group.write('insert into wg (k, v) values (?, ?)', [1, 'taken'])).rejects.toThrow(/UNIQUE/);
      expect(await count()).toBe(before + 1);
    }
  });
});

describe.runIf(ENGINES.includes('postgres'))('runSql on postgres', () => {
  let store: Store;
  beforeAll(async () => {
    const s = await newStore('postgres');
    // One connection, so the session that prepared the statement is the one asked.
    store = Object.assign(openStore({ url: PG_URL, schema: s.schema!, poolSize: 1 }), { dispose: s.dispose });
  });
  afterAll(() => store.close());

  it('prepares a statement once per connection and runs it by name after', async () => {
    const text = 'select count(*) as n from log_heads where discussion_id = ?';
    for (let i = 0; i < 3; i++) expect(Number((await runSql<{ n: number }>(store.db, text, [`d${i}`])).rows[0]!.n)).toBe(0);
    const prepared = await sql<{ name: string }>`select name from pg_prepared_statements where statement = ${text.replace('?', '$1')}`.execute(store.db);
    expect(prepared.rows).toHaveLength(1);
    expect(prepared.rows[0]!.name).toMatch(/^plenum_\d+$/);
  });
});
