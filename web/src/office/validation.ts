/**
 * Turning the server's own zod schema's issues into words in the reader's language. The rule is the server's
 * (`DiscussionInput` is imported as a value, so the browser checks exactly what the server will); only the wording
 * is ours.
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { fmt } from '../i18n.ts';

export type Issue = z.core.$ZodIssue;

export const pathKey = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.');
/** The DOM id of the input for a field path: `questions.0.positions.1.id` → `f-questions-0-positions-1-id`. */
export const fieldDomId = (path: string) => `f-${path.replaceAll('.', '-')}`;

export function issueText(issue: Issue, t: TFunction<'office'>): string {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return t('v.required');
      if (issue.origin === 'array') return last === 'positions' ? t('v.needPosition') : t('v.needQuestion');
      return t('v.min', { min: fmt.number(Number(issue.minimum)) });
    case 'too_big':
      if (issue.origin === 'string') return t('v.tooLong', { max: fmt.number(Number(issue.maximum)) });
      if (issue.origin === 'array') return t('v.tooMany', { max: fmt.number(Number(issue.maximum)) });
      return t('v.max', { max: fmt.number(Number(issue.maximum)) });
    case 'invalid_format':
      if (issue.format === 'regex') return t('v.id');
      if (issue.format === 'datetime') return t('v.dateTime');
      return issue.message;
    case 'invalid_type':
      if (issue.expected === 'int') return t('v.whole');
      if (issue.expected === 'number') return t('v.number');
      if (issue.expected === 'string' && last === 'reportingClosesAt') return t('v.dateTime');
      return t('v.required');
    case 'invalid_value':
      return t('v.choose');
    case 'custom':
      if (/reserved/.test(issue.message)) return t('v.reserved');
      if (/NUL/.test(issue.message)) return t('v.nul');
      return issue.message;
    default:
      return issue.message;
  }
}

/** Reads a decimal typed with a point or a comma ("0,6" in Russian); NaN when it is not one. */
export function parseDecimal(s: string): number {
  const v = s.trim().replace(',', '.');
  return /^\d*\.?\d+$|^\d+\.$/.test(v) ? Number(v) : Number.NaN;
}
