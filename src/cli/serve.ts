import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { buildApp } from '../server/app.ts';
import { migrateToLatest, openStore, storeFromEnvironment, type Store } from '../storage/db.ts';
import { countUnits } from '../storage/units.repository.ts';
import { getDiscussions } from '../services/discussions.ts';
import { startEntryWorker } from '../services/entry-pool.ts';
import { DomainError } from '../domain/errors.ts';
import { progressBar } from './io.ts';
import { ensureWebBuild } from './web-build.ts';

const isEmpty = async (store: Store) => (await countUnits(store.db)) === 0 && (await getDiscussions(store.db, new Date().toISOString())).length === 0;

/**
 * The demo goes in only when the database holds nothing at all. On SQLite it is built in a side file and renamed into
 * place when complete, so an interrupted first start leaves no half-loaded database behind. A lock file keeps two
 * first starts (or a start and an import) from building over each other; emptiness is checked again under it.
 */
async function loadDemoIfEmpty(store: Store, ended = false): Promise<Store> {
  if (!(await isEmpty(store))) return store;
  const { loadDemo } = await import('../demo/load-demo.ts');
  const now = new Date().toISOString();
  const what = ended ? 'the 1924 demo with its ending (synthetic votes; the conference and its decision a reconstruction)' : 'the 1924 demo (synthetic votes, an illustration)';
  const load = async (db: Store['db']): Promise<void> => {
    if (!ended) return loadDemo(db, { scale: 0.1, now, progress: progressBar });
    const { describeEnding, loadEndedDemo } = await import('../demo/ending-1924.ts');
    for (const line of describeEnding(await loadEndedDemo(db, { scale: 0.1, progress: progressBar }))) process.stderr.write(`${line}\n`);
  };
  if (store.engine !== 'sqlite' || !store.file || store.file === ':memory:') {
    process.stderr.write(`empty database: loading ${what}\n`);
    await load(store.db);
    return store;
  }
  const file = store.file;
  const lock = await takeLock(`${file}.demo-lock`);
  try {
    if (!(await isEmpty(store))) return store; // someone else filled it meanwhile
    process.stderr.write(`empty database: loading ${what}\n`);
    const side = `${file}.loading-${process.pid}`;
    const building = openStore({ file: side });
    try {
      await migrateToLatest(building);
      await load(building.db);
    } finally {
      await building.close(); // checkpoints the WAL into the file
    }
    if (!(await isEmpty(store))) {
      rmSync(side, { force: true });
      return store;
    }
    await store.close();
    for (const f of [`${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    renameSync(side, file);
    const ready = openStore({ file });
    await migrateToLatest(ready);
    return ready;
  } finally {
    lock();
  }
}

/** An exclusive lock file (created with O_EXCL); waits while another process holds it. Returns the release. */
async function takeLock(path: string): Promise<() => void> {
  for (let waited = 0; ; waited += 200) {
    try {
      closeSync(openSync(path, 'wx'));
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (waited > 120_000) throw new DomainError('conflict', `${path} has been held for two minutes; if no other Plenum is starting, delete it`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function serve(opts: { db?: string; port: string; host: string; demoIfEmpty?: boolean; demoEnded?: boolean }): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DomainError('invalid_input', `--port must be a port number, got '${opts.port}'`, { field: 'port' });
  // The web app: built here when missing or stale (unless PLENUM_WEB_DIST points at a build made elsewhere).
  if (!process.env.PLENUM_WEB_DIST) await ensureWebBuild();
  let store = storeFromEnvironment(opts);
  await migrateToLatest(store);
  if (opts.demoIfEmpty || opts.demoEnded) store = await loadDemoIfEmpty(store, !!opts.demoEnded);
  const app = await buildApp({ store, logger: true });
  // The thread that signs the log's entries for busy batches starts now, not with the first burst of reports (it takes
  // about half a second of a core to load).
  void startEntryWorker();
  const close = async () => {
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  await app.listen({ port, host: opts.host });
  const bound = (app.server.address() as { port: number } | null)?.port ?? port;
  const where = store.engine === 'sqlite' ? `SQLite ${store.file}` : 'PostgreSQL';
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(opts.host) ? 'localhost' : opts.host;
  process.stderr.write(`Plenum is serving http://${host}:${bound} (${where}); API docs at /api/docs\n`);
}

