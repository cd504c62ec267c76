/** The account directory: find accounts and see their roles (the office; a committee for its subtree). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Grant, Id } from '../../schemas/common.ts';
import { listAccountDirectory } from '../../services/account-directory.ts';
import type { AppContext } from '../app.ts';

const DirectoryAccount = z.object({ accountId: z.string(), email: z.string(), memberId: z.string().nullable(), grants: z.array(Grant) }).meta({ id: 'DirectoryAccount' });

export const accountRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/accounts', {
      config: { policy: 'role:grant' },
      schema: {
        summary: 'Accounts with their roles (the office: all; a committee: those with a grant in its subtree or linked to a member there)',
        description:
          '`q`: the email contains this text (case-insensitive). `unit`: only accounts holding a grant at that unit or below it (a committee: within its subtree; 404 beyond it). Ordered by email, pages of `limit`; pass `next` back as `cursor`.',
        tags: ['accounts'],
        security: [{ bearer: [] }],
        querystring: z.object({
          q: z.string().max(320, 'must be at most 320 characters').optional(),
          unit: Id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(2000).optional(),
        }),
        response: { 200: z.object({ items: z.array(DirectoryAccount), next: z.string().nullable() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => listAccountDirectory(ctx.store.db, req.principal!, req.query),
    });
  };
