/**
 * The binding decision: published by the office, then only read — as JSON, as a PDF in each of its languages, in the
 * register and the Atom feed of decisions; errata are new acts. No route changes or deletes a published act.
 * Notices to members: their delivery counts (the office), and each member's own in the app.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { ErrorBody, Id } from '../../schemas/common.ts';
import { DecisionAct, DecisionDocument, DecisionInput, ErratumInput, MemberNotice, NoticeCounts } from '../../schemas/decisions.ts';
import { decisionPdf, decisionsAtom } from '../../services/decision-documents.ts';
import { getDecisionDocument, getDecisionRegister, memberNotices, noticeCounts, publishDecision, publishErratum, readNotice, type DecisionRecord } from '../../services/decisions.ts';
import { getDiscussion } from '../../services/discussions.ts';
import { getOwnRollEntry } from '../../services/accounts.ts';
import { actorOf, type AppContext } from '../app.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const baseUrl = (req: { protocol: string; host: string }) => process.env.PLENUM_PUBLIC_URL ?? `${req.protocol}://${req.host}`;
/** What is public of an act: everything but who published it (an account id). */
const publicAct = ({ publishedBy: _p, ...act }: DecisionRecord) => act as z.infer<typeof DecisionAct>;

export const decisionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const params = z.object({ id: Id });

    app.post('/discussions/:id/decision', {
      config: { policy: 'discussion:write' },
      schema: {
        summary: "Publish the binding decision (the office): the conference's adopted resolutions in every language, resting on the public log as it stands; once per discussion",
        tags: ['decisions'],
        params,
        body: DecisionInput,
        response: { 201: DecisionAct, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(publicAct(await publishDecision(ctx.store.db, ctx.log, actorOf(req), req.params.id, req.body, ctx.now()))),
    });

    app.post('/discussions/:id/decision/errata', {
      config: { policy: 'discussion:write' },
      schema: {
        summary: 'Publish an erratum: a new act naming the decision it corrects, with a reason; the decision itself is never edited',
        tags: ['decisions'],
        params,
        body: ErratumInput,
        response: { 201: DecisionAct, ...errors },
      },
      handler: async (req, reply) => reply.status(201).send(publicAct(await publishErratum(ctx.store.db, actorOf(req), req.params.id, req.body, ctx.now()))),
    });

    app.get('/discussions/:id/decision', {
      config: { policy: 'public' },
      schema: {
        summary: 'The binding decision as data: the adopted texts, the votes, the effective date and the provenance (checkpoint, tally, reports, adjudications), with its errata',
        tags: ['decisions'],
        params,
        response: { 200: DecisionDocument, ...errors },
      },
      handler: async (req) => {
        const { decision, errata } = await getDecisionDocument(ctx.store.db, req.params.id);
        return { decision: publicAct(decision), errata: errata.map(publicAct) };
      },
    });

    app.get('/discussions/:id/decision.pdf', {
      config: { policy: 'public' },
      schema: {
        summary: 'The binding decision (or, with ?act=, one of its errata) as a PDF in one of the languages it was adopted in',
        tags: ['decisions'],
        params,
        querystring: z.object({ lang: z.string().max(10).optional(), act: Id.optional() }),
        response: { 200: z.instanceof(Buffer), ...errors },
      },
      handler: async (req, reply) => {
        const { decision, errata } = await getDecisionDocument(ctx.store.db, req.params.id);
        const act = req.query.act === undefined ? decision : [decision, ...errata].find((a) => a.id === req.query.act);
        if (!act) throw new DomainError('not_found', `no act '${req.query.act}' in this discussion's decision`, { field: 'act' });
        const lang = req.query.lang ?? act.languages[0]!;
        if (!act.languages.includes(lang)) throw new DomainError('invalid_input', `lang: the act was adopted in ${act.languages.join(', ')}, not ${lang}`, { field: 'lang' });
        const { definition } = await getDiscussion(ctx.store.db, req.params.id);
        const pdf = await decisionPdf(act, lang, definition, act.kind === 'erratum' ? decision : undefined);
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="decision-${req.params.id}${act.kind === 'erratum' ? `-erratum-${act.id}` : ''}-${lang}.pdf"`)
          .header('cache-control', 'public, max-age=300')
          .send(pdf);
      },
    });

    app.get('/decisions', {
      config: { policy: 'public' },
      schema: { summary: 'The register: every published decision and erratum, newest first', tags: ['decisions'], response: { 200: z.object({ items: z.array(DecisionAct) }), ...errors } },
      handler: async () => ({ items: (await getDecisionRegister(ctx.store.db)).map(publicAct) }),
    });

    app.get('/discussions/:id/decision/notices', {
      config: { policy: 'discussion:write' },
      schema: {
        summary: "How far the notices of the decision (or ?act= an erratum) have gone: pending, sending (uncertain if a sender was interrupted), sent, failed, no email (in-app only)",
        tags: ['decisions'],
        params,
        querystring: z.object({ act: Id.optional() }),
        response: { 200: NoticeCounts, ...errors },
      },
      handler: async (req) => {
        const { decision } = await getDecisionDocument(ctx.store.db, req.params.id);
        return noticeCounts(ctx.store.db, req.query.act ?? decision.id);
      },
    });

    app.get('/session/notices', {
      config: { policy: 'account:own' },
      schema: { summary: "The signed-in member's notices of binding decisions, unread first", tags: ['decisions'], response: { 200: z.object({ items: z.array(MemberNotice) }), ...errors } },
      handler: async (req) => {
        const entry = req.principal!.kind === 'session' ? await getOwnRollEntry(ctx.store.db, req.principal!.id) : undefined;
        return { items: entry ? await memberNotices(ctx.store.db, entry.id) : [] };
      },
    });

    app.post('/session/notices/:decisionId/read', {
      config: { policy: 'account:own' },
      schema: { summary: 'Mark a notice read', tags: ['decisions'], params: z.object({ decisionId: Id }), response: { 204: z.null(), ...errors } },
      handler: async (req, reply) => {
        const entry = req.principal!.kind === 'session' ? await getOwnRollEntry(ctx.store.db, req.principal!.id) : undefined;
        if (!entry) throw new DomainError('not_found', 'this account is not linked to a roll entry');
        await readNotice(ctx.store.db, entry.id, req.params.decisionId, ctx.now());
        return reply.status(204).send(null);
      },
    });
  };

/** The Atom feed of decisions, at the site's root (advertised by the web app's <link rel="alternate">). */
export const decisionFeedRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/decisions.atom', {
      config: { policy: 'public' },
      schema: { summary: 'The Atom feed of binding decisions and errata', tags: ['decisions'], response: { 200: z.string() } },
      handler: async (req, reply) =>
        reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=60').send(decisionsAtom(await getDecisionRegister(ctx.store.db, 50), baseUrl(req))),
    });
  };
