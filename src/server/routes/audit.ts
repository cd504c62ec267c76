/** The audit log, for the office and the commission: every change, in order, pageable. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { ErrorBody, Grant } from '../../schemas/common.ts';
import { listAuditEvents } from '../../storage/audit.repository.ts';
import type { AppContext } from '../app.ts';

const AuditEvent = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ kind: z.string(), id: z.string(), grants: z.array(Grant), address: z.string().nullable() }),
    action: z.string(),
    target: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

/** A cursor is the last event's `at` and `id`, opaque to clients. */
const encode = (e: { at: string; id: string }) => Buffer.from(JSON.stringify([e.at, e.id])).toString('base64url');
function decode(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'string') return { at, id };
  } catch {
    /* fall through */
  }
  throw new DomainError('invalid_input', 'cursor: not a cursor this API returned', { field: 'cursor' });
}

export const auditRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/audit', {
      config: { policy: 'audit:read' },
      schema: {
        summary: 'The audit log: who changed what, when, from where (office and commission)',
        description: 'Oldest first. Follow `next` for the following page. Append-only: nothing is ever edited or removed.',
        tags: ['audit'],
        security: [{ bearer: [] }],
        querystring: z.object({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ items: z.array(AuditEvent), next: z.string().nullable() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      handler: async (req) => {
        const items = await listAuditEvents(ctx.store.db, { after: req.query.cursor ? decode(req.query.cursor) : undefined, limit: req.query.limit });
        const last = items.at(-1);
        return { items, next: items.length === req.query.limit && last ? encode(last) : null };
      },
    });
  };
