/**
 * The stored tally: one row per unit of a discussion that has units below it — its subtree's counts, the questions'
 * counts (per position: votes, adopting units and their members; none adopted; abstentions) packed in one JSON column,
 * `questions`, of the domain's own shape (`TallyCounts.questions`). Changed only by adding deltas to the units of
 * reports' paths (applyTallyDelta, applyTallyDeltas), in the transaction that stores the reports: the rows are read
 * under lock, added to in memory by the domain's `addInto`, and written back — one row per unit, where a row per
 * question and per position made a 60-report batch change some 700 rows (decision 0003).
 */
import { NO_POSITION, type DiscussionDefinition } from '../domain/discussion.ts';
import { addInto, emptyTally, type QuestionTally, type TallyCounts } from '../domain/tally.ts';
import { isPostgres, type Db } from './db.ts';
import { chunks, dbOf, oneOf, rowSource, runSql, write, WriteGroup } from './batch.ts';
import type { TallyUnitsTable } from './schema.ts';

export async function insertInitialTallies(
  db: Db,
  discussion: DiscussionDefinition,
  tallies: ReadonlyArray<{ unitId: string; counts: TallyCounts }>,
  now: string,
): Promise<void> {
  const rows = tallies.map(({ unitId, counts }) => rowOf(discussion.id, unitId, counts, now));
  for (const chunk of chunks(rows, 11)) await db.insertInto('tally_units').values(chunk).execute();
}

/**
 * Adds `delta` to the tallies of `unitIds` (a unit's path): `applyTallyDeltas` with the same delta for each.
 */
export async function applyTallyDelta(db: Db, discussionId: string, unitIds: readonly string[], delta: TallyCounts, now: string): Promise<void> {
  await applyTallyDeltas(db, discussionId, unitIds.map((unitId) => ({ unitId, delta, updatedAt: now })));
}

/**
 * Adds each unit's delta (a batch's changes summed per unit beforehand; `updatedAt`: the latest time a report moved
 * it) to its stored tally. Units without a stored row (no units below them) are simply not matched. Two statements
 * whatever the number of units, questions and positions: the rows are read — on PostgreSQL locked, in one order every
 * writer keeps (by depth, then id: root first, as one report's path), so writers sharing ancestors queue instead of
 * deadlocking; SQLite has one writer at a time anyway (BEGIN IMMEDIATE) — and written back from a row source
 * (`update … from`; storage/batch.ts `rowSource`). Given a `WriteGroup`, the read goes with the group's statements
 * gathered so far, and the write with its next round trip (PostgreSQL).
 */
export async function applyTallyDeltas(target: Db | WriteGroup, discussionId: string, deltas: ReadonlyArray<{ unitId: string; delta: TallyCounts; updatedAt: string }>): Promise<void> {
  if (!deltas.length) return;
  const db = dbOf(target);
  const stored = new Map<string, TallyUnitsTable>();
  for (const ids of oneOf(db, deltas.map((d) => d.unitId))) {
    const text = isPostgres(db)
      ? `select ${TALLY_COLUMNS.map((c) => `t.${c}`).join(', ')} from tally_units t join discussion_units u on u.discussion_id = t.discussion_id and u.unit_id = t.unit_id
        where t.discussion_id = ? and t.unit_id ${ids.text} order by u.depth, t.unit_id for update of t`
      : `select ${TALLY_COLUMNS.join(', ')} from tally_units where discussion_id = ? and unit_id ${ids.text}`;
    const params = [discussionId, ...ids.params];
    const rows = target instanceof WriteGroup ? await target.flush<TallyUnitsTable>({ text, params }) : (await runSql<TallyUnitsTable>(db, text, params)).rows;
    for (const r of rows) stored.set(r.unit_id, r);
  }
  const rows: unknown[][] = [];
  for (const { unitId, delta, updatedAt } of deltas) {
    const r = stored.get(unitId);
    if (!r) continue;
    const row = rowOf(discussionId, unitId, addInto(countsOf(r), delta), r.updated_at > updatedAt ? r.updated_at : updatedAt);
    rows.push(WRITTEN_COLUMNS.map((c) => row[c]));
  }
  for (const part of rowSource(db, ['text', 'integer', 'integer', 'integer', 'integer', 'integer', 'integer', 'integer', 'text', 'text'], rows, { pad: true })) {
    await write(
      target,
      `with v (${WRITTEN_COLUMNS.join(', ')}) as (${part.text})
      update tally_units set units_total = v.units_total, units_reported = v.units_reported, units_quorate = v.units_quorate,
        members_total = v.members_total, members_reported = v.members_reported, present = v.present,
        units_office_signed = v.units_office_signed, questions = v.questions, updated_at = v.updated_at
      from v where tally_units.discussion_id = ? and tally_units.unit_id = v.unit_id`,
      [...part.params, discussionId],
    );
  }
}

/** The columns, named: on PostgreSQL the statement is prepared, and a prepared `*` fails once a column is added. */
const TALLY_COLUMNS = [
  'discussion_id', 'unit_id', 'units_total', 'units_reported', 'units_quorate', 'members_total', 'members_reported', 'present',
  'units_office_signed', 'questions', 'updated_at',
] as const;
/** What a delta rewrites: every column but the key's discussion (the row source joins on `unit_id`, its first). */
const WRITTEN_COLUMNS = TALLY_COLUMNS.filter((c) => c !== 'discussion_id');

function rowOf(discussionId: string, unitId: string, t: TallyCounts, now: string): TallyUnitsTable {
  return {
    discussion_id: discussionId,
    unit_id: unitId,
    units_total: t.unitsTotal,
    units_reported: t.unitsReported,
    units_quorate: t.unitsQuorate,
    members_total: t.membersTotal,
    members_reported: t.membersReported,
    present: t.present,
    units_office_signed: t.unitsOfficeSigned,
    questions: JSON.stringify(t.questions),
    updated_at: now,
  };
}

/** A stored row as the domain's counts, every question as stored (the writer's own view: `addInto` finds them all). */
function countsOf(r: TallyUnitsTable): TallyCounts {
  return {
    unitsTotal: Number(r.units_total),
    unitsReported: Number(r.units_reported),
    unitsQuorate: Number(r.units_quorate),
    membersTotal: Number(r.members_total),
    membersReported: Number(r.members_reported),
    present: Number(r.present),
    unitsOfficeSigned: Number(r.units_office_signed),
    questions: JSON.parse(r.questions) as Record<string, QuestionTally>,
  };
}

export interface StoredTally {
  counts: TallyCounts;
  updatedAt: string;
}

/** One statement, so the figures of a tally always come from one moment (one snapshot), even while reports arrive. */
export async function readTally(db: Db, discussion: DiscussionDefinition, unitId: string): Promise<StoredTally | undefined> {
  return (await readStoredTallies(db, discussion, unitId)).get(unitId);
}

/** Every stored tally of a discussion (the units with units below them), by unit id: one statement. */
export async function readAllTallies(db: Db, discussion: DiscussionDefinition): Promise<Map<string, StoredTally>> {
  return readStoredTallies(db, discussion);
}

async function readStoredTallies(db: Db, discussion: DiscussionDefinition, unitId?: string): Promise<Map<string, StoredTally>> {
  let q = db.selectFrom('tally_units').selectAll().where('discussion_id', '=', discussion.id);
  if (unitId !== undefined) q = q.where('unit_id', '=', unitId);
  const out = new Map<string, StoredTally>();
  for (const r of await q.execute()) out.set(r.unit_id, { counts: readCounts(discussion, r), updatedAt: r.updated_at });
  return out;
}

/**
 * A stored row as the discussion's tally: every question and position of the definition, in its order, read from the
 * packed column where present (0 where not).
 */
function readCounts(discussion: DiscussionDefinition, r: TallyUnitsTable): TallyCounts {
  const { questions, ...figures } = countsOf(r);
  const stored = questions as Record<string, Partial<QuestionTally>>;
  const t: TallyCounts = { ...figures, questions: emptyTally(discussion).questions };
  for (const q of discussion.questions) {
    const s = Object.hasOwn(stored, q.id) ? stored[q.id] : undefined;
    if (!s) continue;
    const qt = t.questions[q.id]!;
    qt.abstain = s.abstain ?? 0;
    for (const p of [...q.positions.map((p) => p.id), NO_POSITION]) {
      const adopted = s.adopted && Object.hasOwn(s.adopted, p) ? s.adopted[p] : undefined;
      if (adopted) qt.adopted[p] = { units: adopted.units, members: adopted.members };
      if (p !== NO_POSITION && s.votes && Object.hasOwn(s.votes, p)) qt.votes[p] = s.votes[p]!;
    }
  }
  return t;
}
