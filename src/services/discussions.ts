/** Creating a discussion, opening it (which freezes the roll and starts its public log), and reading it. */
import { beginDiscussionLog, ensureServerKeys } from './log.ts';
import { parseCosignatureVerifierKey } from '../log/cosignature.ts';
import { checkDiscussionDefinition, type DiscussionDefinition } from '../domain/discussion.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { addInto, contributionOf, emptyTally, type TallyCounts } from '../domain/tally.ts';
import { ancestorsOf } from '../domain/unit-tree.ts';
import {
  findDiscussion,
  insertDiscussion,
  insertFrozenUnits,
  listDiscussions,
  markDiscussionOpen,
  type DiscussionRecord,
  type FrozenUnit,
} from '../storage/discussions.repository.ts';
import { engine, refreshPlannerStatistics, type Db } from '../storage/db.ts';
import { recordAudit } from '../storage/audit.repository.ts';
import { CONSOLE_ACTOR, type Actor } from '../domain/audit.ts';
import { countVotingMembersByUnit } from '../storage/members.repository.ts';
import { insertInitialTallies } from '../storage/tally.repository.ts';
import { listUnits } from '../storage/units.repository.ts';
import type { Progress } from './import-units.ts';

export interface DiscussionView extends DiscussionDefinition {
  state: DiscussionRecord['state'];
  openedAt: string | null;
  rootUnitId: string | null;
  reportingOpen: boolean;
}

export function viewOf(r: DiscussionRecord, now: string): DiscussionView {
  return {
    ...r.definition,
    state: r.state,
    openedAt: r.openedAt,
    rootUnitId: r.rootUnitId,
    reportingOpen: r.state === 'open' && now < r.definition.reportingClosesAt,
  };
}

/** Times are compared as instants, stored in one canonical form (UTC, milliseconds). */
export function canonicalInstant(iso: string): string {
  return new Date(iso).toISOString();
}

export async function createDiscussion(db: Db, input: DiscussionDefinition, now: string, actor: Actor = CONSOLE_ACTOR): Promise<DiscussionView> {
  checkDiscussionDefinition(input);
  input.rules.witnesses?.keys.forEach((k, i) => {
    try {
      parseCosignatureVerifierKey(k);
    } catch (e) {
      throw new DomainError('invalid_input', `rules.witnesses.keys.${i}: not a cosignature/v1 verifier key (name+keyid+base64): ${(e as Error).message}`, {
        field: `rules.witnesses.keys.${i}`,
      });
    }
  });
  const definition: DiscussionDefinition = { ...input, reportingClosesAt: canonicalInstant(input.reportingClosesAt) };
  try {
    await db.transaction().execute(async (trx) => {
      await insertDiscussion(trx, definition, now);
      await recordAudit(trx, actor, 'discussion.create', `discussion:${definition.id}`, {
        title: definition.title,
        reportingClosesAt: definition.reportingClosesAt,
        rules: definition.rules,
        questions: definition.questions.map((q) => ({ id: q.id, positions: q.positions.map((p) => p.id) })),
      }, now);
    });
  } catch (e) {
    if (engine.isUniqueViolation(e)) throw new DomainError('conflict', `a discussion with id '${input.id}' already exists`, { field: 'id' });
    throw e;
  }
  return viewOf({ definition, state: 'draft', rootUnitId: null, createdAt: now, openedAt: null }, now);
}

export async function getDiscussion(db: Db, id: string): Promise<DiscussionRecord> {
  const d = await findDiscussion(db, id);
  if (!d) throw notFound('discussion', id);
  return d;
}

export async function getDiscussions(db: Db, now: string): Promise<DiscussionView[]> {
  return (await listDiscussions(db)).map((d) => viewOf(d, now));
}

/**
 * Opens a discussion: freezes, for every unit, its number of voting members now — the unit's weight in this
 * discussion — and the tree as it stands, and starts the tally at zero reports. Later roll changes do not move it.
 */
export async function openDiscussion(db: Db, id: string, now: string, onProgress?: Progress, actor: Actor = CONSOLE_ACTOR): Promise<DiscussionView> {
  await ensureServerKeys(db, now);
  const view = await db.transaction().execute(async (trx) => {
    // Two simultaneous opens: the second waits here, then finds the discussion open.
    const d = await findDiscussion(trx, id, { lock: true });
    if (!d) throw notFound('discussion', id);
    if (d.state !== 'draft') throw new DomainError('conflict', `discussion '${id}' is already open (since ${d.openedAt})`);
    if (d.definition.reportingClosesAt <= now) {
      throw new DomainError('invalid_input', `reportingClosesAt (${d.definition.reportingClosesAt}) is not after now (${now}); the reporting window would be empty`, {
        field: 'reportingClosesAt',
      });
    }
    const units = await listUnits(trx);
    const root = units.find((u) => u.parentId === null);
    if (!root) throw new DomainError('conflict', 'the organization has no units yet; import the unit tree before opening a discussion');
    const rolls = await countVotingMembersByUnit(trx);
    const paths = ancestorsOf(units);
    const frozen: FrozenUnit[] = units.map((u) => {
      const p = paths.get(u.id)!;
      return { unitId: u.id, parentId: u.parentId, name: u.name, kind: u.kind, roll: rolls.get(u.id) ?? 0, depth: p.depth, ancestors: p.ancestors };
    });
    const tallies = initialTallies(d.definition, frozen);
    await insertFrozenUnits(trx, id, frozen);
    onProgress?.(1, 2);
    await insertInitialTallies(trx, d.definition, tallies, now);
    await markDiscussionOpen(trx, id, root.id, now);
    // The public record starts in the same transaction: the definition, the office's key, the frozen roll.
    await beginDiscussionLog(trx, d.definition, frozen, root.id, now);
    const mayReport = frozen.filter((u) => u.roll > 0);
    await recordAudit(trx, actor, 'discussion.open', `discussion:${id}`, {
      unitsThatMayReport: mayReport.length,
      votingMembers: mayReport.reduce((a, u) => a + u.roll, 0),
    }, now);
    onProgress?.(2, 2);
    return viewOf({ ...d, state: 'open', openedAt: now, rootUnitId: root.id }, now);
  });
  await refreshPlannerStatistics(db, ['discussion_units', 'tally_units']);
  return view;
}

/**
 * The stored subtree tallies with no reports yet: one for every unit that has units below it. A unit without
 * children needs none — its tally is its own contribution, computed from its current report when read — which keeps
 * a report's writes to the few shared rows of its ancestors (decision 0002).
 */
function initialTallies(discussion: DiscussionDefinition, units: readonly FrozenUnit[]): Array<{ unitId: string; counts: TallyCounts }> {
  const parents = new Set(units.map((u) => u.parentId).filter((p): p is string => p !== null));
  const byId = new Map(units.filter((u) => parents.has(u.unitId)).map((u) => [u.unitId, emptyTally(discussion)]));
  for (const u of units) {
    const own = contributionOf(discussion, u.roll, null);
    if (own.unitsTotal === 0) continue;
    const mine = byId.get(u.unitId);
    if (mine) addInto(mine, own);
    for (const a of u.ancestors) addInto(byId.get(a)!, own);
  }
  return [...byId].map(([unitId, counts]) => ({ unitId, counts }));
}
