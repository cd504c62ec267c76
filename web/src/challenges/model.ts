/**
 * Challenges and the commission's decisions in the browser, without React: the API's shapes (types only — the server's
 * zod schemas in src/schemas/challenges.ts are the source), the evidence file read into base64, the counts a
 * strike-votes decision strikes, and where each field the server names is on the page.
 */
import type { z } from 'zod';
import type {
  AdjudicatedTally as AdjudicatedTallySchema,
  Adjudication as AdjudicationSchema,
  Challenge as ChallengeSchema,
  ChallengeInput,
  ChallengeList as ChallengeListSchema,
  DecisionInput,
} from '../../../src/schemas/challenges.ts';
import { challengeDeadline, CHALLENGE_REASONS, DECISIONS, type ChallengeReason, type Decision } from '../../../src/domain/adjudication.ts';
import i18n, { fmt } from '../i18n.ts';

export type Challenge = z.infer<typeof ChallengeSchema>;
export type Adjudication = z.infer<typeof AdjudicationSchema>;
export type ChallengeList = z.infer<typeof ChallengeListSchema>;
export type AdjudicatedTally = z.infer<typeof AdjudicatedTallySchema>;
export type ChallengeBody = z.input<typeof ChallengeInput>;
export type DecisionBody = z.input<typeof DecisionInput>;
export type StruckCounts = NonNullable<Adjudication['struck']>;

export { challengeDeadline, CHALLENGE_REASONS, DECISIONS, type ChallengeReason, type Decision };

export const enc = encodeURIComponent;
export const challengesPath = (discussionId: string, unitId?: string) => `/discussions/${enc(discussionId)}/challenges${unitId ? `?unit=${enc(unitId)}` : ''}`;
export const evidenceHref = (discussionId: string, challengeId: string) => `/api/v1/discussions/${enc(discussionId)}/challenges/${enc(challengeId)}/evidence`;

// ---------------------------------------------------------------------------------------------------------------
// The evidence file: the server takes PDF, JPEG, PNG or plain text, at most 5 MiB, as standard base64.

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
const MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'] as const;
export type EvidenceMediaType = (typeof MEDIA_TYPES)[number];
/** What the file input offers; the server checks again. */
export const EVIDENCE_ACCEPT = '.pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain';
const BY_EXTENSION: Record<string, EvidenceMediaType> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', txt: 'text/plain' };

/** The media type the server will accept for this file, or null (some systems give a .txt no type: go by its name). */
export function evidenceMediaType(file: { name: string; type: string }): EvidenceMediaType | null {
  const type = file.type.split(';')[0]!.trim().toLowerCase();
  if ((MEDIA_TYPES as readonly string[]).includes(type)) return type as EvidenceMediaType;
  if (type !== '' && type !== 'application/octet-stream') return null;
  return BY_EXTENSION[/\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? ''] ?? null;
}

export type EvidenceProblem = { key: 'fileTooLarge'; size: number } | { key: 'fileType' } | { key: 'fileEmpty' } | { key: 'fileUnreadable' };

/** Checks a chosen file before anything is read or sent: a file over the limit is refused here, not uploaded. */
export function checkEvidence(file: { name: string; type: string; size: number }): EvidenceProblem | null {
  if (file.size > MAX_EVIDENCE_BYTES) return { key: 'fileTooLarge', size: file.size };
  if (file.size === 0) return { key: 'fileEmpty' };
  if (!evidenceMediaType(file)) return { key: 'fileType' };
  return null;
}

/** The file's bytes as standard base64 (FileReader's data: URL without its prefix). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

/** A file size in words: bytes, KiB or MiB, in the reader's language. */
export function fileSize(bytes: number, t: (key: string, values: Record<string, string>) => string): string {
  if (bytes < 1024) return t('size.bytes', { n: fmt.number(bytes) });
  const kib = bytes / 1024;
  const one = (n: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(n);
  if (kib < 1024) return t('size.kib', { n: one(kib) });
  return t('size.mib', { n: one(kib / 1024) });
}

// ---------------------------------------------------------------------------------------------------------------
// The strike-votes editor: every count as typed (prefilled "0"), the body made from it.

export interface StruckFields {
  present: string;
  /** question id → position id → text */
  positions: Record<string, Record<string, string>>;
  abstain: Record<string, string>;
}

export interface QuestionShape {
  id: string;
  positions: { id: string }[];
}

export function zeroStruck(questions: readonly QuestionShape[]): StruckFields {
  return {
    present: '0',
    positions: Object.fromEntries(questions.map((q) => [q.id, Object.fromEntries(q.positions.map((p) => [p.id, '0']))])),
    abstain: Object.fromEntries(questions.map((q) => [q.id, '0'])),
  };
}

/** A count as typed: a whole number ≥ 0 (spaces allowed as separators), or null. */
export function readCount(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, '');
  return /^\d{1,9}$/.test(s) ? Number(s) : null;
}

/**
 * The `struck` body of a strike-votes decision and the boxes that are not whole numbers (by the server's field path).
 * A question is sent only when something in it is struck: the server refuses to strike on a question the report did
 * not vote on, even zeros.
 */
export function struckBody(f: StruckFields, questions: readonly QuestionShape[]): { struck: StruckCounts; bad: string[] } {
  const bad: string[] = [];
  const count = (text: string, field: string) => {
    const n = readCount(text);
    if (n === null) bad.push(field);
    return n ?? 0;
  };
  const struck: StruckCounts = { present: count(f.present, 'struck.present'), votes: {} };
  for (const q of questions) {
    const positions = Object.fromEntries(q.positions.map((p) => [p.id, count(f.positions[q.id]?.[p.id] ?? '', `struck.votes.${q.id}.positions.${p.id}`)]));
    const abstain = count(f.abstain[q.id] ?? '', `struck.votes.${q.id}.abstain`);
    if (abstain > 0 || Object.values(positions).some((n) => n > 0)) struck.votes[q.id] = { positions, abstain };
  }
  return { struck, bad };
}

/** Whether a strike strikes anything at all (the server refuses one that does not). */
export const strikesSomething = (s: StruckCounts) =>
  s.present > 0 || Object.values(s.votes).some((v) => v.abstain > 0 || Object.values(v.positions).some((n) => n > 0));

/** An id for the element of a field path, safe in HTML ids and CSS selectors. */
export const fieldId = (prefix: string, field: string) => `${prefix}-${field.replace(/[^A-Za-z0-9_-]/g, '_')}`;
