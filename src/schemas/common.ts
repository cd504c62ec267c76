import { z } from 'zod';
import { isReservedId } from '../domain/ids.ts';

/** Ids chosen by the organization (units, members, discussions, questions, positions): short, printable, no spaces. */
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must start with a letter or digit and use only letters, digits, _ . : -')
  .refine((id) => !isReservedId(id), { message: 'is a reserved word (a name JavaScript objects already use)' });

export const Count = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100_000_000, 'is implausibly large');

/** A report version (or a table version) in a path: a whole number from 1, within what the databases store. */
export const VersionParam = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 or more').max(100_000_000, 'is implausibly large');

export const IsoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2024-01-15T00:00:00Z' });
export const IsoDate = z.iso.date({ error: 'must be a date such as 2024-01-05' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().nullable().optional(),
      line: z.number().int().optional(),
      column: z.union([z.number(), z.string()]).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Free text. NUL characters are refused: PostgreSQL cannot store them, and no minutes contain them. */
export const Text = (max: number, opts: { min?: number } = {}) =>
  z
    .string()
    .min(opts.min ?? 0, 'must not be empty')
    .max(max, `must be at most ${max.toLocaleString('en')} characters`)
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' });

/** A role held at a unit (null for organization-wide roles). */
export const Grant = z.object({ role: z.string(), unitId: z.string().nullable() });
