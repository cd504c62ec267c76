/**
 * Live tally updates. A report's route publishes the units whose tallies moved; every subscriber watching one of them
 * (an SSE stream) hears of it. Across server instances on PostgreSQL the news travels by LISTEN/NOTIFY; on SQLite a
 * cheap poll of `PRAGMA data_version` notices commits made by other processes (the CLI entering paper minutes).
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../storage/db.ts';

export interface TallyChange {
  discussionId: string;
  /** Units whose subtree tallies changed; null: anything may have changed. */
  unitIds: string[] | null;
}

type Listener = (change: TallyChange) => void;

const CHANNEL = 'plenum_tally';

export class TallyHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private pgClient: pg.Client | undefined;
  private poll: NodeJS.Timeout | undefined;
  private dataVersion: number | undefined;

  constructor(private readonly store: Store) {}

  /** Starts the cross-process channel for the store's engine. */
  async start(): Promise<void> {
    if (this.store.engine === 'postgres' && this.store.url) {
      const client = new pg.Client({ connectionString: this.store.url });
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        try {
          this.dispatch(JSON.parse(n.payload) as TallyChange);
        } catch {
          /* a malformed payload is not ours; ignore it */
        }
      });
      client.on('error', () => undefined);
      await client.query(`LISTEN ${CHANNEL}`);
      this.pgClient = client;
    } else {
      await this.readDataVersion();
      this.poll = setInterval(() => void this.checkOtherWriters(), 500);
      this.poll.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    const c = this.pgClient;
    this.pgClient = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  subscribe(discussionId: string, listener: Listener): () => void {
    let set = this.listeners.get(discussionId);
    if (!set) this.listeners.set(discussionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(discussionId);
    };
  }

  /** Called after a commit that moved tallies. */
  async publish(change: TallyChange): Promise<void> {
    if (this.store.engine === 'postgres') {
      // Every instance, this one included, hears it through LISTEN.
      await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(this.store.db);
      if (!this.pgClient) this.dispatch(change);
    } else {
      this.dispatch(change);
    }
  }

  private dispatch(change: TallyChange): void {
    for (const l of this.listeners.get(change.discussionId) ?? []) l(change);
  }

  private async readDataVersion(): Promise<number> {
    const r = await sql<{ data_version: number }>`pragma data_version`.execute(this.store.db);
    const v = Number(r.rows[0]?.data_version ?? 0);
    const changed = this.dataVersion !== undefined && v !== this.dataVersion;
    this.dataVersion = v;
    return changed ? 1 : 0;
  }

  /** Always polled (a pragma read is microseconds), so a commit made while nobody listened is not news later. */
  private async checkOtherWriters(): Promise<void> {
    try {
      if (await this.readDataVersion()) for (const discussionId of this.listeners.keys()) this.dispatch({ discussionId, unitIds: null });
    } catch {
      /* the store is closing */
    }
  }
}
