import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../domain/policy.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { ReportAccepted, ReportInput, ReportVersion } from '../../schemas/report.ts';
import { getReportHistory } from '../../services/reports.ts';
import type { AppContext } from '../app.ts';

export const reportRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/discussions/:id/reports', {
      config: {
        policy: 'report:submit',
        // Per token (or address): a runaway script of one branch cannot flood the count. The office is exempt.
        rateLimit: {
          max: ctx.reportsPerMinute,
          timeWindow: 60_000,
          keyGenerator: (req) => req.principal?.id ?? req.ip,
          allowList: (req) => hasRole(req.principal, 'office'),
        },
      },
      schema: {
        summary: "Submit a branch's report, or a correction of it",
        description:
          'The first report of a unit is version 1. A correction must carry `"supersedes": <current version>` or it is refused with 409. ' +
          'Quorum and adoption are derived, never typed in. Send an `Idempotency-Key` header to make retries safe.',
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: z.object({ id: Id }),
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: ReportInput,
        response: { 201: ReportAccepted, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
      handler: async (req, reply) => {
        const result = await ctx.reports.submit({
          discussionId: req.params.id,
          report: req.body,
          submittedBy: req.principal!.id,
          principal: req.principal!,
          address: req.ip,
          idempotencyKey: req.headers['idempotency-key'],
          now: ctx.now(),
        });
        if (!result.replayed) await ctx.hub.publish({ discussionId: req.params.id, unitId: result.accepted.unitId });
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send(result.accepted);
      },
    });

    app.get('/discussions/:id/units/:unitId/reports', {
      config: { policy: 'public' },
      schema: {
        summary: "Every version of a unit's report, oldest first: counts for everyone, the resolution's text for those who may read the unit's reports",
        tags: ['reports'],
        params: z.object({ id: Id, unitId: Id }),
        response: { 200: z.array(ReportVersion), 404: ErrorBody },
      },
      handler: async (req) => getReportHistory(ctx.store.db, req.params.id, req.params.unitId, req.principal),
    });
  };
