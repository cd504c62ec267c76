/** Invitations from the roll and password resets: one-time links sent by email. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptInvitation, completePasswordReset, inviteMembers, requestPasswordReset } from '../../services/links.ts';
import { ErrorBody, Id, Text } from '../../schemas/common.ts';
import { actorOf, type AppContext } from '../app.ts';

const Completion = z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();

export const linkRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const baseUrl = (req: { protocol: string; host: string }) => process.env.PLENUM_PUBLIC_URL ?? `${req.protocol}://${req.host}`;

    app.post('/invitations', {
      config: { policy: 'invitation:send' },
      schema: {
        summary: 'Invite members from the roll: each with an email and no account gets a one-time link (7 days)',
        tags: ['accounts'],
        security: [{ bearer: [] }],
        body: z.object({ memberIds: z.array(Id).max(1_000_000).optional() }).strict(),
        response: { 200: z.object({ invited: z.number().int(), skipped: z.number().int() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      handler: async (req) => inviteMembers(ctx.store.db, ctx.mailer, { memberIds: req.body.memberIds, baseUrl: baseUrl(req) }, ctx.now(), actorOf(req)),
    });

    app.post('/invitations/accept', {
      config: { policy: 'public', rateLimit: { max: 20, timeWindow: 60_000, keyGenerator: (req) => req.ip } },
      schema: {
        summary: "Accept an invitation: choose a password; the account is the member's (role member, her unit)",
        tags: ['accounts'],
        body: Completion,
        response: { 201: z.object({ accountId: z.string() }), 400: ErrorBody, 409: ErrorBody, 429: ErrorBody },
      },
      handler: async (req, reply) => reply.status(201).send(await acceptInvitation(ctx.store.db, req.body.token, req.body.password, ctx.now())),
    });

    app.post('/password-reset', {
      config: { policy: 'public', rateLimit: { max: 5, timeWindow: 60_000, keyGenerator: (req) => req.ip } },
      schema: {
        summary: 'Ask for a password reset link by email (the answer is the same whether the email has an account)',
        tags: ['accounts'],
        body: z.object({ email: Text(320, { min: 1 }) }).strict(),
        response: { 202: z.object({ sent: z.literal('if the address has an account, a link is on its way') }), 400: ErrorBody, 429: ErrorBody },
      },
      handler: async (req, reply) => {
        await requestPasswordReset(ctx.store.db, ctx.mailer, req.body.email, baseUrl(req), ctx.now());
        return reply.status(202).send({ sent: 'if the address has an account, a link is on its way' as const });
      },
    });

    app.post('/password-reset/complete', {
      config: { policy: 'public', rateLimit: { max: 20, timeWindow: 60_000, keyGenerator: (req) => req.ip } },
      schema: {
        summary: 'Set a new password with a reset link; every session of the account ends',
        tags: ['accounts'],
        body: Completion,
        response: { 204: z.null(), 400: ErrorBody, 429: ErrorBody },
      },
      handler: async (req, reply) => {
        await completePasswordReset(ctx.store.db, req.body.token, req.body.password, ctx.now());
        return reply.status(204).send(null);
      },
    });
  };
