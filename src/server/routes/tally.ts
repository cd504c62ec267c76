import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id, Text } from '../../schemas/common.ts';
import { Tally, UnitPage } from '../../schemas/tally.ts';
import { DomainError } from '../../domain/errors.ts';
import { getArrivals, readTallyAs } from '../../services/tally.ts';
import { listUnits } from '../../services/unit-listing.ts';
import type { AppContext } from '../app.ts';
import { figuresKey } from '../live.ts';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

export const tallyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const query = z.object({ unit: Id.optional() });
    const openStreams = new Set<() => void>();
    // Before the server stops listening: an open stream would otherwise keep the server from ever closing.
    app.addHook('preClose', async () => {
      for (const close of openStreams) close();
    });

    app.get('/discussions/:id/tally', {
      config: { policy: 'public' },
      schema: {
        summary: 'The live membership-weighted tally of a unit and all its descendants (default: the whole organization)',
        tags: ['tally'],
        params: z.object({ id: Id }),
        querystring: query,
        response: { 200: Tally, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => readTallyAs(ctx.store.db, req.principal, req.params.id, req.query.unit, ctx.now()),
    });

    app.get('/discussions/:id/units', {
      config: { policy: 'public' },
      schema: {
        summary: 'Drill down: the units below a unit (or a name search below it), each with its tally, paged',
        description:
          'Without `q`: the children of `parent` (default: the root). With `q`: every unit below `parent` whose name contains `q`, case-insensitively. `reported=true|false` keeps units that have (or, among units with voting members, have not) reported. Ordered by name; pass `next` back as `cursor`.',
        tags: ['tally'],
        params: z.object({ id: Id }),
        querystring: z.object({
          parent: Id.optional(),
          q: Text(200).optional(),
          reported: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(1000).optional(),
        }),
        response: { 200: UnitPage, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => {
        const { parent, q, reported, limit, cursor } = req.query;
        return listUnits(ctx.store.db, req.principal, req.params.id, { parent, q, reported: reported === undefined ? undefined : reported === 'true', limit, cursor }, ctx.now());
      },
    });

    app.get('/discussions/:id/arrivals', {
      config: { policy: 'public' },
      schema: {
        summary: 'When the reports came in: first reports per hour (or per day, for windows over four days) with the running total',
        tags: ['tally'],
        params: z.object({ id: Id }),
        querystring: query,
        response: {
          200: z.object({
            discussionId: z.string(),
            unitId: z.string(),
            interval: z.enum(['hour', 'day']),
            unitsTotal: z.number().int(),
            points: z.array(z.object({ at: z.string(), reported: z.number().int(), cumulative: z.number().int() })),
          }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
      handler: async (req) => getArrivals(ctx.store.db, req.params.id, req.query.unit),
    });

    app.get('/discussions/:id/tally/stream', {
      config: { policy: 'public' },
      schema: {
        summary: 'Server-Sent Events: the tally now, then again after every accepted report that moves it',
        description: 'Each message is `event: tally` with the same JSON as GET …/tally. A comment line is sent every 15 s to keep proxies from closing the stream.',
        tags: ['tally'],
        params: z.object({ id: Id }),
        querystring: query,
      },
      handler: async (req, reply) => {
        const { id } = req.params;
        // Fail before the stream starts, with a normal error answer, if the discussion or unit is unknown.
        const { unitId, withheld } = await readTallyAs(ctx.store.db, req.principal, id, req.query.unit, ctx.now());
        if (withheld) {
          throw new DomainError('forbidden', `unit '${unitId}' is below the discussion's minimum size for public figures; sign in as someone who may read its reports`, { field: 'unit' });
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 2000\n\n');
        let closed = false;
        let last = '';
        const send = (tally: unknown) => {
          const key = figuresKey(tally);
          if (closed || key === last) return;
          last = key;
          res.write(`event: tally\ndata: ${JSON.stringify(tally)}\n\n`);
          // A client that stopped reading would make us buffer without end: drop it; EventSource reconnects.
          if (res.writableLength > MAX_BUFFERED_BYTES) close();
        };
        let unwatch: () => void = () => undefined;
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const close = () => {
          if (closed) return;
          closed = true;
          openStreams.delete(close);
          unwatch();
          clearInterval(heartbeat);
          res.end();
        };
        openStreams.add(close);
        req.raw.on('close', close);
        try {
          const stop = await ctx.hub.watch(id, unitId, send);
          if (closed) stop();
          else unwatch = stop;
        } catch {
          close();
        }
      },
    });
  };
