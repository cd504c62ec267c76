import type { DiscussionDefinition, DiscussionState } from '../domain/discussion.ts';
import { sql } from 'kysely';
import { isPostgres, type Db } from './db.ts';
import type { DiscussionUnitsTable } from './schema.ts';
import { chunks, oneOf, runSql } from './batch.ts';
import { announcementOf } from './change-feed.ts';

export interface DiscussionRecord {
  definition: DiscussionDefinition;
  state: DiscussionState;
  rootUnitId: string | null;
  createdAt: string;
  openedAt: string | null;
}

export interface FrozenUnit {
  unitId: string;
  parentId: string | null;
  name: string;
  kind: string;
  roll: number;
  depth: number;
  /** Root first, without the unit itself. */
  ancestors: string[];
}

export async function insertDiscussion(db: Db, d: DiscussionDefinition, now: string): Promise<void> {
  await db
    .insertInto('discussions')
    .values({
      id: d.id,
      title: d.title,
      definition: JSON.stringify(d),
      reporting_closes_at: d.reportingClosesAt,
      state: 'draft',
      root_unit_id: null,
      created_at: now,
      opened_at: null,
    })
    .execute();
}

function toRecord(r: { definition: string; state: string; root_unit_id: string | null; created_at: string; opened_at: string | null }): DiscussionRecord {
  return {
    definition: JSON.parse(r.definition) as DiscussionDefinition,
    state: r.state as DiscussionState,
    rootUnitId: r.root_unit_id,
    createdAt: r.created_at,
    openedAt: r.opened_at,
  };
}

export async function findDiscussion(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<DiscussionRecord | undefined> {
  let q = db.selectFrom('discussions').selectAll().where('id', '=', id);
  if (opts.lock && isPostgres(db)) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && toRecord(r);
}

/**
 * The discussions with their logs' sizes (null: no log) and, on PostgreSQL, their logs' heads locked for the rest of
 * the transaction, in id order (SQLite serializes writers anyway): a report batch takes its logs' append locks with its
 * first read, so what it decides from its reads cannot be overtaken by another writer's append — the lock and the
 * discussions' rows in one round trip. A discussion not found is absent. The heads are read and locked whole before
 * the join (a materialized WITH). With `announce`, each discussion found is announced in the same statement, as
 * `announceReports` would (PostgreSQL; SQLite needs no announcement).
 */
export async function findDiscussionsLockingLogs(
  db: Db,
  ids: readonly string[],
  opts: { announce?: boolean } = {},
): Promise<Map<string, { record: DiscussionRecord; logSize: number | null }>> {
  const out = new Map<string, { record: DiscussionRecord; logSize: number | null }>();
  const sorted = [...new Set(ids)].sort();
  if (!sorted.length) return out;
  const columns = 'd.id, d.definition, d.state, d.root_unit_id, d.created_at, d.opened_at, h.size as log_size';
  const inIds = oneOf(db, sorted)[0]!; // a batch's few discussions: one part on either engine
  // With `announce`, each discussion found is announced by the same statement (storage/change-feed.ts).
  const announcement = opts.announce ? announcementOf('d.id') : undefined;
  const rows = isPostgres(db)
    ? await runSql<DiscussionRow>(
        db,
        `with h as materialized (select discussion_id, size from log_heads where discussion_id ${inIds.text} order by discussion_id for update)
        select ${columns}${announcement ? `, ${announcement.text} as announced` : ''} from discussions d left join h on h.discussion_id = d.id
        where d.id ${inIds.text}`,
        [...inIds.params, ...(announcement?.params ?? []), ...inIds.params],
      )
    : await runSql<DiscussionRow>(db, `select ${columns} from discussions d left join log_heads h on h.discussion_id = d.id where d.id ${inIds.text}`, inIds.params);
  for (const r of rows.rows) out.set(r.id, { record: toRecord(r), logSize: r.log_size === null ? null : Number(r.log_size) });
  return out;
}
type DiscussionRow = { id: string; definition: string; state: string; root_unit_id: string | null; created_at: string; opened_at: string | null; log_size: number | null };

export async function listDiscussions(db: Db): Promise<DiscussionRecord[]> {
  const rows = await db.selectFrom('discussions').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

export async function markDiscussionOpen(db: Db, id: string, rootUnitId: string, now: string): Promise<void> {
  await db.updateTable('discussions').set({ state: 'open', opened_at: now, root_unit_id: rootUnitId }).where('id', '=', id).execute();
}

export async function insertFrozenUnits(db: Db, discussionId: string, units: readonly FrozenUnit[]): Promise<void> {
  for (const chunk of chunks(units, 9)) {
    await db
      .insertInto('discussion_units')
      .values(
        chunk.map((u) => ({
          discussion_id: discussionId,
          unit_id: u.unitId,
          parent_id: u.parentId,
          name: u.name,
          kind: u.kind,
          roll: u.roll,
          depth: u.depth,
          ancestors: JSON.stringify(u.ancestors),
          search_name: foldForSearch(u.name),
        })),
      )
      .execute();
  }
}

/** Case-insensitive in every script, and blind to accents' combining marks' encoding (NFC). */
export const foldForSearch = (s: string) => s.normalize('NFC').toLocaleLowerCase('und');

function toFrozenUnit(r: Omit<DiscussionUnitsTable, 'discussion_id' | 'search_name'>): FrozenUnit {
  return {
    unitId: r.unit_id,
    parentId: r.parent_id,
    name: r.name,
    kind: r.kind,
    roll: r.roll,
    depth: r.depth,
    ancestors: JSON.parse(r.ancestors) as string[],
  };
}

export async function findFrozenUnit(db: Db, discussionId: string, unitId: string): Promise<FrozenUnit | undefined> {
  const r = await db
    .selectFrom('discussion_units')
    .selectAll()
    .where('discussion_id', '=', discussionId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  return r && toFrozenUnit(r);
}

/** The unit as frozen, with the version of its current report (if any), in one statement: the hot path of a report. */
export async function findFrozenUnitWithCurrentVersion(
  db: Db,
  discussionId: string,
  unitId: string,
): Promise<(FrozenUnit & { currentVersion: number | null }) | undefined> {
  const { rows } = await sql<Omit<DiscussionUnitsTable, 'discussion_id' | 'search_name'> & { version: number | null }>`
    select u.unit_id, u.parent_id, u.name, u.kind, u.roll, u.depth, u.ancestors,
      (select r.version from reports r where r.discussion_id = u.discussion_id and r.unit_id = u.unit_id and r.is_current = 1) as version
    from discussion_units u
    where u.discussion_id = ${discussionId} and u.unit_id = ${unitId}`.execute(db);
  const r = rows[0];
  return r && { ...toFrozenUnit(r), currentVersion: r.version };
}

/** `findFrozenUnitWithCurrentVersion` for many units of one discussion, in one statement (per 10,000 on SQLite): a report batch. */
export async function findFrozenUnitsWithCurrentVersion(
  db: Db,
  discussionId: string,
  unitIds: readonly string[],
): Promise<Map<string, FrozenUnit & { currentVersion: number | null }>> {
  const out = new Map<string, FrozenUnit & { currentVersion: number | null }>();
  for (const ids of oneOf(db, [...new Set(unitIds)])) {
    const { rows } = await runSql<Omit<DiscussionUnitsTable, 'discussion_id' | 'search_name'> & { version: number | null }>(
      db,
      // The current version by a subquery per unit (a primary-key lookup): a join lets PostgreSQL, whose statistics
      // say the discussion has no reports yet (as at its opening), scan all of them once per unit instead.
      `select u.unit_id, u.parent_id, u.name, u.kind, u.roll, u.depth, u.ancestors,
        (select r.version from reports r where r.discussion_id = u.discussion_id and r.unit_id = u.unit_id and r.is_current = 1) as version
      from discussion_units u
      where u.discussion_id = ? and u.unit_id ${ids.text}`,
      [discussionId, ...ids.params],
    );
    for (const r of rows) out.set(r.unit_id, { ...toFrozenUnit(r), currentVersion: r.version });
  }
  return out;
}

export async function listFrozenUnits(db: Db, discussionId: string): Promise<FrozenUnit[]> {
  const rows = await db.selectFrom('discussion_units').selectAll().where('discussion_id', '=', discussionId).execute();
  return rows.map(toFrozenUnit);
}

/** `%`, `_` and `\` are LIKE wildcards or the escape; unit ids may contain `_`. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Units of a subtree (the unit itself included) with voting members and no current report, ordered by id, after a
 * cursor. The subtree is pre-filtered with LIKE on the stored ancestor list and checked exactly afterwards.
 */
export async function listUnreportedUnits(
  db: Db,
  discussionId: string,
  under: string,
  opts: { after?: string | undefined; limit: number },
): Promise<FrozenUnit[]> {
  const out: FrozenUnit[] = [];
  let after = opts.after;
  for (;;) {
    let q = db
      .selectFrom('discussion_units as u')
      .leftJoin('reports as r', (j) => j.onRef('r.discussion_id', '=', 'u.discussion_id').onRef('r.unit_id', '=', 'u.unit_id').on('r.is_current', '=', 1))
      .select(['u.unit_id', 'u.parent_id', 'u.name', 'u.kind', 'u.roll', 'u.depth', 'u.ancestors'])
      .where('u.discussion_id', '=', discussionId)
      .where('u.roll', '>', 0)
      .where('r.unit_id', 'is', null)
      .where((eb) => eb.or([eb('u.unit_id', '=', under), eb('u.ancestors', 'like', sql<string>`${`%"${likeLiteral(under)}"%`} escape '\\'`)]));
    if (after !== undefined) q = q.where('u.unit_id', '>', after);
    const rows = await q.orderBy('u.unit_id').limit(opts.limit).execute();
    for (const r of rows) {
      const u = toFrozenUnit(r);
      if (u.unitId === under || u.ancestors.includes(under)) out.push(u);
      if (out.length === opts.limit) return out;
    }
    if (rows.length < opts.limit) return out;
    after = rows[rows.length - 1]!.unit_id;
  }
}

export interface UnitListing {
  unit: FrozenUnit;
  reported: boolean;
}

/**
 * A page of a discussion's units, by name then id, after a cursor: the children of `parent`, or — with a search
 * text — every unit below `parent` whose name contains it (case-insensitive). Optionally only units that have (or have
 * not) reported; "not reported" counts only units that may report (roll ≥ 1).
 */
export async function listUnitsPage(
  db: Db,
  discussionId: string,
  opts: { parent: string; search?: string | undefined; reported?: boolean | undefined; after?: { name: string; id: string } | undefined; limit: number },
): Promise<UnitListing[]> {
  const out: UnitListing[] = [];
  let after = opts.after;
  for (;;) {
    let q = db
      .selectFrom('discussion_units as u')
      .leftJoin('reports as r', (j) => j.onRef('r.discussion_id', '=', 'u.discussion_id').onRef('r.unit_id', '=', 'u.unit_id').on('r.is_current', '=', 1))
      .select(['u.unit_id', 'u.parent_id', 'u.name', 'u.kind', 'u.roll', 'u.depth', 'u.ancestors', 'r.version'])
      .where('u.discussion_id', '=', discussionId);
    if (opts.search) {
      q = q
        .where('u.search_name', 'like', sql<string>`${`%${likeLiteral(foldForSearch(opts.search))}%`} escape '\\'`)
        .where('u.ancestors', 'like', sql<string>`${`%"${likeLiteral(opts.parent)}"%`} escape '\\'`);
    } else {
      q = q.where('u.parent_id', '=', opts.parent);
    }
    if (opts.reported === true) q = q.where('r.version', 'is not', null);
    if (opts.reported === false) q = q.where('r.version', 'is', null).where('u.roll', '>', 0);
    const a = after;
    if (a) q = q.where((eb) => eb.or([eb('u.name', '>', a.name), eb.and([eb('u.name', '=', a.name), eb('u.unit_id', '>', a.id)])]));
    const rows = await q.orderBy('u.name').orderBy('u.unit_id').limit(opts.limit).execute();
    for (const r of rows) {
      const unit = toFrozenUnit(r);
      // The LIKE on ancestors is a pre-filter; this is the exact subtree check.
      if (!opts.search || unit.ancestors.includes(opts.parent)) out.push({ unit, reported: r.version !== null });
      if (out.length === opts.limit) return out;
    }
    if (rows.length < opts.limit) return out;
    const last = rows[rows.length - 1]!;
    after = { name: last.name, id: last.unit_id };
  }
}

/** The names of some frozen units, by id (for paths shown beside a listing). */
export async function findFrozenUnitNames(db: Db, discussionId: string, unitIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of chunks([...new Set(unitIds)], 1)) {
    if (chunk.length === 0) continue;
    const rows = await db.selectFrom('discussion_units').select(['unit_id', 'name']).where('discussion_id', '=', discussionId).where('unit_id', 'in', chunk).execute();
    for (const r of rows) out.set(r.unit_id, r.name);
  }
  return out;
}
