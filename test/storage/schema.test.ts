/**
 * Schema tripwire: the one migration set must give the same tables and columns on both engines, matching the
 * checked-in snapshot. A migration that changes the schema updates the snapshot in the same commit
 * (UPDATE_SCHEMA_SNAPSHOT=1 npx vitest run test/storage).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, newStore } from '../support/engines.ts';

const SNAPSHOT = new URL('./schema.snapshot.json', import.meta.url);
const TYPE: Record<string, string> = { text: 'text', integer: 'integer', int4: 'integer', int8: 'integer' };

describe.each(ENGINES)('schema on %s', (engine) => {
  const stores: Array<Awaited<ReturnType<typeof newStore>>> = [];
  afterAll(async () => {
    for (const s of stores) await s.dispose();
  });

  it('matches the snapshot', async () => {
    const store = await newStore(engine);
    stores.push(store);
    // Introspection scans every schema; another test dropping its schema meanwhile (3F000) is a transient race.
    const introspect = async (attempt = 1): Promise<Awaited<ReturnType<typeof store.db.introspection.getTables>>> => {
      try {
        return await store.db.introspection.getTables();
      } catch (e) {
        if (['3F000', '42P01', '42703'].includes((e as { code?: string }).code ?? '') && attempt < 5) return introspect(attempt + 1);
        throw e;
      }
    };
    const tables = await introspect();
    // PostgreSQL's introspection lists every schema's tables: only this store's own count (other tests make tables of
    // their own in theirs, e.g. test/storage/batch.test.ts).
    const own = engine === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s : undefined;
    const schema = Object.fromEntries(
      tables
        .filter((t) => !t.name.startsWith('kysely_') && (own === undefined || t.schema === own))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((t) => [t.name, t.columns.map((c) => `${c.name} ${TYPE[c.dataType.toLowerCase()] ?? c.dataType}${c.isNullable ? '' : ' not null'}`).sort()]),
    );
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1' && engine === 'sqlite') writeFileSync(SNAPSHOT, `${JSON.stringify(schema, null, 2)}\n`);
    expect(schema).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });
});
