/**
 * The bench end to end at a tiny size: it runs, its correctness checks pass, and with --json its last line of stdout
 * is the JSON object with every figure. No timing thresholds: this machine's speed is not what is tested.
 * PostgreSQL is included when the test server is reachable (DATABASE_URL is pointed at it for the run).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBench, type EngineFigures } from '../../src/bench/bench.ts';
import { ENGINES, PG_URL } from '../support/engines.ts';

function expectFigures(f: EngineFigures | null | undefined): void {
  expect(f).toBeTruthy();
  const positive = (x: unknown) => {
    expect(typeof x).toBe('number');
    expect(Number.isFinite(x)).toBe(true);
    expect(x as number).toBeGreaterThan(0);
  };
  for (const key of ['ingestHttpPerSec', 'ingestServicePerSec', 'naiveRecountMs', 'bareFastifyReqPerSec', 'importRowsPerSec'] as const) positive(f![key]);
  expect(Object.keys(f!.tallyP99Ms).sort()).toEqual(['branch', 'region', 'root']);
  for (const v of Object.values(f!.tallyP99Ms)) positive(v);
}

describe('plenum bench', () => {
  const savedUrl = process.env.DATABASE_URL;
  afterEach(() => {
    vi.restoreAllMocks();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  it('prints a table and, last, one JSON line with every figure', async () => {
    const withPostgres = ENGINES.includes('postgres');
    if (withPostgres) process.env.DATABASE_URL = PG_URL;
    else delete process.env.DATABASE_URL;
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stdout.write);
    const exitCodeBefore = process.exitCode;

    // A small record for plenum verify; the web part (Chromium on the full demo) is left to `npm run bench`.
    await runBench({ units: 300, json: true, web: false, recordReports: 2_000 });

    vi.restoreAllMocks();
    expect(process.exitCode).toBe(exitCodeBefore);
    const lines = out.trimEnd().split('\n');
    const parsed = JSON.parse(lines.at(-1)!) as { sqlite: EngineFigures | null; postgres: EngineFigures | null; rawEd25519VerifyPerSec: number; verify: Record<string, number> | null; web: unknown };
    expect(Object.keys(parsed).sort()).toEqual(['postgres', 'rawEd25519VerifyPerSec', 'sqlite', 'verify', 'web']);
    expectFigures(parsed.sqlite);
    if (withPostgres) expectFigures(parsed.postgres);
    else expect(parsed.postgres).toBeNull();
    expect(parsed.web).toBeNull();
    expect(parsed.rawEd25519VerifyPerSec).toBeGreaterThan(0);
    expect(parsed.verify).toMatchObject({ reports: 2_000, reportsPerSec: expect.any(Number), ratioPerCoreToRawVerify: expect.any(Number), ratioToRawParallel: expect.any(Number), rawParallelPerSec: expect.any(Number), ratioPerCpuSecondToRawVerify: expect.any(Number), cpuSeconds: expect.any(Number), rawOneCorePerSec: expect.any(Number) });
    for (const key of ['ingestLoggedPerSec', 'ingestUnloggedPerSec', 'ingestRawVerifyPerSec'] as const) expect(parsed.sqlite![key]).toBeGreaterThan(0);

    // The readable table came first, with its correctness checks passed.
    expect(out).toContain('members CSV import, rows/s');
    expect(out).toContain('ratio: HTTP ingest reports/s ÷ bare Fastify req/s');
    expect(out).toContain('ratio: naive recount ms ÷ tally p99 (root) ms');
    expect(out).not.toContain('MISMATCH');
    expect(out).toMatch(/recountTally\(root\) = getTally\(root\)\s+OK/);
    expect(out).toContain('ratio: with the log ÷ without');
    expect(out).toMatch(/every check passed \(the record is sound\)\s+OK/);
  }, 180_000);
});
