/** Unit secretaries' signing keys: enrol, list, approve, refuse, revoke (src/services/keys.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { EnrolKeyInput, KeyApproval, KeyDecision, KeyState, SigningKey } from '../../schemas/keys.ts';
import { approveKey, enrolKey, listKeys, refuseKey, revokeKey } from '../../services/keys.ts';
import { actorOf, type AppContext } from '../app.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const keyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/keys', {
      config: { policy: 'key:enrol' },
      schema: {
        summary: "Enrol a signing key for one's own unit (a secretary); it signs the unit's reports once an officer above approves it",
        tags: ['keys'],
        body: EnrolKeyInput,
        response: { 201: SigningKey, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await enrolKey(ctx.store.db, actorOf(req), req.body, ctx.now())),
    });

    app.get('/keys', {
      config: { policy: 'key:read' },
      schema: {
        summary: 'Signing keys in reach: the office all, a committee its subtree, a secretary her unit',
        tags: ['keys'],
        querystring: z.object({ unit: Id.optional(), state: KeyState.optional() }),
        response: { 200: z.object({ items: z.array(SigningKey) }), ...errors },
      },
      handler: async (req) => ({ items: await listKeys(ctx.store.db, req.principal!, { unitId: req.query.unit, state: req.query.state }) }),
    });

    const params = z.object({ keyId: Id });
    app.post('/keys/:keyId/approve', {
      config: { policy: 'key:decide' },
      schema: { summary: 'Approve a pending key (an officer of a unit above its unit); logged in every open discussion', tags: ['keys'], params, body: KeyApproval, response: { 200: SigningKey, ...errors } },
      handler: async (req) => approveKey(ctx.store.db, actorOf(req), req.params.keyId, req.body.reason ?? null, ctx.now()),
    });
    app.post('/keys/:keyId/refuse', {
      config: { policy: 'key:decide' },
      schema: { summary: 'Refuse a pending key, with a reason', tags: ['keys'], params, body: KeyDecision, response: { 200: SigningKey, ...errors } },
      handler: async (req) => refuseKey(ctx.store.db, actorOf(req), req.params.keyId, req.body.reason, ctx.now()),
    });
    app.post('/keys/:keyId/revoke', {
      config: { policy: 'key:decide' },
      schema: { summary: "Revoke an active key, with a reason (an officer above, or the unit's own secretary); logged", tags: ['keys'], params, body: KeyDecision, response: { 200: SigningKey, ...errors } },
      handler: async (req) => revokeKey(ctx.store.db, actorOf(req), req.params.keyId, req.body.reason, ctx.now()),
    });
  };
