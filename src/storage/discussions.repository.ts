import type { DiscussionDefinition, DiscussionState } from '../domain/discussion.ts';
import { sql } from 'kysely';
import { isPostgres, type Db } from './db.ts';
import type { DiscussionUnitsTable } from './schema.ts';
import { chunks } from './batch.ts';

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

export async function listDiscussions(db: Db): Promise<DiscussionRecord[]> {
  const rows = await db.selectFrom('discussions').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

export async function markDiscussionOpen(db: Db, id: string, rootUnitId: string, now: string): Promise<void> {
  await db.updateTable('discussions').set({ state: 'open', opened_at: now, root_unit_id: rootUnitId }).where('id', '=', id).execute();
}

export async function insertFrozenUnits(db: Db, discussionId: string, units: readonly FrozenUnit[]): Promise<void> {
  for (const chunk of chunks(units, 8)) {
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
        })),
      )
      .execute();
  }
}

function toFrozenUnit(r: Omit<DiscussionUnitsTable, 'discussion_id'>): FrozenUnit {
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
  const { rows } = await sql<Omit<DiscussionUnitsTable, 'discussion_id'> & { version: number | null }>`
    select u.unit_id, u.parent_id, u.name, u.kind, u.roll, u.depth, u.ancestors, r.version
    from discussion_units u
    left join reports r on r.discussion_id = u.discussion_id and r.unit_id = u.unit_id and r.is_current = 1
    where u.discussion_id = ${discussionId} and u.unit_id = ${unitId}`.execute(db);
  const r = rows[0];
  return r && { ...toFrozenUnit(r), currentVersion: r.version };
}

export async function listFrozenUnits(db: Db, discussionId: string): Promise<FrozenUnit[]> {
  const rows = await db.selectFrom('discussion_units').selectAll().where('discussion_id', '=', discussionId).execute();
  return rows.map(toFrozenUnit);
}
