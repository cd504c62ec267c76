/** A discussion's conference: definition, apportionment, delegates and credentials, motions, votes (src/services/conference.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, Id, VersionParam } from '../../schemas/common.ts';
import {
  ApportionInput,
  Ballot,
  BallotInput,
  Conference,
  ConferenceInput,
  Delegate,
  DelegateConfirm,
  DelegateInput,
  DelegateReject,
  Delegates,
  Motion,
  MotionInput,
  SeatTable,
  Vote,
  VoteInput,
} from '../../schemas/conference.ts';
import {
  apportionConference,
  changeConferenceState,
  closeVote,
  decideDelegate,
  defineConference,
  getApportionment,
  getConference,
  getVoteAs,
  listDelegatesAs,
  listMotionsAs,
  proposeMotion,
  recordBallot,
  recordDelegate,
  recordVote,
} from '../../services/conference.ts';
import { actorOf, type AppContext } from '../app.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['conference'];
const security = [{ bearer: [] }];
const discussion = z.object({ id: Id });

export const conferenceRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const base = '/discussions/:id/conference';

    app.put(base, {
      config: { policy: 'discussion:write' },
      schema: {
        summary: "Define (or, before the session, redefine) the discussion's conference: electing level, basis, the rule for each kind of seat",
        description: 'The rules are checked by a trial run on the frozen roll. Redefining leaves the current seat table as it is; a new apportionment (with a reason) replaces it.',
        tags,
        security,
        params: discussion,
        body: ConferenceInput,
        response: { 200: Conference, ...errors },
      },
      handler: async (req) => defineConference(ctx.store.db, actorOf(req), req.params.id, req.body, ctx.now()),
    });

    app.get(base, {
      config: { policy: 'public' },
      schema: { summary: 'The conference: its definition, state, the vote rule and the current seat table (no personal data)', tags, params: discussion, response: { 200: Conference, 404: ErrorBody } },
      handler: async (req) => getConference(ctx.store.db, req.params.id),
    });

    app.post(`${base}/apportion`, {
      config: { policy: 'discussion:write' },
      schema: {
        summary: 'Apportion the seats over the electing units (a new table version; after the first, a reason is required and the earlier tables are kept)',
        tags,
        security,
        params: discussion,
        body: ApportionInput,
        response: { 201: SeatTable, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await apportionConference(ctx.store.db, actorOf(req), req.params.id, req.body.reason ?? null, ctx.now())),
    });

    app.get(`${base}/apportionments/:version`, {
      config: { policy: 'public' },
      schema: {
        summary: 'One apportionment run (every run is kept; the latest is current)',
        tags,
        params: z.object({ id: Id, version: VersionParam }),
        response: { 200: SeatTable, 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => getApportionment(ctx.store.db, req.params.id, req.params.version),
    });

    for (const [path, to, summary] of [
      ['open', 'in-session', 'Open the session (apportioned → in-session): the seat table is fixed from now on'],
      ['close', 'closed', 'Close the conference (in-session → closed); no roll call may be open'],
    ] as const) {
      app.post(`${base}/${path}`, {
        config: { policy: 'discussion:write' },
        schema: { summary, tags, security, params: discussion, response: { 200: Conference, ...errors } },
        handler: async (req) => changeConferenceState(ctx.store.db, actorOf(req), req.params.id, to, ctx.now()),
      });
    }

    app.post(`${base}/delegates`, {
      config: { policy: 'delegate:record' },
      schema: {
        summary: "Record a delegate an electing unit elected (its secretary, a committee at or above it, or the office); within the unit's seats",
        tags,
        security,
        params: discussion,
        body: DelegateInput,
        response: { 201: Delegate, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await recordDelegate(ctx.store.db, actorOf(req), req.params.id, req.body, ctx.now())),
    });

    app.get(`${base}/delegates`, {
      config: { policy: 'public' },
      schema: {
        summary: 'Delegates: counts per electing unit, kind and state beside the seats; the office and the commission also see each mandate with the member',
        tags,
        params: discussion,
        response: { 200: Delegates, 404: ErrorBody },
      },
      handler: async (req) => listDelegatesAs(ctx.store.db, req.principal, req.params.id),
    });

    const delegate = z.object({ id: Id, delegateId: Id });
    app.post(`${base}/delegates/:delegateId/confirm`, {
      config: { policy: 'credentials:decide' },
      schema: { summary: "Confirm a pending delegate's credentials (the credentials committee)", tags, security, params: delegate, body: DelegateConfirm, response: { 200: Delegate, ...errors } },
      handler: async (req) => decideDelegate(ctx.store.db, actorOf(req), req.params.id, req.params.delegateId, 'confirm', req.body.reason ?? null, ctx.now()),
    });
    app.post(`${base}/delegates/:delegateId/reject`, {
      config: { policy: 'credentials:decide' },
      schema: { summary: "Reject a pending delegate's credentials, with a reason (the credentials committee)", tags, security, params: delegate, body: DelegateReject, response: { 200: Delegate, ...errors } },
      handler: async (req) => decideDelegate(ctx.store.db, actorOf(req), req.params.id, req.params.delegateId, 'reject', req.body.reason, ctx.now()),
    });

    app.post(`${base}/motions`, {
      config: { policy: 'motion:propose' },
      schema: {
        summary: 'Propose a motion while in session: a resolution (the office) or an amendment to a resolution (a confirmed delegate signed in with her own account, or the office naming the delegate)',
        tags,
        security,
        params: discussion,
        body: MotionInput,
        response: { 201: Motion, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await proposeMotion(ctx.store.db, actorOf(req), req.params.id, req.body, ctx.now())),
    });

    app.get(`${base}/motions`, {
      config: { policy: 'public' },
      schema: {
        summary: 'Motions with their votes and results (totals for everyone; roll-call ballots for the office and the commission)',
        tags,
        params: discussion,
        response: { 200: z.object({ discussionId: z.string(), voteRule: z.string(), items: z.array(Motion) }), 404: ErrorBody },
      },
      handler: async (req) => listMotionsAs(ctx.store.db, req.principal, req.params.id),
    });

    app.post(`${base}/motions/:motionId/votes`, {
      config: { policy: 'discussion:write' },
      schema: {
        summary: 'Put a motion to the vote, once: by count (for, against, abstain; at most the confirmed deciding delegates) or by roll call (opens the vote)',
        tags,
        security,
        params: z.object({ id: Id, motionId: Id }),
        body: VoteInput,
        response: { 201: Vote, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await recordVote(ctx.store.db, actorOf(req), req.params.id, req.params.motionId, req.body, ctx.now())),
    });

    const vote = z.object({ id: Id, voteId: Id });
    app.get(`${base}/votes/:voteId`, {
      config: { policy: 'public' },
      schema: { summary: 'One vote: totals and result; roll-call ballots for the office and the commission', tags, params: vote, response: { 200: Vote, 404: ErrorBody } },
      handler: async (req) => getVoteAs(ctx.store.db, req.principal, req.params.id, req.params.voteId),
    });
    app.post(`${base}/votes/:voteId/ballots`, {
      config: { policy: 'discussion:write' },
      schema: {
        summary: "Record a delegate's ballot in an open roll call (a confirmed delegate with a deciding vote, once)",
        tags,
        security,
        params: vote,
        body: BallotInput,
        response: { 201: Ballot, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(await recordBallot(ctx.store.db, actorOf(req), req.params.id, req.params.voteId, req.body, ctx.now())),
    });
    app.post(`${base}/votes/:voteId/close`, {
      config: { policy: 'discussion:write' },
      schema: { summary: 'Close a roll call: the ballots are counted and the result computed under the vote rule; once', tags, security, params: vote, response: { 200: Vote, ...errors } },
      handler: async (req) => closeVote(ctx.store.db, actorOf(req), req.params.id, req.params.voteId, ctx.now()),
    });
  };
