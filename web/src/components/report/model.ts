/**
 * The report form's logic, without React: the form's text fields, the body they make, and the checks — exactly the
 * server's: the boundary schema (ReportInput, zod) and the count rules (checkReportCounts), then the derived outcome
 * (deriveOutcome). Every error is named by the server's field path (`present`, `votes.q1`, `votes.q1.positions.cc`)
 * and carries a catalog key and its values, so the page can say it in the reader's language.
 */
import { ReportInput } from '../../../../src/schemas/report.ts';
import { checkReportCounts, deriveOutcome, type ReportOutcome } from '../../../../src/domain/report.ts';
import { isDomainError } from '../../../../src/domain/errors.ts';
import type { Discussion } from '../../../../src/schemas/discussion.ts';
import type { ReportVersion } from '../../../../src/schemas/report.ts';

/** What the person typed: every count as text (an empty box is not 0). */
export interface FormFields {
  meetingDate: string;
  present: string;
  /** question id → position id → text */
  positions: Record<string, Record<string, string>>;
  abstain: Record<string, string>;
  resolution: string;
}

/** One problem, by the server's field path; `key` is in the `report` catalog under `errors.`. */
export interface FieldProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
  /** The rule's own (English) wording, when it came from the shared rules or the server. */
  detail?: string;
}

export type ReportBody = ReportInput;

export function emptyFields(discussion: Pick<Discussion, 'questions'>): FormFields {
  const positions: FormFields['positions'] = {};
  const abstain: FormFields['abstain'] = {};
  for (const q of discussion.questions) {
    positions[q.id] = Object.fromEntries(q.positions.map((p) => [p.id, '']));
    abstain[q.id] = '';
  }
  return { meetingDate: '', present: '', positions, abstain, resolution: '' };
}

/** The fields of a stored version (a correction starts from it). */
export function fieldsFromVersion(discussion: Pick<Discussion, 'questions'>, v: ReportVersion): FormFields {
  const f = emptyFields(discussion);
  f.meetingDate = v.meetingDate;
  f.present = v.present === null ? '' : String(v.present);
  for (const q of discussion.questions) {
    const qv = v.votes?.[q.id];
    for (const p of q.positions) f.positions[q.id]![p.id] = qv ? String(qv.positions[p.id] ?? 0) : '';
    f.abstain[q.id] = qv ? String(qv.abstain) : '';
  }
  f.resolution = v.resolution ?? '';
  return f;
}

/**
 * A count as typed → what goes into the body: a whole number (spaces allowed as thousands separators), undefined
 * for an empty box, or the text itself (the schema then refuses it as "not a number").
 */
export function readCount(text: string): number | string | undefined {
  const t = text.replace(/[\s\u00a0\u202f]/g, '');
  if (t === '') return undefined;
  if (/^[-−]?\d+$/.test(t)) return Number(t.replace('−', '-'));
  return text;
}

/** The request body the form makes (before checking). */
export function bodyOf(unitId: string, f: FormFields, discussion: Pick<Discussion, 'questions'>, supersedes: number | null): Record<string, unknown> {
  const votes: Record<string, unknown> = {};
  for (const q of discussion.questions) {
    votes[q.id] = {
      positions: Object.fromEntries(q.positions.map((p) => [p.id, readCount(f.positions[q.id]?.[p.id] ?? '')])),
      abstain: readCount(f.abstain[q.id] ?? ''),
    };
  }
  return {
    unitId,
    meetingDate: f.meetingDate,
    present: readCount(f.present),
    votes,
    resolution: f.resolution,
    ...(supersedes !== null ? { supersedes } : {}),
  };
}

/** The schema's issue → a catalog key. */
function schemaProblem(issue: { code: string; path: PropertyKey[]; message: string; input?: unknown; maximum?: unknown; origin?: string }): FieldProblem {
  const field = issue.path.map(String).join('.');
  const detail = `${field}: ${issue.message}`;
  const empty = issue.input === undefined || issue.input === '';
  switch (issue.code) {
    case 'invalid_type':
      return { field, key: empty ? 'required' : 'wholeNumber', detail };
    case 'too_small':
      return { field, key: 'atLeastZero', detail };
    case 'too_big':
      return issue.origin === 'string' ? { field, key: 'tooLong', values: { max: Number(issue.maximum) }, detail } : { field, key: 'tooLarge', detail };
    case 'invalid_format':
      return { field, key: empty ? 'requiredDate' : 'date', detail };
    case 'custom':
      return field === 'resolution' ? { field, key: 'nul', detail } : { field, key: 'invalid', detail };
    default:
      return { field, key: 'invalid', detail };
  }
}

/** The count rules' error → a catalog key with the figures. */
function countProblem(e: { message: string; field: string | undefined }, body: ReportBody, roll: number): FieldProblem {
  const field = e.field ?? 'unitId';
  if (field === 'present') return { field, key: 'presentOverRoll', values: { present: body.present, roll }, detail: e.message };
  if (field === 'unitId') return { field, key: 'noRoll', detail: e.message };
  const m = /^votes\.([^.]+)$/.exec(field);
  if (m) {
    const v = body.votes[m[1]!]!;
    const cast = Object.values(v.positions).reduce((a, b) => a + b, 0);
    return { field, key: 'votesOverPresent', values: { cast, abstain: v.abstain, total: cast + v.abstain, present: body.present }, detail: e.message };
  }
  return { field, key: 'invalid', detail: e.message };
}

export interface Checked {
  problems: FieldProblem[];
  /** The body when every check passed. */
  body: ReportBody | null;
  /** Present, when it is a valid count within the roll. */
  present: number | null;
  /** The outcome of what can be derived: quorum once `present` is valid; a question once its counts are valid. */
  quorate: boolean | null;
  adopted: Record<string, string | null | undefined>;
  /** Each question's counts, when they are valid. */
  votes: Record<string, { positions: Record<string, number>; abstain: number }>;
}

/**
 * Every problem of the form at once. The server stops at the first; here each part is checked by the same rules
 * separately (the schema on the whole body; checkReportCounts on `present` alone, then on each question alone), so
 * every field shows its own error, and a body with no problems is one the server accepts (the whole body is checked
 * once more at the end).
 */
export function checkForm(unitId: string, f: FormFields, discussion: Discussion, roll: number, supersedes: number | null): Checked {
  const raw = bodyOf(unitId, f, discussion, supersedes);
  const problems: FieldProblem[] = [];
  const parsed = ReportInput.safeParse(raw, { reportInput: true });
  const bad = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const p = schemaProblem(issue as Parameters<typeof schemaProblem>[0]);
      if (!bad.has(p.field)) problems.push(p);
      bad.add(p.field);
    }
  }
  const r = raw as { present: unknown; votes: Record<string, { positions: Record<string, unknown>; abstain: unknown }> };
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100_000_000;
  const base: ReportBody = { unitId, meetingDate: '2000-01-01', present: 0, votes: {}, resolution: '' };

  // Attendance against the frozen roll.
  let present: number | null = null;
  if (isCount(r.present)) {
    try {
      checkReportCounts({ ...base, present: r.present }, roll, discussion);
      present = r.present;
    } catch (e) {
      if (!isDomainError(e)) throw e;
      problems.push(countProblem({ message: e.message, field: e.field }, { ...base, present: r.present }, roll));
    }
  }
  // Each question's votes against those present (the roll rule is checked above; here it must not mask this one).
  const quorate = present === null ? null : deriveOutcome({ present, votes: {} }, roll, discussion).quorate;
  const adopted: Checked['adopted'] = {};
  const valid: Checked['votes'] = {};
  for (const q of discussion.questions) {
    const v = r.votes[q.id]!;
    const counts = [...Object.values(v.positions), v.abstain];
    if (!isCount(r.present) || !counts.every(isCount)) continue;
    const votes = { [q.id]: { positions: v.positions as Record<string, number>, abstain: v.abstain as number } };
    const one: ReportBody = { ...base, present: r.present, votes };
    try {
      checkReportCounts(one, Math.max(roll, r.present), discussion);
      valid[q.id] = votes[q.id]!;
      if (present !== null) adopted[q.id] = deriveOutcome({ present, votes }, roll, discussion).adopted[q.id];
    } catch (e) {
      if (!isDomainError(e)) throw e;
      problems.push(countProblem({ message: e.message, field: e.field }, one, roll));
    }
  }
  if (problems.length === 0 && parsed.success) {
    // The whole body, as the server will check it.
    try {
      checkReportCounts(parsed.data, roll, discussion);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      problems.push(countProblem({ message: e.message, field: e.field }, parsed.data, roll));
    }
  }
  return { problems, body: problems.length === 0 && parsed.success ? parsed.data : null, present, quorate, adopted, votes: valid };
}

export function outcomeOf(body: ReportBody, roll: number, discussion: Discussion): ReportOutcome {
  return deriveOutcome(body, roll, discussion);
}

/** One line of "what changed" between the current version and the correction. */
export type Change =
  | { kind: 'meetingDate'; from: string; to: string }
  | { kind: 'present'; from: number | null; to: number }
  | { kind: 'vote'; question: string; position: string; from: number | null; to: number }
  | { kind: 'abstain'; question: string; from: number | null; to: number }
  | { kind: 'resolution'; known: boolean; fromLength: number; toLength: number }
  | { kind: 'quorate'; from: boolean | null; to: boolean }
  | { kind: 'adopted'; question: string; from: string | null | undefined; to: string | null };

export function changesFrom(current: ReportVersion, body: ReportBody, outcome: ReportOutcome, discussion: Discussion): Change[] {
  const out: Change[] = [];
  if (current.meetingDate !== body.meetingDate) out.push({ kind: 'meetingDate', from: current.meetingDate, to: body.meetingDate });
  if (current.present !== body.present) out.push({ kind: 'present', from: current.present, to: body.present });
  for (const q of discussion.questions) {
    const was = current.votes?.[q.id];
    const now = body.votes[q.id]!;
    for (const p of q.positions) {
      const from = was ? (was.positions[p.id] ?? 0) : null;
      const to = now.positions[p.id] ?? 0;
      if (from !== to) out.push({ kind: 'vote', question: q.id, position: p.id, from, to });
    }
    const from = was ? was.abstain : null;
    if (from !== now.abstain) out.push({ kind: 'abstain', question: q.id, from, to: now.abstain });
  }
  if (current.resolution === null) out.push({ kind: 'resolution', known: false, fromLength: 0, toLength: body.resolution.length });
  else if (current.resolution !== body.resolution) out.push({ kind: 'resolution', known: true, fromLength: current.resolution.length, toLength: body.resolution.length });
  if (current.quorate !== outcome.quorate) out.push({ kind: 'quorate', from: current.quorate, to: outcome.quorate });
  for (const q of discussion.questions) {
    const from = current.adopted?.[q.id];
    const to = outcome.adopted[q.id] ?? null;
    if ((from ?? null) !== to) out.push({ kind: 'adopted', question: q.id, from, to });
  }
  return out;
}

/** Whether a change list holds anything the person changed (not only derived lines). */
export const changedSomething = (changes: Change[]) => changes.some((c) => c.kind !== 'quorate' && c.kind !== 'adopted' && !(c.kind === 'resolution' && !c.known));

/** A random Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The DOM id of the input a field path points at (errors link to it; the first one gets focus). */
export function inputIdOf(prefix: string, field: string, discussion: Pick<Discussion, 'questions'>): string {
  const m = /^votes\.([^.]+)(?:\.(positions)\.([^.]+)|\.(abstain))?$/.exec(field);
  if (m) {
    const q = m[1]!;
    if (m[3]) return `${prefix}-v-${q}-${m[3]}`;
    if (m[4]) return `${prefix}-a-${q}`;
    const first = discussion.questions.find((x) => x.id === q)?.positions[0];
    return first ? `${prefix}-v-${q}-${first.id}` : `${prefix}-a-${q}`;
  }
  if (field === 'meetingDate') return `${prefix}-date`;
  if (field === 'present') return `${prefix}-present`;
  if (field === 'resolution') return `${prefix}-resolution`;
  return `${prefix}-present`;
}
