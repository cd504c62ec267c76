import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { Discussion, DiscussionInput } from '../../schemas/discussion.ts';
import { createDiscussion, getDiscussion, getDiscussions, openDiscussion, viewOf } from '../../services/discussions.ts';
import { actorOf, type AppContext } from '../app.ts';

export const discussionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/discussions', {
      config: { policy: 'discussion:write' },
      schema: {
        summary: 'Create a discussion (a draft until opened)',
        tags: ['discussions'],
        security: [{ bearer: [] }],
        body: DiscussionInput,
        response: { 201: Discussion, 400: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => reply.status(201).send(await createDiscussion(ctx.store.db, req.body, ctx.now(), actorOf(req))),
    });

    app.get('/discussions', {
      config: { policy: 'public' },
      schema: { summary: 'All discussions', tags: ['discussions'], response: { 200: z.array(Discussion) } },
      handler: async () => getDiscussions(ctx.store.db, ctx.now()),
    });

    app.get('/discussions/:id', {
      config: { policy: 'public' },
      schema: { summary: 'One discussion', tags: ['discussions'], params: z.object({ id: Id }), response: { 200: Discussion, 404: ErrorBody } },
      handler: async (req) => viewOf(await getDiscussion(ctx.store.db, req.params.id), ctx.now()),
    });

    app.post('/discussions/:id/open', {
      config: { policy: 'discussion:write' },
      schema: {
        summary: 'Open a discussion: freeze the roll and start accepting reports',
        description: "Each unit's number of voting members now becomes its weight in this discussion; later roll changes do not move it.",
        tags: ['discussions'],
        security: [{ bearer: [] }],
        params: z.object({ id: Id }),
        response: { 200: Discussion, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => openDiscussion(ctx.store.db, req.params.id, ctx.now(), undefined, actorOf(req)),
    });
  };
