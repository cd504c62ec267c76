import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { Tally } from '../../schemas/tally.ts';
import { getTally } from '../../services/tally.ts';
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
        response: { 200: Tally, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => getTally(ctx.store.db, req.params.id, req.query.unit, ctx.now()),
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
        const { unitId } = await getTally(ctx.store.db, id, req.query.unit, ctx.now());
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
