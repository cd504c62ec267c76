/**
 * Telling every server instance that something changed — the engine-specific half of live updates.
 * PostgreSQL: NOTIFY on a channel, each instance LISTENs (its own publications come back to it too).
 * SQLite: one process writes through this store, so publications are delivered in-process; commits by other
 * processes (the CLI entering paper minutes) are noticed by polling `PRAGMA data_version`, which changes exactly when
 * another connection commits.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { isPostgres, type Db, type Store } from './db.ts';

const CHANNEL = 'plenum_changes';
const POLL_MS = 500;

export interface ChangeFeed {
  /**
   * Tell this instance's listeners, after a commit, what changed. On PostgreSQL this does nothing: the change was
   * announced inside its transaction (`announceReports`), and the notification comes back through LISTEN — to every
   * instance, this one included, and also for reports written by the CLI.
   */
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The announcement of `announceReports` as an expression of a statement the transaction runs anyway, for the
 * discussion id in `column` (PostgreSQL): one notification per row the statement returns, with the same payload —
 * a report batch announces its discussions with its first read (storage/discussions.repository.ts
 * `findDiscussionsLockingLogs`), not in a round trip of its own. A notification is delivered at commit whenever in the
 * transaction it was made.
 */
export function announcementOf(column: string): { text: string; params: unknown[] } {
  return { text: `pg_notify(?, '{"discussionId":' || to_json(${column})::text || '}')`, params: [CHANNEL] };
}

/**
 * Announces, inside the transaction that stores reports, that these discussions changed. PostgreSQL delivers a
 * NOTIFY only if and when the transaction commits (and merges identical ones). SQLite needs nothing: other processes
 * notice the commit through data_version, and this process through `publish`.
 */
export async function announceReports(trx: Db, discussionIds: readonly string[]): Promise<void> {
  if (!isPostgres(trx)) return;
  for (const discussionId of discussionIds) await sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ discussionId })})`.execute(trx);
}

/**
 * `onMessage(payload)` for each announcement; `onMessage(null)` when the database may have changed without an
 * announcement reaching us (another process on SQLite; a PostgreSQL listener that had to reconnect).
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

/**
 * LISTEN on a dedicated connection. When it drops (or cannot be made), try again with backoff for as long as the
 * feed is open, and tell listeners to re-read once it is back: news may have been missed meanwhile.
 */
async function openPostgresFeed(store: Store, onMessage: (payload: string | null) => void, onError: (e: unknown) => void): Promise<ChangeFeed> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: store.url, keepAlive: true, ...(store.schema ? { options: `-c search_path=${store.schema}` } : {}) });
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) onMessage(n.payload);
    });
    const lost = (e?: unknown) => {
      if (e) onError(e);
      if (closed || client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      reconnect(250);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      c.end().catch(() => undefined);
      throw e;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
  };

  const reconnect = (delayMs: number) => {
    if (closed) return;
    retry = setTimeout(() => {
      connect().then(
        () => onMessage(null),
        (e) => {
          onError(e);
          reconnect(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs);
    retry.unref();
  };

  await connect();
  return {
    publish: async () => undefined,
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
