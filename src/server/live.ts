/**
 * Live tally updates. A report's route publishes the units whose tallies moved; every subscriber watching one of them
 * (an SSE stream, src/server/routes/tally.ts) hears of it — across server instances too, through the store's change
 * feed (src/storage/change-feed.ts).
 */
import { openChangeFeed, type ChangeFeed } from '../storage/change-feed.ts';
import type { Store } from '../storage/db.ts';

export interface TallyChange {
  discussionId: string;
  /** Units whose subtree tallies changed; null: anything may have changed. */
  unitIds: string[] | null;
}

type Listener = (change: TallyChange) => void;

export class TallyHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private feed: ChangeFeed | undefined;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    this.feed = await openChangeFeed(this.store, (payload) => {
      if (payload === null) {
        for (const discussionId of this.listeners.keys()) this.dispatch({ discussionId, unitIds: null });
        return;
      }
      try {
        this.dispatch(JSON.parse(payload) as TallyChange);
      } catch {
        /* not ours */
      }
    });
  }

  async stop(): Promise<void> {
    await this.feed?.close();
    this.feed = undefined;
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

  /** Called after a commit that moved tallies. Without a started feed (tests with live: false), delivered locally. */
  async publish(change: TallyChange): Promise<void> {
    if (this.feed) await this.feed.publish(JSON.stringify(change));
    else this.dispatch(change);
  }

  private dispatch(change: TallyChange): void {
    for (const l of this.listeners.get(change.discussionId) ?? []) l(change);
  }
}
