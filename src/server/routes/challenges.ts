/** Challenges to branch reports and the commission's decisions; the tally as reported and as adjudicated (src/services/challenges.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AdjudicatedTally, Adjudication, Challenge, ChallengeInput, ChallengeList, DecisionInput } from '../../schemas/challenges.ts';
import { ErrorBody, Id, VersionParam } from '../../schemas/common.ts';
import { adjudicateReport, decideChallenge, fileChallenge, getAdjudicatedTally, getChallenges, getEvidence } from '../../services/challenges.ts';
import { actorOf, type AppContext } from '../app.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
/** Evidence up to 5 MiB travels as base64 in JSON. */
const EVIDENCE_BODY_LIMIT = 8 * 1024 * 1024;

export const challengeRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/discussions/:id/units/:unitId/challenges', {
      config: { policy: 'challenge:file' },
      bodyLimit: EVIDENCE_BODY_LIMIT,
      schema: {
        summary: "Challenge a unit's current report (a member of the unit, or an observer), within the rules' window; logged without who filed it",
        tags: ['challenges'],
        params: z.object({ id: Id, unitId: Id }),
        body: ChallengeInput,
        response: { 201: Challenge, ...errors },
      },
      handler: async (req, reply) => {
        const c = await fileChallenge(ctx.store.db, actorOf(req), req.params.id, req.params.unitId, req.body, ctx.now());
        const { challenges } = await getChallenges(ctx.store.db, req.principal, req.params.id, req.params.unitId);
        return reply.status(201).send(challenges.find((v) => v.id === c.id)!);
      },
    });

    app.get('/discussions/:id/challenges', {
      config: { policy: 'public' },
      schema: {
        summary: "Challenges and the commission's decisions (of one unit with ?unit=); texts to those who may read the unit's reports, who filed them to the commission and the office",
        tags: ['challenges'],
        params: z.object({ id: Id }),
        querystring: z.object({ unit: Id.optional() }),
        response: { 200: ChallengeList, ...errors },
      },
      handler: async (req) => getChallenges(ctx.store.db, req.principal, req.params.id, req.query.unit),
    });

    app.get('/discussions/:id/challenges/:challengeId/evidence', {
      config: { policy: 'challenge:review' },
      schema: {
        summary: "A challenge's evidence file (the commission and the office)",
        tags: ['challenges'],
        params: z.object({ id: Id, challengeId: Id }),
        response: { 200: z.instanceof(Buffer), ...errors },
      },
      handler: async (req, reply) => {
        const ev = await getEvidence(ctx.store.db, req.params.id, req.params.challengeId);
        return reply
          .type(ev.mediaType)
          .header('content-disposition', `attachment; filename="${ev.name.replace(/["\\\r\n]/g, '_')}"`)
          .header('x-content-sha256', ev.sha256)
          .send(Buffer.from(ev.contentBase64, 'base64'));
      },
    });

    app.post('/discussions/:id/challenges/:challengeId/decision', {
      config: { policy: 'challenge:decide' },
      schema: {
        summary: 'The commission decides a challenge: uphold, order a correction, strike the report or some of its counts — with a criterion and a reason; never changed afterwards',
        tags: ['challenges'],
        params: z.object({ id: Id, challengeId: Id }),
        body: DecisionInput,
        response: { 201: Adjudication, ...errors },
      },
      handler: async (req, reply) => {
        const { discussionId: _d, decidedBy: _b, ...a } = await decideChallenge(ctx.store.db, actorOf(req), req.params.id, req.params.challengeId, req.body, ctx.now());
        return reply.status(201).send(a);
      },
    });

    app.post('/discussions/:id/units/:unitId/reports/:version/adjudications', {
      config: { policy: 'challenge:decide' },
      schema: {
        summary: 'The commission decides on a report version of its own motion (no challenge filed)',
        tags: ['challenges'],
        params: z.object({ id: Id, unitId: Id, version: VersionParam }),
        body: DecisionInput,
        response: { 201: Adjudication, ...errors },
      },
      handler: async (req, reply) => {
        const { discussionId: _d, decidedBy: _b, ...a } = await adjudicateReport(ctx.store.db, actorOf(req), req.params.id, req.params.unitId, req.params.version, req.body, ctx.now());
        return reply.status(201).send(a);
      },
    });

    app.get('/discussions/:id/adjudicated-tally', {
      config: { policy: 'public' },
      schema: {
        summary: "A subtree's tally as reported and as the commission's decisions leave it, side by side, both recounted from the current reports",
        tags: ['challenges'],
        params: z.object({ id: Id }),
        querystring: z.object({ unit: Id.optional() }),
        response: { 200: AdjudicatedTally, ...errors },
      },
      handler: async (req) => getAdjudicatedTally(ctx.store.db, req.principal, req.params.id, req.query.unit, ctx.now()),
    });
  };
