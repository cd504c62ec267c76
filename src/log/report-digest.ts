/**
 * Report digests: a report entry of `plenum verify`'s log as the walk (src/log/verify.ts) needs it, in numbers.
 *
 * Once the walk has read entry 0 and the whole roll, it hands the entry threads a `DigestContext`. From then on a
 * thread checks each later report's own rules itself — the discussion it names, its unit on the roll, its counts
 * against that unit's roll and the discussion's questions (domain/report.ts), submitted before reporting closed —
 * and, if they all hold and its signature was checked with a key the thread knew, sends only a row of numbers:
 *
 *   unit (its place in the roll) · version · supersedes (0: null) · key (its place in the bundle's key ids) · present
 *   then for each question, in entry 0's order: abstain, then each position's votes in entry 0's order
 *   (−1 where the report has no such question or position)
 *
 * Any other report is sent whole, and the walk checks it as before: a refusal reads the same either way. The walk
 * keeps each unit's current row, not its entry, so no object per report crosses threads or outlives its step (the
 * structured clone of a million entries, and the garbage of their promotion, were a fifth of verify's overhead).
 */
import type { DiscussionDefinition } from '../domain/discussion.ts';
import { reportCountsWithin, type QuestionVotes } from '../domain/report.ts';
import { compareUtf16 } from './canonical.ts';
import type { DiscussionEntry, ReportEntry } from './entries.ts';

/** What the entry threads need to check a report's own rules: entry 0, where the roll ended, and the roll. */
export interface DigestContext {
  discussion: DiscussionEntry;
  /** The index of the roll's last part: only reports after it are digested. */
  rollEnd: number;
  /** The roll's units, [unitId, voting members on the frozen roll], in the order their rows name them. */
  units: Array<[string, number]>;
}

/** The discussion as the domain rules read it, from entry 0 (titles and texts are not in the log, and not needed). */
export function definitionOf(e: DiscussionEntry): DiscussionDefinition {
  return {
    id: e.discussionId,
    title: '',
    reportingClosesAt: e.reportingClosesAt,
    rules: {
      quorum: Number(e.rules.quorum),
      majority: e.rules.majority,
      publicMinUnitSize: e.rules.publicMinUnitSize,
      ...(e.rules.witnesses.required > 0 ? { witnesses: e.rules.witnesses } : {}),
    },
    questions: e.questions.map((q) => ({ id: q.id, text: '', positions: q.positions.map((p) => ({ id: p, title: '' })) })),
  };
}

const INT32_MAX = 0x7fffffff;
const YEAR_10000 = Date.UTC(10000, 0, 1);

/** Row fields before the votes. */
const UNIT = 0;
const VERSION = 1;
const SUPERSEDES = 2;
const KEY = 3;
const PRESENT = 4;
const VOTES = 5;

/** A report's digest, read from a bundle's rows. */
export interface DigestedReport {
  unitId: string;
  /** The unit's place in the roll. */
  unit: number;
  version: number;
  supersedes: number | null;
  keyId: string;
}

export class ReportDigester {
  /** Numbers in a row. */
  readonly width: number;
  readonly unitIds: string[];
  private readonly id: string;
  private readonly rollEnd: number;
  private readonly closes: number;
  /** The close as `YYYY-MM-DDTHH:MM:SS.sssZ` (null: outside years 1970…9999). */
  private readonly closesText: string | null;
  private readonly unitIndex: Map<string, number>;
  private readonly rolls: Float64Array;
  private readonly questions: Array<{ id: string; positions: string[] }>;
  private readonly within: ReturnType<typeof reportCountsWithin>;
  /** Where each question's and position's numbers are in a row, in canonical (sorted) order: the parser's order. */
  private readonly sorted: Array<{ id: string; at: number; positions: Array<{ id: string; at: number }> }>;
  /** False when entry 0 names a question or position twice: then nothing is digested. */
  readonly usable: boolean;

  constructor(context: DigestContext) {
    const d = definitionOf(context.discussion);
    this.id = d.id;
    this.rollEnd = context.rollEnd;
    this.closes = Date.parse(context.discussion.reportingClosesAt);
    this.closesText = Number.isFinite(this.closes) && this.closes >= 0 && this.closes < YEAR_10000 ? new Date(this.closes).toISOString() : null;
    this.unitIds = context.units.map(([id]) => id);
    this.unitIndex = new Map(context.units.map(([id], i) => [id, i]));
    this.rolls = Float64Array.from(context.units, ([, roll]) => roll);
    this.questions = context.discussion.questions.map((q) => ({ id: q.id, positions: q.positions }));
    this.within = reportCountsWithin(d);
    let at = VOTES;
    const layout = this.questions.map((q) => {
      const start = at;
      at += 1 + q.positions.length;
      return { id: q.id, at: start, positions: q.positions.map((p, k) => ({ id: p, at: start + 1 + k })) };
    });
    this.width = at;
    const byId = (a: { id: string }, b: { id: string }) => compareUtf16(a.id, b.id);
    this.sorted = layout.map((q) => ({ ...q, positions: [...q.positions].sort(byId) })).sort(byId);
    const distinct = (ids: string[]) => new Set(ids).size === ids.length;
    this.usable = distinct(this.questions.map((q) => q.id)) && this.questions.every((q) => distinct(q.positions)) && this.unitIndex.size === this.unitIds.length;
  }

  /**
   * Writes the row of report `e` at log `index` into `rows` at `at` if every rule that needs only the report, entry 0
   * and the roll holds; false (nothing promised about `rows`) if one does not, or the report comes before the roll ended.
   */
  digest(e: ReportEntry, index: number, key: number, rows: Float64Array, at: number): boolean {
    // Versions past 2^31 − 1 (valid, if absurd) go whole: a row's ids are read back as small integers.
    if (!this.usable || index <= this.rollEnd || e.discussionId !== this.id || e.version > INT32_MAX) return false;
    const unit = this.unitIndex.get(e.unitId);
    if (unit === undefined || !this.within(e, this.rolls[unit]!) || !this.beforeClosing(e.submittedAt)) return false;
    rows[at + UNIT] = unit;
    rows[at + VERSION] = e.version;
    rows[at + SUPERSEDES] = e.supersedes ?? 0;
    rows[at + KEY] = key;
    rows[at + PRESENT] = e.present;
    let o = at + VOTES;
    for (const q of this.questions) {
      const v = Object.hasOwn(e.votes, q.id) ? e.votes[q.id] : undefined;
      rows[o++] = v ? v.abstain : -1;
      for (const p of q.positions) rows[o++] = v && Object.hasOwn(v.positions, p) ? v.positions[p]! : -1;
    }
    return true;
  }

  /**
   * Date.parse(at) < reporting's close. Two times of the one form `YYYY-MM-DDTHH:MM:SS.sssZ` (the form the server
   * writes; the schema has checked the rest) compare as their strings do, without parsing either.
   */
  private beforeClosing(at: string): boolean {
    if (this.closesText !== null && at.length === 24 && at.charCodeAt(23) === 0x5a && at.charCodeAt(19) === 0x2e && at.charCodeAt(10) === 0x54) return at < this.closesText;
    return Date.parse(at) < this.closes;
  }

  /** The row at `at` as the walk reads it, `keyIds` the bundle's: into `out` (the walk reuses one, a million times). */
  read(rows: Float64Array, at: number, keyIds: readonly string[], out: DigestedReport = { unitId: '', unit: 0, version: 0, supersedes: null, keyId: '' }): DigestedReport {
    // `| 0`: small integers, as the optimizer expects them (a double here deoptimizes the walk again and again).
    const unit = rows[at + UNIT]! | 0;
    const supersedes = rows[at + SUPERSEDES]! | 0;
    out.unitId = this.unitIds[unit]!;
    out.unit = unit;
    out.version = rows[at + VERSION]! | 0;
    out.supersedes = supersedes === 0 ? null : supersedes;
    out.keyId = keyIds[rows[at + KEY]! | 0]!;
    return out;
  }

  /** The counts of the row at `at`, as its entry had them (questions and positions in the entry's own order). */
  counts(rows: Float64Array, at: number): { present: number; votes: Record<string, QuestionVotes> } {
    const votes: Record<string, QuestionVotes> = {};
    for (const q of this.sorted) {
      const abstain = rows[at + q.at]!;
      if (abstain < 0) continue;
      const positions: Record<string, number> = {};
      for (const p of q.positions) {
        const n = rows[at + p.at]!;
        if (n >= 0) positions[p.id] = n;
      }
      votes[q.id] = { abstain, positions };
    }
    return { present: rows[at + PRESENT]!, votes };
  }
}
