/**
 * The drill-down: a page of units — the children of a unit, or a name search below it — each with its tally as this
 * reader may see it (small units withheld, `readTallyAs`). Public: counts only.
 */
import { DomainError, notFound } from '../domain/errors.ts';
import type { Principal } from '../domain/policy.ts';
import type { ListedUnit as ListedUnitSchema } from '../schemas/tally.ts';
import type { Db } from '../storage/db.ts';
import { findFrozenUnit, listUnitsPage } from '../storage/discussions.repository.ts';
import { asReader, openDiscussionRecord, tallyOf, type ReaderTally } from './tally.ts';

/** The drill-down's shapes are the API's (src/schemas/tally.ts); a tally in them is a reader's (`ReaderTally`). */
export type ListedUnit = Omit<ListedUnitSchema, 'tally'> & { tally: ReaderTally };
export interface UnitPage {
  parent: Omit<ListedUnit, 'reported'>;
  items: ListedUnit[];
  next: string | null;
}

const encode = (c: { name: string; id: string }) => Buffer.from(JSON.stringify([c.name, c.id])).toString('base64url');
function decode(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {
    /* fall through */
  }
  throw new DomainError('invalid_input', 'cursor: not a cursor this API returned', { field: 'cursor' });
}

export async function listUnits(
  db: Db,
  viewer: Principal | null,
  discussionId: string,
  opts: { parent?: string | undefined; q?: string | undefined; reported?: boolean | undefined; limit: number; cursor?: string | undefined },
  now: string,
): Promise<UnitPage> {
  const d = await openDiscussionRecord(db, discussionId);
  const parentId = opts.parent ?? d.rootUnitId!;
  const parent = await findFrozenUnit(db, discussionId, parentId);
  if (!parent) throw notFound('unit', parentId, 'parent');
  const q = opts.q?.trim() || undefined;
  const rows = await listUnitsPage(db, discussionId, {
    parent: parentId,
    search: q,
    reported: opts.reported,
    after: opts.cursor ? decode(opts.cursor) : undefined,
    limit: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  const rules = d.definition.rules;
  const items: ListedUnit[] = [];
  for (const { unit, reported } of page) {
    const t = await tallyOf(db, d, unit.unitId, now);
    items.push({ id: unit.unitId, name: unit.name, kind: unit.kind, parentId: unit.parentId, ancestors: unit.ancestors, roll: unit.roll, reported, tally: asReader(t, viewer, unit, rules) });
  }
  const last = page[page.length - 1];
  return {
    parent: {
      id: parent.unitId,
      name: parent.name,
      kind: parent.kind,
      parentId: parent.parentId,
      ancestors: parent.ancestors,
      roll: parent.roll,
      tally: asReader(await tallyOf(db, d, parent.unitId, now), viewer, parent, rules),
    },
    items,
    next: rows.length > opts.limit && last ? encode({ name: last.unit.name, id: last.unit.unitId }) : null,
  };
}
