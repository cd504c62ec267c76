/** The organization: unit tree and member roll imports, and the configurable member statuses. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importMembersCsv } from '../../services/import-members.ts';
import { importUnitsCsv } from '../../services/import-units.ts';
import { getStatuses, setStatus } from '../../services/statuses.ts';
import { actorOf, type AppContext } from '../app.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { getMembers } from '../../services/roll.ts';

const ImportResult = z.object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int() }).meta({ id: 'ImportResult' });
const Status = z.object({ status: z.string(), votes: z.boolean() }).meta({ id: 'MemberStatus' });
const IMPORT_LIMIT = 512 * 1024 * 1024;

export const rollRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/units/import', {
      config: { policy: 'roll:write' },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        summary: 'Import the unit tree (CSV id,parent_id,name,kind)',
        description: 'Atomic and idempotent: all rows or none; re-importing upserts by id. Errors name the line and column.',
        tags: ['organization'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        body: z.string().describe('CSV text with header id,parent_id,name,kind'),
        response: { 200: ImportResult, 400: ErrorBody },
      },
      handler: async (req) => importUnitsCsv(ctx.store.db, req.body, ctx.now(), undefined, actorOf(req)),
    });

    app.post('/members/import', {
      config: { policy: 'roll:write' },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        summary: 'Import the member roll (CSV id,unit_id,name,email,status)',
        description: 'Atomic and idempotent. Names and emails are personal data and never appear in public output.',
        tags: ['organization'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        body: z.string().describe('CSV text with header id,unit_id,name,email,status'),
        response: { 200: ImportResult, 400: ErrorBody },
      },
      handler: async (req) => importMembersCsv(ctx.store.db, req.body, ctx.now(), undefined, actorOf(req)),
    });

    app.get('/units/:unitId/members', {
      config: { policy: 'roll:read' },
      schema: {
        summary: 'The members of a unit and the units below it, with names and emails (office; a committee for its subtree)',
        tags: ['organization'],
        security: [{ bearer: [] }],
        params: z.object({ unitId: Id }),
        response: { 200: z.array(z.object({ id: z.string(), unitId: z.string(), name: z.string(), email: z.string(), status: z.string() })), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => getMembers(ctx.store.db, req.principal!, req.params.unitId),
    });

    app.get('/statuses', {
      config: { policy: 'public' },
      schema: { summary: 'Member statuses and whether each votes', tags: ['organization'], response: { 200: z.array(Status) } },
      handler: async () => getStatuses(ctx.store.db),
    });

    app.put('/statuses/:status', {
      config: { policy: 'roll:write' },
      schema: {
        summary: 'Add a member status or set whether it votes',
        description: 'Takes effect for discussions opened afterwards; an open discussion keeps its frozen roll.',
        tags: ['organization'],
        security: [{ bearer: [] }],
        params: z.object({ status: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be lower-case letters, digits, _ or -, at most 40') }),
        body: z.object({ votes: z.boolean() }).strict(),
        response: { 200: Status, 400: ErrorBody },
      },
      handler: async (req) => setStatus(ctx.store.db, { status: req.params.status, votes: req.body.votes }, ctx.now(), actorOf(req)),
    });
  };
