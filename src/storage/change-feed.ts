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

/** `onMessage(payload)` for each publication; `onMessage(null)` when another process changed the database. */
export async function openChangeFeed(store: Store, onMessage: (payload: string | null) => void): Promise<ChangeFeed> {
  if (store.engine === 'postgres' && store.url) {
    const client = new pg.Client({ connectionString: store.url });
    await client.connect();
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) onMessage(n.payload);
    });
    client.on('error', () => undefined); // a dropped listener must not crash the server; streams fall back to their own reads
    await client.query(`LISTEN ${CHANNEL}`);
    return {
      publish: async (payload) => void (await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(store.db)),
      close: () => client.end().catch(() => undefined),
    };
  }
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
