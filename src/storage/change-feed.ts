/**
 * Telling every server instance that something changed — the engine-specific half of live updates.
 * PostgreSQL: NOTIFY on a channel, each instance LISTENs (its own publications come back to it too).
 * SQLite: one process writes through this store, so publications are delivered in-process; commits by other
 * processes (the CLI entering paper minutes) are noticed by polling `PRAGMA data_version`, which changes exactly when
 * another connection commits.
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from './db.ts';

const CHANNEL = 'plenum_changes';
const POLL_MS = 500;

export interface ChangeFeed {
  /** Announce a change to every instance, this one included. */
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `onMessage(payload)` for each publication; `onMessage(null)` when the database may have changed without a
 * publication reaching us (another process on SQLite; a PostgreSQL listener that had to reconnect).
 */
export async function openChangeFeed(store: Store, onMessage: (payload: string | null) => void, onError: (e: unknown) => void = () => undefined): Promise<ChangeFeed> {
  if (store.engine === 'postgres' && store.url) return openPostgresFeed(store, onMessage, onError);
  const readVersion = async () => Number((await sql<{ data_version: number }>`pragma data_version`.execute(store.db)).rows[0]?.data_version ?? 0);
  let version = await readVersion();
  const timer = setInterval(() => {
    readVersion()
      .then((v) => {
        if (v !== version) {
          version = v;
          onMessage(null);
        }
      })
      .catch(() => undefined); // the store is closing
  }, POLL_MS);
  timer.unref();
  return {
    publish: async (payload) => onMessage(payload),
    close: async () => clearInterval(timer),
  };
}

/** LISTEN on a dedicated connection; if it drops, reconnect with backoff and tell listeners to re-read. */
async function openPostgresFeed(store: Store, onMessage: (payload: string | null) => void, onError: (e: unknown) => void): Promise<ChangeFeed> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (delayMs: number): Promise<void> => {
    const c = new pg.Client({ connectionString: store.url, ...(store.schema ? { options: `-c search_path=${store.schema}` } : {}) });
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) onMessage(n.payload);
    });
    c.on('error', (e) => {
      onError(e);
      if (closed || client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      const next = Math.min(delayMs * 2, 30_000);
      retry = setTimeout(() => {
        connect(next)
          .then(() => onMessage(null)) // news may have been missed while disconnected
          .catch(onError);
      }, delayMs);
      retry.unref();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };
  await connect(250);
  return {
    publish: async (payload) => void (await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(store.db)),
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
