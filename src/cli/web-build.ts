/**
 * The web app is built by Vite into dist/web. `plenum serve` (and so `npm start`) and the test run build it when it is
 * missing or older than its sources, so `npm ci && npm start` needs no separate build step. `npm run build` forces it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(ROOT, 'dist/web');
const SOURCES = [join(ROOT, 'web'), join(ROOT, 'src/schemas'), join(ROOT, 'src/domain'), join(ROOT, 'vite.config.ts'), join(ROOT, 'package-lock.json')];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), s.mtimeMs);
}

export function webBuildIsStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((p) => existsSync(p) && newest(p) > built);
}

/** Builds the web app if needed (or always, with `force`). Vite prints its own report, with the bundle sizes. */
export async function ensureWebBuild(opts: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  if (!opts.force && !webBuildIsStale()) return;
  if (!opts.quiet) process.stderr.write('building the web app (vite build → dist/web)…\n');
  const { build } = await import('vite');
  // Under a test runner NODE_ENV is 'test', which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'web'), mode: 'production', logLevel: opts.quiet ? 'warn' : 'info' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
