/**
 * The dashboard's first render, measured in Debian's Chromium (playwright-core) on the 1924 demo at scale 1, served
 * by the real server from a temporary SQLite file. Each sample is a new browser context, so nothing is cached: the
 * HTML, the bundle and every API call come over the wire as on a first visit. "First render" is the moment the
 * headline figures are in the page (an init script's MutationObserver notes performance.now(), which counts from
 * the navigation's start). The baseline, measured the same way in the same run: a blank HTML page from a bare
 * Fastify server — what any page costs this browser on this machine before our code does anything.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { progressBar } from '../cli/io.ts';
import { ensureWebBuild, WEB_DIST } from '../cli/web-build.ts';
import { buildApp } from '../server/app.ts';
import { migrateToLatest, openStore } from '../storage/db.ts';
import { percentile } from './load.ts';

const CHROMIUM = process.env.PLENUM_CHROMIUM ?? '/usr/bin/chromium';
const SAMPLES = 20;
const WARMUP = 2;
export const TARGET_FIRST_RENDER_MS = 1000;
/** The element that holds the headline figures of the first question (web/src/components/public/Figures.tsx). */
const HEADLINE = '.pub-question .share';

export interface WebRun {
  units: number;
  samples: number;
  /** First render of the dashboard of the whole organization, cold, ms from navigation start. */
  dashboard: { p50: number; p95: number; max: number };
  /** A blank page, cold, until its one paragraph is in the page. */
  blank: { p50: number; p95: number; max: number };
  /** The entry chunk named by dist/web/index.html, gzip -9. */
  mainBundleKiB: number | null;
}

const note = (s: string) => process.stderr.write(`${s}\n`);

/** Runs the measurement, or says loudly why it cannot and returns null (no Chromium). */
export async function benchWeb(): Promise<WebRun | null> {
  if (!existsSync(CHROMIUM)) {
    note(`\n!!! web: SKIPPED the dashboard's first render: no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);
    return null;
  }
  await ensureWebBuild();
  const { chromium } = await import('playwright-core');
  const { loadDemo, DEMO_DISCUSSION_ID } = await import('../demo/load-demo.ts');
  const { countUnits } = await import('../storage/units.repository.ts');

  const dir = mkdtempSync(join(tmpdir(), 'plenum-bench-web-'));
  const store = openStore({ file: join(dir, 'demo.db') });
  const bare = Fastify();
  bare.get('/', async (_req, reply) => reply.type('text/html').send('<!doctype html><html lang="en"><title>blank</title><p id="blank">blank</p></html>'));
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await migrateToLatest(store);
    note('web: loading the 1924 demo (scale 1) into a temporary SQLite file…');
    await loadDemo(store.db, { scale: 1, now: new Date().toISOString(), progress: (label) => progressBar(`web: demo ${label}`), log: () => undefined });
    const units = await countUnits(store.db);
    app = await buildApp({ store, live: true, logger: false });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const blankBase = await bare.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });

    const sample = async (url: string, selector: string): Promise<number> => {
      const context = await browser!.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
      try {
        // A string, not a function: tsx compiles functions with name helpers the page does not have.
        await context.addInitScript(
          `(() => { const seen = () => { if (window.__rendered === undefined && document.querySelector(${JSON.stringify(selector)})) window.__rendered = performance.now(); };` +
            ` new MutationObserver(seen).observe(document, { childList: true, subtree: true }); })();`,
        );
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForSelector(selector, { timeout: 30_000 });
        await page.waitForFunction(() => (window as unknown as { __rendered?: number }).__rendered !== undefined);
        return await page.evaluate(() => (window as unknown as { __rendered: number }).__rendered);
      } finally {
        await context.close();
      }
    };

    const measure = async (label: string, url: string, selector: string) => {
      const bar = progressBar(label);
      const times: number[] = [];
      try {
        for (let i = 0; i < WARMUP + SAMPLES; i++) {
          const t = await sample(url, selector);
          if (i >= WARMUP) times.push(t);
          bar.update(i + 1, WARMUP + SAMPLES);
        }
      } finally {
        bar.stop();
      }
      return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
    };

    const blank = await measure(`web: blank page, cold (${SAMPLES} + ${WARMUP} warm-up)`, `${blankBase}/`, '#blank');
    const dashboard = await measure(`web: dashboard first render, cold (${SAMPLES} + ${WARMUP} warm-up)`, `${base}/d/${DEMO_DISCUSSION_ID}`, HEADLINE);
    return { units, samples: SAMPLES, dashboard, blank, mainBundleKiB: mainBundleGzipKiB() };
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await bare.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function mainBundleGzipKiB(): number | null {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const src = /<script[^>]+type="module"[^>]+src="\/([^"]+)"/.exec(html)?.[1];
  if (!src) return null;
  return gzipSync(readFileSync(join(WEB_DIST, src)), { level: 9 }).length / 1024;
}
