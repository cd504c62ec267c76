/**
 * Serves the web app (dist/web, built by Vite) from the same process as the API: hashed assets cached for a year,
 * every other page path answered with index.html (the app routes in the browser). /api/* never falls through to it.
 */
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './http-errors.ts';

import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the app (vite.config.ts). */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../dist/web', import.meta.url));

export async function registerWebApp(app: FastifyInstance, dist: string = DEFAULT_WEB_DIST): Promise<void> {
  const hasApp = existsSync(join(dist, 'index.html'));
  await app.register(fastifyStatic, { root: dist, serve: false });
  app.get('/*', { config: { policy: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0]!);
    if (path.startsWith('/api/')) return reply.status(404).send(errorBody('not_found', `no route ${req.method} ${path}`));
    if (path.startsWith('/assets/') && !path.includes('..') && existsSync(join(dist, path))) {
      return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(path.slice(1));
    }
    if (!hasApp) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built yet: run `npm run build` (or start with `npm start`, which builds it). The API is at /api/docs; the figures at /summary.');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
