/**
 * The transparency-dev RFC 6962 test vectors (inclusion, consistency; Apache-2.0, LICENSE beside them), copied into
 * test/log/vectors so a fresh clone tests against them wherever it is; PLENUM_RFC6962_VECTORS points elsewhere.
 * Every Merkle proof check — the server's (src/log/merkle.ts) and the browser's (web/src/record) — must pass them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO = new URL('../../', import.meta.url).pathname;
export const VECTORS = process.env.PLENUM_RFC6962_VECTORS ?? join(REPO, 'test', 'log', 'vectors', 'rfc6962');
export const haveVectors = existsSync(join(VECTORS, 'inclusion')) && existsSync(join(VECTORS, 'consistency'));
if (!haveVectors) {
  const why = `the RFC 6962 test vectors are missing at ${VECTORS} (set PLENUM_RFC6962_VECTORS)`;
  if (process.env.CI === 'true') throw new Error(why);
  process.stderr.write(`\n!!! ${why}; their tests are skipped\n\n`);
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
    });
}

/** JSON with its integers kept exact: the vectors hold 2^64 − 1, which a JS number would round. */
export function load(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8').replace(/("(?:leafIdx|treeSize|size1|size2)"\s*:\s*)(-?\d+)/g, '$1"$2"');
  return JSON.parse(text) as Record<string, unknown>;
}
export const b64 = (s: unknown): Uint8Array => new Uint8Array(Buffer.from(String(s ?? ''), 'base64'));
export const hashes = (v: unknown): Uint8Array[] => ((v as string[] | null) ?? []).map(b64);
export const int = (v: unknown): bigint => BigInt(v as string);
export const vectorName = (file: string) => file.slice(VECTORS.length + 1);
export const inclusionFiles = haveVectors ? jsonFiles(join(VECTORS, 'inclusion')) : [];
export const consistencyFiles = haveVectors ? jsonFiles(join(VECTORS, 'consistency')) : [];
