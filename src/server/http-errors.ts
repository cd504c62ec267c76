/** The one place error codes become HTTP statuses, and the one shape every error answer has. */
import type { ErrorCode } from '../domain/errors.ts';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  csv_invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  idempotency_key_reused: 422,
  discussion_not_open: 409,
  reporting_closed: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; field?: string | null; line?: number; column?: number | string };
}

/** Messages quote what was sent (an unknown id, say); a huge input is not echoed back whole. */
const MAX_MESSAGE = 1000;

export function errorBody(code: ErrorCode, message: string, field?: string | null, location?: { line?: number; column?: number | string }): ErrorBody {
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  const error: ErrorBody['error'] = { code, message: text, field: field ?? null };
  if (location?.line !== undefined) error.line = location.line;
  if (location?.column !== undefined) error.column = location.column;
  return { error };
}
