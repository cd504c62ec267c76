/**
 * The layers point one way: domain ← schemas ← storage ← services ← server / cli / demo / bench; the record's
 * formats (log) sit beside storage: pure, used by services and above.
 * Domain rules stay pure (no I/O, no Kysely, no Fastify); only storage imports Kysely.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
const layerOf = (file: string) => relative(ROOT, file).split('/')[0]!;

const MAY_IMPORT: Record<string, string[]> = {
  domain: ['domain'],
  schemas: ['schemas', 'domain'],
  storage: ['storage', 'domain'],
  services: ['services', 'storage', 'domain', 'schemas', 'log'],
  server: ['server', 'services', 'storage', 'domain', 'schemas', 'log'],
  cli: ['cli', 'server', 'services', 'storage', 'domain', 'schemas', 'demo', 'bench', 'log'],
  demo: ['demo', 'services', 'storage', 'domain'],
  bench: ['bench', 'server', 'services', 'storage', 'domain', 'schemas', 'cli', 'log'],
  log: ['log', 'domain', 'schemas'],
};

describe('layers', () => {
  for (const file of files(ROOT)) {
    const layer = layerOf(file);
    it(`${relative(ROOT, file)} imports only what its layer may`, () => {
      expect(MAY_IMPORT[layer], `unknown layer ${layer}`).toBeDefined();
      for (const spec of imports(file)) {
        if (spec.startsWith('.')) {
          const target = layerOf(join(file, '..', spec));
          expect(MAY_IMPORT[layer], `${spec}`).toContain(target);
        } else if (layer === 'domain') {
          expect(spec, 'the domain is pure: only node:crypto-free standard helpers').toMatch(/^$/);
        } else if (/^(kysely|pg|better-sqlite3)$/.test(spec)) {
          expect(['storage', 'bench'], `${spec} outside storage`).toContain(layer);
        }
      }
    });
  }
});
