/**
 * Live updates: a stream opened on one server hears of a report accepted by another writer — the same server, another
 * server instance (PostgreSQL LISTEN/NOTIFY), or another process's connection (SQLite data_version). "Within a second"
 * is by design (a 150 ms coalescing window; SQLite's poll every 500 ms) rather than a timing assertion here: the
 * streams below must deliver the change, and they give up after 5 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.ts';
import { submitReport } from '../../src/services/reports.ts';
import { createToken } from '../../src/services/tokens.ts';
import { openStore, type Store } from '../../src/storage/db.ts';
import { ENGINES, newStore } from '../support/engines.ts';
import { report, smallOrganization, T0 } from '../support/factories.ts';

interface TallyEvent {
  unitsReported: number;
  present: number;
}

/** Reads `event: tally` messages from an SSE response until `until` says stop or the time runs out. */
async function readEvents(url: string, until: (events: TallyEvent[]) => boolean, ms: number, onOpen?: () => Promise<void>): Promise<TallyEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ms);
  const events: TallyEvent[] = [];
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let opened = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (block.includes('event: tally') && data) events.push(JSON.parse(data.slice(6)) as TallyEvent);
      }
      if (events.length && !opened) {
        opened = true;
        await onOpen?.();
      }
      if (until(events)) break;
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return events;
}

describe.each(ENGINES)('live tally stream on %s', (engine) => {
  let store: Awaited<ReturnType<typeof newStore>>;
  let second: Store;
  let app: App;
  let otherApp: App;
  let base: string;
  let otherBase: string;
  let token: string;
  // Reports are accepted while the clock is before the window closes; use the real clock with a far window.
  beforeAll(async () => {
    store = await newStore(engine);
    await smallOrganization(store.db, { discussion: { reportingClosesAt: '2099-01-01T00:00:00.000Z' } });
    token = (await createToken(store.db, { name: 't', role: 'office' }, T0)).token;
    app = await buildApp({ store });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // A second connection to the same database: another server instance, or the CLI in another process.
    second = engine === 'sqlite' ? openStore({ file: store.file! }) : openStore({ url: store.url!, schema: store.schema! });
    otherApp = await buildApp({ store: second });
    otherBase = await otherApp.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await otherApp.close();
    await second.close();
    await app.close();
    await store.dispose();
  });

  it('pushes the new tally after an accepted report', async () => {
    const events = await readEvents(
      `${base}/api/v1/discussions/d1/tally/stream?unit=r1`,
      (e) => e.length >= 2,
      5000,
      async () => {
        const r = await fetch(`${base}/api/v1/discussions/d1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(report({ unitId: 'b2', present: 8, votes: {} })),
        });
        expect(r.status).toBe(201);
      },
    );
    expect(events[0]!.unitsReported).toBe(0);
    expect(events[1]).toMatchObject({ unitsReported: 1, present: 8 });
  });

  it('does not push to a stream whose subtree did not change', async () => {
    const events = await readEvents(`${base}/api/v1/discussions/d1/tally/stream?unit=r2`, () => false, 800, async () => {
      const r = await fetch(`${base}/api/v1/discussions/d1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(report({ unitId: 'b3', present: 20, votes: {} })),
      });
      expect(r.status).toBe(201);
    });
    expect(events).toHaveLength(1);
  });

  it(`hears of reports written by another process, e.g. the CLI (${engine === 'postgres' ? 'LISTEN/NOTIFY' : 'data_version poll'})`, async () => {
    const events = await readEvents(`${otherBase}/api/v1/discussions/d1/tally/stream`, (e) => e.length >= 2, 5000, async () => {
      // Written through the first store without any server — like `plenum report submit` in another process;
      // the stream is on the second instance (PostgreSQL: NOTIFY at commit; SQLite: data_version).
      await submitReport(store.db, { discussionId: 'd1', report: report({ unitId: 'b5', present: 50, votes: {} }), submittedBy: 'cli', now: new Date().toISOString() });
    });
    expect(events.at(-1)!.present - events[0]!.present).toBe(50);
  });

  it('closes open streams when the server shuts down', async () => {
    const extra = await buildApp({ store: second });
    const url = await extra.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${url}/api/v1/discussions/d1/tally/stream`);
    expect(res.status).toBe(200);
    const closed = await Promise.race([extra.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    expect(closed).toBe('closed');
    await res.body?.cancel().catch(() => undefined);
  });

  it('refuses a stream for an unknown unit with a normal error answer', async () => {
    const r = await fetch(`${base}/api/v1/discussions/d1/tally/stream?unit=nowhere`);
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('not_found');
  });
});
