/**
 * Where `plenum verify` reads a published record from (the `RecordSource` of src/log/verify.ts): a directory written by
 * `plenum export` (or any copy of the files), or a server's prefix such as http://host:3000/log/d1.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { RecordSource } from '../log/verify.ts';

const FETCH_TIMEOUT_MS = 30_000;
const ATTEMPTS = 4;

/** A directory holding `checkpoint`, `vkey`, `tallies.json` and `tile/…`. A missing file reads as null. */
export function directorySource(dir: string): RecordSource {
  const root = resolve(dir);
  return {
    description: root,
    concurrency: 16,
    live: false,
    async read(path) {
      const file = resolve(root, path);
      if (!file.startsWith(root + sep)) throw new Error(`${path} is outside ${root}`);
      try {
        // Synchronously: a file in a local directory reads in microseconds, and the promise API's several thread-pool
        // round trips per file cost more CPU than the read (a million-report record has 8,000 files).
        const b = readFileSync(file);
        return new Uint8Array(b.buffer, b.byteOffset, b.length);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
        throw e;
      }
    },
  };
}

/**
 * A server's prefix: a few fetches at once, each retried (with growing pauses, or the Retry-After of a 429) on a network
 * error, a timeout, 429 or a 5xx; 404 reads as null; any other answer is an error naming the URL and status.
 */
export function httpSource(prefix: string, opts: { concurrency?: number; retryDelayMs?: number } = {}): RecordSource {
  const base = prefix.replace(/\/+$/, '');
  return {
    description: base,
    concurrency: opts.concurrency ?? 8,
    live: true,
    async read(path) {
      const url = `${base}/${path}`;
      let lastError = '';
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
          if (res.status === 404) {
            await res.body?.cancel();
            return null;
          }
          if (res.ok) return new Uint8Array(await res.arrayBuffer());
          lastError = `HTTP ${res.status}`;
          await res.body?.cancel();
          if (res.status !== 429 && res.status < 500) break;
          // A rate limit says when to come back; waited for if it is soon.
          const after = Number(res.headers.get('retry-after'));
          if (res.status === 429 && after > 0 && after <= 30 && attempt < ATTEMPTS) {
            await new Promise((r) => setTimeout(r, after * 1000));
            continue;
          }
        } catch (e) {
          lastError = (e as Error).message;
        }
        if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 250) * 2 ** (attempt - 1)));
      }
      throw new Error(`cannot read ${url}: ${lastError}`);
    },
  };
}

/** A URL (http:// or https://) or an existing directory; undefined if it is neither. */
export async function recordSource(target: string): Promise<RecordSource | undefined> {
  if (/^https?:\/\//i.test(target)) return httpSource(target);
  try {
    if ((await stat(target)).isDirectory()) return directorySource(target);
  } catch {
    // not there
  }
  return undefined;
}
