/**
 * The stored tally: one row per unit of a discussion (its subtree's counts), one per unit and question, one per unit,
 * question and position. Changed only by adding a delta along a unit's path to the root (applyTallyDelta), in the
 * transaction that stores the report.
 */
import { sql, type RawBuilder } from 'kysely';
import { NO_POSITION, type DiscussionDefinition } from '../domain/discussion.ts';
import { emptyTally, type TallyCounts } from '../domain/tally.ts';
import { isPostgres, type Db } from './db.ts';
import { chunks, oneOf, rowSource, runSql } from './batch.ts';

export async function insertInitialTallies(
  db: Db,
  discussion: DiscussionDefinition,
  tallies: ReadonlyArray<{ unitId: string; counts: TallyCounts }>,
  now: string,
): Promise<void> {
  const d = discussion.id;
  for (const chunk of chunks(tallies, 10)) {
    await db
      .insertInto('tally_units')
      .values(
        chunk.map(({ unitId, counts: t }) => ({
          discussion_id: d,
          unit_id: unitId,
          units_total: t.unitsTotal,
          units_reported: t.unitsReported,
          units_quorate: t.unitsQuorate,
          members_total: t.membersTotal,
          members_reported: t.membersReported,
          present: t.present,
          units_office_signed: t.unitsOfficeSigned,
          updated_at: now,
        })),
      )
      .execute();
  }
  const questionRows = tallies.flatMap(({ unitId, counts }) =>
    Object.entries(counts.questions).map(([q, qt]) => ({
      discussion_id: d,
      unit_id: unitId,
      question_id: q,
      abstain: qt.abstain,
      none_units: qt.adopted[NO_POSITION]?.units ?? 0,
      none_members: qt.adopted[NO_POSITION]?.members ?? 0,
    })),
  );
  for (const chunk of chunks(questionRows, 6)) await db.insertInto('tally_questions').values(chunk).execute();
  const positionRows = tallies.flatMap(({ unitId, counts }) =>
    discussion.questions.flatMap((q) =>
      q.positions.map((p) => {
        const qt = counts.questions[q.id]!;
        return {
          discussion_id: d,
          unit_id: unitId,
          question_id: q.id,
          position_id: p.id,
          votes: qt.votes[p.id] ?? 0,
          adopted_units: qt.adopted[p.id]?.units ?? 0,
          adopted_members: qt.adopted[p.id]?.members ?? 0,
        };
      }),
    ),
  );
  for (const chunk of chunks(positionRows, 7)) await db.insertInto('tally_positions').values(chunk).execute();
}

/**
 * Adds `delta` to the tallies of `unitIds` (a unit's path, root first): at most three statements, whatever the number
 * of questions and positions; units without a stored row (no units below them) are simply not matched.
 * On PostgreSQL the rows are first locked root first: every writer takes the root before anything else, so writers
 * sharing ancestors queue instead of deadlocking — also when one transaction writes several reports (a batch).
 * SQLite has one writer at a time anyway.
 */
export async function applyTallyDelta(db: Db, discussionId: string, unitIds: readonly string[], delta: TallyCounts, now: string): Promise<void> {
  // The hot path of every report: written with the `sql` tag rather than the query builder — the same portable SQL
  // (placeholders per engine), a fraction of the building cost.
  const inPath = sql.join(unitIds.map((u) => sql`${u}`));
  if (isPostgres(db)) {
    const rootFirst = sql.join(unitIds.map((u, i) => sql`when unit_id = ${u} then ${i}`), sql` `);
    await sql`select unit_id from tally_units where discussion_id = ${discussionId} and unit_id in (${inPath})
      order by case ${rootFirst} end for update`.execute(db);
  }
  await sql`update tally_units set
      units_total = units_total + ${delta.unitsTotal}, units_reported = units_reported + ${delta.unitsReported},
      units_quorate = units_quorate + ${delta.unitsQuorate}, members_total = members_total + ${delta.membersTotal},
      members_reported = members_reported + ${delta.membersReported}, present = present + ${delta.present},
      units_office_signed = units_office_signed + ${delta.unitsOfficeSigned},
      updated_at = case when updated_at > ${now} then updated_at else ${now} end
    where discussion_id = ${discussionId} and unit_id in (${inPath})`.execute(db);

  const questions: Array<{ q: string; abstain: number; noneUnits: number; noneMembers: number }> = [];
  const positions: Array<{ q: string; p: string; votes: number; units: number; members: number }> = [];
  for (const [q, qt] of Object.entries(delta.questions)) {
    const none = qt.adopted[NO_POSITION] ?? { units: 0, members: 0 };
    if (qt.abstain || none.units || none.members) questions.push({ q, abstain: qt.abstain, noneUnits: none.units, noneMembers: none.members });
    const ids = new Set([...Object.keys(qt.votes), ...Object.keys(qt.adopted)]);
    ids.delete(NO_POSITION);
    for (const p of ids) {
      const votes = qt.votes[p] ?? 0;
      const adopted = qt.adopted[p] ?? { units: 0, members: 0 };
      if (votes || adopted.units || adopted.members) positions.push({ q, p, votes, units: adopted.units, members: adopted.members });
    }
  }
  // One statement per table: each row gets its own increment through a CASE on its key.
  const byCase = <R>(rows: R[], when: (r: R) => RawBuilder<unknown>, value: (r: R) => number) =>
    sql`case ${sql.join(rows.map((r) => sql`when ${when(r)} then ${value(r)}`), sql` `)} else 0 end`;
  const list = (values: Iterable<string>) => sql.join([...new Set(values)].map((v) => sql`${v}`));
  if (questions.length) {
    const when = (r: (typeof questions)[number]) => sql`question_id = ${r.q}`;
    await sql`update tally_questions set
        abstain = abstain + ${byCase(questions, when, (r) => r.abstain)},
        none_units = none_units + ${byCase(questions, when, (r) => r.noneUnits)},
        none_members = none_members + ${byCase(questions, when, (r) => r.noneMembers)}
      where discussion_id = ${discussionId} and unit_id in (${inPath}) and question_id in (${list(questions.map((r) => r.q))})`.execute(db);
  }
  if (positions.length) {
    const when = (r: (typeof positions)[number]) => sql`question_id = ${r.q} and position_id = ${r.p}`;
    await sql`update tally_positions set
        votes = votes + ${byCase(positions, when, (r) => r.votes)},
        adopted_units = adopted_units + ${byCase(positions, when, (r) => r.units)},
        adopted_members = adopted_members + ${byCase(positions, when, (r) => r.members)}
      where discussion_id = ${discussionId} and unit_id in (${inPath})
        and question_id in (${list(positions.map((r) => r.q))}) and position_id in (${list(positions.map((r) => r.p))})`.execute(db);
  }
}

/**
 * Adds a report batch's tally changes, summed per unit beforehand (every unit on the batch's paths: `updatedAt` is
 * the latest time a report moved it): one statement per table, each row's own increment joined from a row source
 * (`update … from`; storage/batch.ts `rowSource`: arrays unnested on PostgreSQL, a VALUES list on SQLite). Units
 * without a stored row are simply not matched, as in `applyTallyDelta`. On PostgreSQL the rows are first locked in
 * one order every writer keeps — by depth, then id: root first, as a single report's path.
 */
export async function applyTallyDeltas(db: Db, discussionId: string, deltas: ReadonlyArray<{ unitId: string; delta: TallyCounts; updatedAt: string }>): Promise<void> {
  if (!deltas.length) return;
  if (isPostgres(db)) {
    for (const ids of oneOf(db, deltas.map((d) => d.unitId))) {
      await runSql(
        db,
        `select t.unit_id from tally_units t join discussion_units u on u.discussion_id = t.discussion_id and u.unit_id = t.unit_id
        where t.discussion_id = ? and t.unit_id ${ids.text} order by u.depth, t.unit_id for update of t`,
        [discussionId, ...ids.params],
      );
    }
  }
  const units = deltas.map(({ unitId, delta: t, updatedAt }) => [unitId, t.unitsTotal, t.unitsReported, t.unitsQuorate, t.membersTotal, t.membersReported, t.present, t.unitsOfficeSigned, updatedAt]);
  for (const part of rowSource(db, ['text', 'integer', 'integer', 'integer', 'integer', 'integer', 'integer', 'integer', 'text'], units, { pad: true })) {
    await runSql(
      db,
      `with v (unit_id, units_total, units_reported, units_quorate, members_total, members_reported, present, units_office_signed, updated_at) as (${part.text})
      update tally_units set
        units_total = tally_units.units_total + v.units_total, units_reported = tally_units.units_reported + v.units_reported,
        units_quorate = tally_units.units_quorate + v.units_quorate, members_total = tally_units.members_total + v.members_total,
        members_reported = tally_units.members_reported + v.members_reported, present = tally_units.present + v.present,
        units_office_signed = tally_units.units_office_signed + v.units_office_signed,
        updated_at = case when tally_units.updated_at > v.updated_at then tally_units.updated_at else v.updated_at end
      from v where tally_units.discussion_id = ? and tally_units.unit_id = v.unit_id`,
      [...part.params, discussionId],
    );
  }
  const questions: unknown[][] = [];
  const positions: unknown[][] = [];
  for (const { unitId, delta } of deltas) {
    for (const [q, qt] of Object.entries(delta.questions)) {
      const none = qt.adopted[NO_POSITION] ?? { units: 0, members: 0 };
      if (qt.abstain || none.units || none.members) questions.push([unitId, q, qt.abstain, none.units, none.members]);
      const ids = new Set([...Object.keys(qt.votes), ...Object.keys(qt.adopted)]);
      ids.delete(NO_POSITION);
      for (const p of ids) {
        const votes = qt.votes[p] ?? 0;
        const adopted = qt.adopted[p] ?? { units: 0, members: 0 };
        if (votes || adopted.units || adopted.members) positions.push([unitId, q, p, votes, adopted.units, adopted.members]);
      }
    }
  }
  for (const part of rowSource(db, ['text', 'text', 'integer', 'integer', 'integer'], questions, { pad: true })) {
    await runSql(
      db,
      `with v (unit_id, question_id, abstain, none_units, none_members) as (${part.text})
      update tally_questions set abstain = tally_questions.abstain + v.abstain, none_units = tally_questions.none_units + v.none_units,
        none_members = tally_questions.none_members + v.none_members
      from v where tally_questions.discussion_id = ? and tally_questions.unit_id = v.unit_id and tally_questions.question_id = v.question_id`,
      [...part.params, discussionId],
    );
  }
  for (const part of rowSource(db, ['text', 'text', 'text', 'integer', 'integer', 'integer'], positions, { pad: true })) {
    await runSql(
      db,
      `with v (unit_id, question_id, position_id, votes, adopted_units, adopted_members) as (${part.text})
      update tally_positions set votes = tally_positions.votes + v.votes, adopted_units = tally_positions.adopted_units + v.adopted_units,
        adopted_members = tally_positions.adopted_members + v.adopted_members
      from v where tally_positions.discussion_id = ? and tally_positions.unit_id = v.unit_id and tally_positions.question_id = v.question_id
        and tally_positions.position_id = v.position_id`,
      [...part.params, discussionId],
    );
  }
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
  let q = db
    .selectFrom('tally_units as u')
    .leftJoin('tally_questions as q', (j) => j.onRef('q.discussion_id', '=', 'u.discussion_id').onRef('q.unit_id', '=', 'u.unit_id'))
    .leftJoin('tally_positions as p', (j) =>
      j.onRef('p.discussion_id', '=', 'q.discussion_id').onRef('p.unit_id', '=', 'q.unit_id').onRef('p.question_id', '=', 'q.question_id'),
    )
    .select([
      'u.unit_id',
      'u.units_total',
      'u.units_reported',
      'u.units_quorate',
      'u.members_total',
      'u.members_reported',
      'u.present',
      'u.units_office_signed',
      'u.updated_at',
      'q.question_id',
      'q.abstain',
      'q.none_units',
      'q.none_members',
      'p.position_id',
      'p.votes',
      'p.adopted_units',
      'p.adopted_members',
    ])
    .where('u.discussion_id', '=', discussion.id);
  if (unitId !== undefined) q = q.where('u.unit_id', '=', unitId);
  const out = new Map<string, StoredTally>();
  for (const r of await q.execute()) {
    let stored = out.get(r.unit_id);
    if (!stored) {
      const t = emptyTally(discussion);
      t.unitsTotal = r.units_total;
      t.unitsReported = r.units_reported;
      t.unitsQuorate = r.units_quorate;
      t.membersTotal = r.members_total;
      t.membersReported = r.members_reported;
      t.present = r.present;
      t.unitsOfficeSigned = r.units_office_signed;
      stored = { counts: t, updatedAt: r.updated_at };
      out.set(r.unit_id, stored);
    }
    const qt = r.question_id === null ? undefined : stored.counts.questions[r.question_id];
    if (!qt) continue;
    qt.abstain = r.abstain ?? 0;
    qt.adopted[NO_POSITION] = { units: r.none_units ?? 0, members: r.none_members ?? 0 };
    if (r.position_id !== null) {
      qt.votes[r.position_id] = r.votes ?? 0;
      qt.adopted[r.position_id] = { units: r.adopted_units ?? 0, members: r.adopted_members ?? 0 };
    }
  }
  return out;
}
