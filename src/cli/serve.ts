import { buildApp } from '../server/app.ts';
import { migrateToLatest, storeFromEnvironment } from '../storage/db.ts';
import { getDiscussions } from '../services/discussions.ts';
import { DomainError } from '../domain/errors.ts';
import { progressBar } from './io.ts';

export async function serve(opts: { db?: string; port: string; host: string; demoIfEmpty?: boolean }): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DomainError('invalid_input', `--port must be a port number, got '${opts.port}'`, { field: 'port' });
  const store = storeFromEnvironment(opts);
  await migrateToLatest(store);
  if (opts.demoIfEmpty && (await getDiscussions(store.db, new Date().toISOString())).length === 0) {
    const { loadDemo } = await import('../demo/load-demo.ts');
    process.stderr.write('empty database: loading the 1924 demo (synthetic votes, an illustration)\n');
    await loadDemo(store.db, { scale: 0.1, now: new Date().toISOString(), progress: progressBar });
  }
  const app = await buildApp({ store, logger: true });
  const close = async () => {
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  await app.listen({ port, host: opts.host });
  const where = store.engine === 'sqlite' ? `SQLite ${store.file}` : 'PostgreSQL';
  process.stderr.write(`Plenum is serving http://${opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host}:${port} (${where}); API docs at /api/docs\n`);
}
