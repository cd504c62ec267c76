/**
 * Drives HTTP load from a worker thread (see load-worker.mjs): the server under test keeps the main thread, the load
 * generator gets the other core. The same generator, settings and duration serve our routes and the bare baseline.
 */
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  port: number;
  /** Complete raw HTTP/1.1 requests (see rawRequest). */
  requests: string[];
  /** 'list': each request once, in order; 'repeat': cycle through them until the time or count runs out. */
  mode: 'list' | 'repeat';
  concurrency: number;
  durationMs: number;
  maxCount?: number;
  recordLatency?: boolean;
  onProgress?: (completed: number) => void;
}

export interface LoadResult {
  sent: number;
  completed: number;
  statusCounts: Record<string, number>;
  socketErrors: number;
  /** The first non-2xx answer, status and body, for the report. */
  sampleError?: string;
  elapsedMs: number;
  latenciesMs?: number[];
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { onProgress, ...data } = opts;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: { ...data, plenumLoad: true } });
    let settled = false;
    worker.on('message', (m: { type: 'progress'; completed: number } | { type: 'done'; result: LoadResult }) => {
      if (m.type === 'progress') onProgress?.(m.completed);
      else {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before reporting`));
    });
  });
}

export function rawRequest(method: 'GET' | 'POST', port: number, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: keep-alive'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`);
  if (opts.body !== undefined) {
    lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(opts.body)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${opts.body ?? ''}`;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
