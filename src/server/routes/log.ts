/**
 * The public record, served as C2SP tlog-tiles static files under /log/<discussion>/ (docs/verifiable-record.md):
 * the checkpoint (the one file that changes), the log's verifier key, hash tiles and entry bundles, the public texts
 * behind the entries' hashes (text/<sha256>: the title) — and, under the
 * API, each report version's receipt (a C2SP tlog-proof). Tiles are served for the latest checkpoint: a full tile, or
 * a partial one of any width up to what that checkpoint holds (a partial tile of a given width never changes either,
 * so every tile is cacheable for good).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { ErrorBody, Id, VersionParam } from '../../schemas/common.ts';
import { parseTilePath, TILE_WIDTH, TileError, tileWidth } from '../../log/tiles.ts';
import { publicLogText, requireLog } from '../../services/log.ts';
import { publishedTallies } from '../../services/tally.ts';
import { PublishedTallies } from '../../schemas/tally.ts';
import { findReportLogIndex } from '../../storage/reports.repository.ts';
import type { AppContext } from '../app.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const TEXT = 'text/plain; charset=utf-8';

export const logRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const params = z.object({ id: Id });

    app.get('/log/:id/checkpoint', {
      config: { policy: 'public' },
      schema: { summary: "The discussion log's latest signed checkpoint (C2SP tlog-checkpoint), with witnesses' cosignatures", tags: ['record'], params, response: { 200: z.string(), 404: ErrorBody } },
      handler: async (req, reply) => {
        const c = (await ctx.log.latest(req.params.id)) ?? (await ctx.log.checkpoint(req.params.id));
        if (!c) await requireLog(ctx.store.db, req.params.id); // no log at all: a 404 saying so
        if (!c) throw new DomainError('not_found', `discussion '${req.params.id}' has no checkpoint yet`);
        return reply.type(TEXT).header('cache-control', 'no-cache').send(c.cosigned);
      },
    });

    app.get('/log/:id/vkey', {
      config: { policy: 'public' },
      schema: { summary: "The log's verifier key (C2SP signed-note form: name+keyid+base64)", tags: ['record'], params, response: { 200: z.string(), 404: ErrorBody } },
      handler: async (req, reply) => {
        await requireLog(ctx.store.db, req.params.id);
        const vkey = await ctx.log.verifierKey(req.params.id);
        return reply.type(TEXT).header('cache-control', 'public, max-age=3600').send(`${vkey}\n`);
      },
    });

    app.get('/log/:id/tallies.json', {
      config: { policy: 'public' },
      schema: {
        summary: "Every unit's published tally, and the log size it accounts for (what `plenum verify` recomputes and compares)",
        tags: ['record'],
        params,
        response: { 200: PublishedTallies, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        await requireLog(ctx.store.db, req.params.id);
        reply.header('cache-control', 'no-cache');
        return publishedTallies(ctx.store.db, req.params.id, ctx.now());
      },
    });

    app.get('/log/:id/text/:sha256', {
      config: { policy: 'public' },
      schema: {
        summary: "A public text the log names by its SHA-256 (the discussion's title); check it by hashing it",
        tags: ['record'],
        params: z.object({ id: Id, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256') }),
        response: { 200: z.string(), 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const { id, sha256 } = req.params;
        await requireLog(ctx.store.db, id);
        const text = await publicLogText(ctx.store.db, id, sha256);
        if (text === undefined) {
          throw new DomainError('not_found', `discussion '${id}' has no public text with SHA-256 ${sha256} (resolution texts are served with a unit's reports, to those who may read them)`);
        }
        return reply.type(TEXT).header('cache-control', IMMUTABLE).send(text);
      },
    });

    app.get('/log/:id/tile/*', {
      config: { policy: 'public' },
      schema: {
        summary: 'A hash tile or an entry bundle (C2SP tlog-tiles)',
        tags: ['record'],
        params: z.object({ id: Id, '*': z.string().max(200) }),
        response: { 200: z.instanceof(Buffer), 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const { id } = req.params;
        let parsed;
        try {
          parsed = parseTilePath(`tile/${req.params['*']}`);
        } catch (e) {
          if (e instanceof TileError) throw new DomainError('invalid_input', e.message, { field: 'path' });
          throw e;
        }
        const latest = await ctx.log.latest(id);
        if (!latest) await requireLog(ctx.store.db, id); // no log at all: a 404 saying so
        const size = latest?.size ?? 0;
        const level = parsed.kind === 'entries' ? 0 : parsed.level;
        let available: number;
        try {
          available = tileWidth(size, level, parsed.index);
        } catch {
          available = 0;
        }
        const missing = () => new DomainError('not_found', `the log's latest checkpoint (size ${size}) has no ${req.params['*']}`);
        if (parsed.width === TILE_WIDTH ? available !== TILE_WIDTH : parsed.width > available) throw missing();
        if (parsed.kind === 'entries') {
          const bytes = await ctx.log.bundle(id, parsed.index, parsed.width);
          return reply.type('application/octet-stream').header('cache-control', IMMUTABLE).send(Buffer.from(bytes));
        }
        // The smallest tree whose tile has exactly this width.
        const treeSize = (parsed.index * TILE_WIDTH + parsed.width) * TILE_WIDTH ** parsed.level;
        const tile = await ctx.log.tile(id, treeSize, parsed.level, parsed.index);
        if (!tile) throw missing();
        return reply.type('application/octet-stream').header('cache-control', IMMUTABLE).send(Buffer.from(tile.bytes));
      },
    });
  };

/** Receipts and consistency proofs live under the API. */
export const receiptRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/discussions/:id/log/consistency', {
      config: { policy: 'public' },
      schema: {
        summary: 'An RFC 6962 consistency proof between two sizes of the discussion\'s log (for a client holding an older checkpoint)',
        tags: ['record'],
        params: z.object({ id: Id }),
        querystring: z.object({ from: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER), to: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
        response: { 200: z.object({ from: z.number(), to: z.number(), proof: z.array(z.string()) }), 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => {
        const { id } = req.params;
        const { from, to } = req.query;
        await requireLog(ctx.store.db, id);
        const latest = await ctx.log.latest(id);
        if (!latest || to > latest.size) throw new DomainError('invalid_input', `to: ${to} is beyond the latest checkpoint (size ${latest?.size ?? 0})`, { field: 'to' });
        if (from > to) throw new DomainError('invalid_input', `from: ${from} is after to (${to})`, { field: 'from' });
        const proof = (await ctx.log.consistencyProof(id, from, to)) ?? [];
        return { from, to, proof: proof.map((h) => Buffer.from(h).toString('base64')) };
      },
    });

    app.get('/discussions/:id/units/:unitId/reports/:version/receipt', {
      config: { policy: 'public' },
      schema: {
        summary: "A report version's receipt: a C2SP tlog-proof (its log index, inclusion proof and the signed checkpoint), checkable offline",
        tags: ['record'],
        params: z.object({ id: Id, unitId: Id, version: VersionParam }),
        response: { 200: z.string(), 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const { id, unitId, version } = req.params;
        const index = await findReportLogIndex(ctx.store.db, id, unitId, version);
        if (index === undefined) throw new DomainError('not_found', `unit '${unitId}' has no report version ${version} in discussion '${id}'`);
        if (index === null) throw new DomainError('not_found', `report version ${version} of unit '${unitId}' was stored before the log existed: it has no receipt`);
        const proof = await ctx.log.receipt(id, index);
        if (!proof) throw new DomainError('not_found', `the log of discussion '${id}' does not hold entry ${index} yet`);
        return reply
          .type(TEXT)
          .header('content-disposition', `attachment; filename="receipt-${id}-${unitId}-v${version}.tlog-proof"`)
          .send(proof);
      },
    });
  };
