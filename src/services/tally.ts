/** Reading the live tally of any subtree, and recounting it from scratch (the check the incremental tally must pass). */
import { isSmallUnitWithheld } from '../domain/discussion.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { mayActOnUnit, type Principal } from '../domain/policy.ts';
import { contributionOf, recount, type TallyCounts } from '../domain/tally.ts';
import { inSnapshot, type Db } from '../storage/db.ts';
import { findFrozenUnit, listFrozenUnits, type DiscussionRecord } from '../storage/discussions.repository.ts';
import { countFirstReportsByTime, findRollAndCurrentReport, listCurrentReports } from '../storage/reports.repository.ts';
import { readAllTallies, readTally, type StoredTally } from '../storage/tally.repository.ts';
import { findLogHead } from '../storage/log.repository.ts';
import { getDiscussion } from './discussions.ts';

export interface TallyView extends TallyCounts {
  discussionId: string;
  unitId: string;
  asOf: string;
  provisional: boolean;
}

/** A tally as a reader sees it: a small unit's figures are withheld from those who may not read its reports. */
export type ReaderTally =
  | (TallyView & { withheld: false })
  | (Omit<TallyView, 'present' | 'unitsQuorate' | 'questions'> & { present: null; unitsQuorate: null; questions: null; withheld: true });

/**
 * The tally for a reader (`null`: anyone, not signed in). Under the discussion's `publicMinUnitSize`, a unit or subtree
 * with fewer voting members shows only its coverage to readers who may not read its reports.
 */
export async function readTallyAs(db: Db, viewer: Principal | null, discussionId: string, unitId: string | undefined, now: string): Promise<ReaderTally> {
  const d = await openDiscussionRecord(db, discussionId);
  const target = unitId ?? d.rootUnitId!;
  const t = await tallyOf(db, d, target, now);
  if (!isSmallUnitWithheld(d.definition.rules, t.membersTotal)) return { ...t, withheld: false };
  const unit = viewer ? await findFrozenUnit(db, discussionId, target) : undefined;
  return asReader(t, viewer, unit);
}

/** Applies the small-unit rule to a tally the caller has read, for a reader; `unit` gives the ancestors. */
export function asReader(t: TallyView, viewer: Principal | null, unit: { ancestors: string[] } | undefined, rules?: DiscussionRecord['definition']['rules']): ReaderTally {
  if (rules && !isSmallUnitWithheld(rules, t.membersTotal)) return { ...t, withheld: false };
  if (viewer && unit && mayActOnUnit(viewer, 'report:read', t.unitId, unit.ancestors)) return { ...t, withheld: false };
  return { ...t, present: null, unitsQuorate: null, questions: null, withheld: true };
}

/** The discussion, refused with 409 unless it is open (a draft has no frozen roll and no tally). */
export async function openDiscussionRecord(db: Db, discussionId: string): Promise<DiscussionRecord> {
  const d = await getDiscussion(db, discussionId);
  if (d.state !== 'open' || !d.rootUnitId) {
    throw new DomainError('discussion_not_open', `discussion '${discussionId}' is not open yet; its tally starts when it opens and the roll is frozen`);
  }
  return d;
}

export async function getTally(db: Db, discussionId: string, unitId: string | undefined, now: string): Promise<TallyView> {
  const d = await openDiscussionRecord(db, discussionId);
  return tallyOf(db, d, unitId ?? d.rootUnitId!, now);
}

/** One unit's tally in an open discussion the caller has already read. */
export async function tallyOf(db: Db, d: DiscussionRecord, target: string, now: string): Promise<TallyView> {
  const discussionId = d.definition.id;
  const stored = (await readTally(db, d.definition, target)) ?? (await leafTally(db, d, target));
  return {
    discussionId,
    unitId: target,
    asOf: stored.updatedAt,
    provisional: now < d.definition.reportingClosesAt,
    unitsTotal: stored.counts.unitsTotal,
    unitsReported: stored.counts.unitsReported,
    unitsQuorate: stored.counts.unitsQuorate,
    membersTotal: stored.counts.membersTotal,
    membersReported: stored.counts.membersReported,
    present: stored.counts.present,
    unitsOfficeSigned: stored.counts.unitsOfficeSigned,
    questions: stored.counts.questions,
  };
}

/**
 * A unit with no units below it has no stored tally row: its tally is its own contribution, from its frozen roll and
 * its current report (immutable rows, so the reads cannot tear).
 */
async function leafTally(db: Db, d: DiscussionRecord, unitId: string): Promise<StoredTally> {
  const found = await findRollAndCurrentReport(db, d.definition.id, unitId, d.definition.questions.map((q) => q.id));
  if (!found) throw notFound('unit', unitId, 'unit');
  return { counts: contributionOf(d.definition, found.roll, found.report), updatedAt: found.report?.submittedAt ?? d.openedAt ?? '' };
}

/** The tally of a subtree summed from the current reports, ignoring the maintained tally entirely. */
export async function recountTally(db: Db, discussionId: string, unitId?: string): Promise<TallyCounts> {
  return inSnapshot(db, (trx) => recountInSnapshot(trx, discussionId, unitId));
}

async function recountInSnapshot(db: Db, discussionId: string, unitId?: string): Promise<TallyCounts> {
  const d = await getDiscussion(db, discussionId);
  const target = unitId ?? d.rootUnitId;
  if (!target || !(await findFrozenUnit(db, discussionId, target))) throw notFound('unit', target ?? '', 'unit');
  const questionIds = d.definition.questions.map((q) => q.id);
  const [units, reports] = await Promise.all([listFrozenUnits(db, discussionId), listCurrentReports(db, discussionId, questionIds)]);
  const inSubtree = units.filter((u) => u.unitId === target || u.ancestors.includes(target));
  return recount(
    d.definition,
    inSubtree.map((u) => {
      const r = reports.get(u.unitId);
      return { roll: u.roll, report: r ? { present: r.present, votes: r.votes, outcome: r.outcome, officeSigned: r.officeSigned } : null };
    }),
  );
}

export interface Arrivals {
  discussionId: string;
  unitId: string;
  interval: 'hour' | 'day';
  /** Units of the subtree that may report (the denominator of coverage). */
  unitsTotal: number;
  /** Per bucket with at least one first report: its start, the units that first reported in it, and the running total. */
  points: Array<{ at: string; reported: number; cumulative: number }>;
}

/**
 * When the reports came in: first reports per hour (a reporting window of up to four days) or per day, with the
 * running total — the curve of coverage over time. Corrections are not arrivals. Public: counts only.
 */
export async function getArrivals(db: Db, discussionId: string, unitId: string | undefined): Promise<Arrivals> {
  const d = await openDiscussionRecord(db, discussionId);
  const target = unitId ?? d.rootUnitId!;
  const unit = await findFrozenUnit(db, discussionId, target);
  if (!unit) throw notFound('unit', target, 'unit');
  const span = Date.parse(d.definition.reportingClosesAt) - Date.parse(d.openedAt ?? d.definition.reportingClosesAt);
  const interval = span <= 4 * 86_400_000 ? 'hour' : 'day';
  const rows = await countFirstReportsByTime(db, discussionId, target, target === d.rootUnitId, interval === 'hour' ? 13 : 10);
  let cumulative = 0;
  const points = rows.map((r) => {
    cumulative += r.n;
    return { at: interval === 'hour' ? `${r.bucket}:00:00.000Z` : `${r.bucket}T00:00:00.000Z`, reported: r.n, cumulative };
  });
  const t = await tallyOf(db, d, target, d.openedAt ?? '');
  return { discussionId, unitId: target, interval, unitsTotal: t.unitsTotal, points };
}

/** Every unit's published tally at one moment, with the size of the log at that moment (docs/verifiable-record.md). */
export interface PublishedTallies {
  discussionId: string;
  /** The number of log entries the figures account for: a verifier recomputes them from entries 0 … logSize − 1. */
  logSize: number;
  asOf: string;
  provisional: boolean;
  /** Every unit of the frozen tree, by id (UTF-16 order), as an anonymous reader sees it (small units withheld). */
  units: ReaderTally[];
}

/**
 * Every unit's tally as the public sees it, read in one snapshot together with the log's size, so the figures and
 * the entries they rest on belong to the same moment (a report and its entry are written in one transaction).
 */
export async function publishedTallies(db: Db, discussionId: string, now: string): Promise<PublishedTallies> {
  return inSnapshot(db, async (trx) => {
    const d = await openDiscussionRecord(trx, discussionId);
    const questionIds = d.definition.questions.map((q) => q.id);
    const [units, stored, reports, head] = await Promise.all([
      listFrozenUnits(trx, discussionId),
      readAllTallies(trx, d.definition),
      listCurrentReports(trx, discussionId, questionIds),
      findLogHead(trx, discussionId),
    ]);
    const provisional = now < d.definition.reportingClosesAt;
    const out: ReaderTally[] = [];
    let asOf = d.openedAt ?? '';
    for (const u of [...units].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0))) {
      const r = reports.get(u.unitId);
      const s = stored.get(u.unitId) ?? {
        counts: contributionOf(d.definition, u.roll, r ? { present: r.present, votes: r.votes, outcome: r.outcome, officeSigned: r.officeSigned } : null),
        updatedAt: r?.submittedAt ?? d.openedAt ?? '',
      };
      if (s.updatedAt > asOf) asOf = s.updatedAt;
      const view: TallyView = { discussionId, unitId: u.unitId, asOf: s.updatedAt, provisional, ...s.counts };
      out.push(asReader(view, null, undefined, d.definition.rules));
    }
    return { discussionId, logSize: head?.size ?? 0, asOf, provisional, units: out };
  });
}
