/**
 * The one error type of Plenum. Every refusal a user can meet is a DomainError with a code from this closed list;
 * `src/server/http-errors.ts` maps each code to an HTTP status in one place, the CLI prints it and exits non-zero.
 * Messages name the field and the rule: "present (41) exceeds the unit's voting roll (40)".
 */
export const ERROR_CODES = [
  'invalid_input', // a value breaks a stated rule (type, range, sum)
  'csv_invalid', // a CSV file breaks a rule; carries line and column
  'not_found', // no such thing (or not visible to the caller)
  'unauthenticated', // no or unknown credentials
  'forbidden', // credentials that may not do this
  'conflict', // the thing exists already / a state forbids the change
  'version_conflict', // a correction did not name the current version
  'idempotency_key_reused', // same Idempotency-Key, different request
  'discussion_not_open', // reports before the discussion was opened
  'reporting_closed', // reports after reportingClosesAt
  'payload_too_large',
  'rate_limited',
  'unsupported_media_type',
  'unavailable', // the database is busy (another process holds the write lock); retry
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorLocation {
  line?: number;
  column?: number | string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly location: ErrorLocation | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, opts: { field?: string; location?: ErrorLocation; details?: unknown } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = opts.field;
    this.location = opts.location;
    this.details = opts.details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

export const invalid = (field: string, message: string) => new DomainError('invalid_input', message, { field });
export const notFound = (what: string, id: string, field?: string) =>
  new DomainError('not_found', `${what} '${id}' not found`, field === undefined ? {} : { field });
