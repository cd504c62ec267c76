/** Who has not reported: for the office and committees (personal data: the secretaries' emails). JSON pages or CSV. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { getUnreported, type UnreportedUnit } from '../../services/progress.ts';
import type { AppContext } from '../app.ts';

const Unreported = z.object({
  unitId: z.string(),
  name: z.string(),
  kind: z.string(),
  parentId: z.string().nullable(),
  ancestors: z.array(z.string()).describe('root first'),
  path: z.array(z.object({ id: z.string(), name: z.string() })).describe('the ancestors with their names, root first'),
  roll: z.number().int().describe('voting members on the frozen roll'),
  secretaries: z.array(z.object({ accountId: z.string(), email: z.string() })),
});

/** RFC 4180 field; a leading =, +, - or @ is neutralised so a spreadsheet does not run it as a formula. */
const csvField = (s: string) => {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};
const csvRow = (u: UnreportedUnit) =>
  [u.unitId, u.name, u.kind, u.parentId ?? '', u.path.map((p) => p.name).join(' / '), String(u.roll), u.secretaries.map((s) => s.email).join(' ')].map(csvField).join(',');

export const progressRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/discussions/:id/not-reported', {
      config: { policy: 'progress:read' },
      schema: {
        summary: "Units with voting members that have not reported, with their secretaries' contacts (office; a committee for its subtree)",
        description: 'Filter by a subtree with `under` (a region, a district). Pages of `limit` in unit-id order; pass `next` back as `cursor`. `format=csv` returns every row as CSV (unit_id,name,kind,parent_id,path,roll,secretaries).',
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: z.object({ id: Id }),
        querystring: z.object({
          under: Id.optional(),
          cursor: Id.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          format: z.enum(['json', 'csv']).default('json'),
        }),
        response: { 200: z.union([z.object({ items: z.array(Unreported), next: z.string().nullable() }), z.string()]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const { id } = req.params;
        const { under, cursor, limit, format } = req.query;
        if (format === 'json') return getUnreported(ctx.store.db, req.principal!, id, { under, after: cursor, limit });
        const lines = ['unit_id,name,kind,parent_id,path,roll,secretaries'];
        let after: string | undefined;
        for (;;) {
          const page = await getUnreported(ctx.store.db, req.principal!, id, { under, after, limit: 1000 });
          lines.push(...page.items.map(csvRow));
          if (!page.next) break;
          after = page.next;
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="not-reported-${id}${under ? `-${under}` : ''}.csv"`)
          .send(`${lines.join('\r\n')}\r\n`);
      },
    });
  };
