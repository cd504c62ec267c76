/**
 * Live tally updates. After a report commits, its route publishes "discussion D changed" through the store's change
 * feed (src/storage/change-feed.ts), which reaches every server instance. Each instance keeps one channel per watched
 * (discussion, unit): on news it reads that tally once — coalescing bursts — and sends it to every subscriber of the
 * channel if the figures changed. A thousand viewers of the national tally cost one read per burst, not a thousand.
 */
import { openChangeFeed, type ChangeFeed } from '../storage/change-feed.ts';
import type { Store } from '../storage/db.ts';

/** How long a channel waits to gather a burst of reports into one read and one push. */
const COALESCE_MS = 150;

export interface TallyChange {
  discussionId: string;
  /** The unit that reported (informational; every watched tally of the discussion is re-read). */
  unitId?: string;
}

type Send = (tally: unknown) => void;
type ReadTally = (discussionId: string, unitId: string) => Promise<unknown>;

interface Channel {
  discussionId: string;
  unitId: string;
  subscribers: Set<Send>;
  /** The figures last sent (JSON without asOf), to send only real changes. */
  last: string;
  timer: NodeJS.Timeout | undefined;
  /** Reads are numbered: a read that finishes after a newer one has been sent is stale and dropped. */
  reads: number;
  sent: number;
}

/** Figures without the timestamp: two reads of the same figures are the same news. */
export function figuresKey(tally: unknown): string {
  const { asOf: _asOf, ...figures } = tally as { asOf?: string };
  return JSON.stringify(figures);
}

export class TallyHub {
  private readonly channels = new Map<string, Channel>();
  private feed: ChangeFeed | undefined;

  constructor(
    private readonly store: Store,
    private readonly read: ReadTally,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.feed = await openChangeFeed(this.store, (payload) => {
      let discussionId: string | undefined;
      if (payload !== null) {
        try {
          discussionId = (JSON.parse(payload) as TallyChange).discussionId;
        } catch {
          return; // not ours
        }
      }
      for (const ch of this.channels.values()) if (discussionId === undefined || ch.discussionId === discussionId) this.schedule(ch);
    }, this.onError);
  }

  async stop(): Promise<void> {
    for (const ch of this.channels.values()) if (ch.timer) clearTimeout(ch.timer);
    this.channels.clear();
    await this.feed?.close();
    this.feed = undefined;
  }

  /**
   * Subscribes first, then reads and sends the current tally to this subscriber: a report committed in between is
   * caught by the subscription rather than lost.
   */
  async watch(discussionId: string, unitId: string, send: Send): Promise<() => void> {
    const key = `${discussionId}\u0000${unitId}`;
    let ch = this.channels.get(key);
    if (!ch) this.channels.set(key, (ch = { discussionId, unitId, subscribers: new Set(), last: '', timer: undefined, reads: 0, sent: 0 }));
    const channel = ch;
    channel.subscribers.add(send);
    const unwatch = () => {
      channel.subscribers.delete(send);
      if (!channel.subscribers.size && this.channels.get(key) === channel) {
        if (channel.timer) clearTimeout(channel.timer);
        this.channels.delete(key);
      }
    };
    try {
      send(await this.read(discussionId, unitId));
    } catch (e) {
      unwatch();
      throw e;
    }
    return unwatch;
  }

  /** Called after a commit that moved tallies. A failure to announce never fails the (committed) request. */
  async publish(change: TallyChange): Promise<void> {
    try {
      if (this.feed) await this.feed.publish(JSON.stringify({ discussionId: change.discussionId, unitId: change.unitId }));
      else for (const ch of this.channels.values()) if (ch.discussionId === change.discussionId) this.schedule(ch);
    } catch (e) {
      this.onError(e);
    }
  }

  private schedule(ch: Channel): void {
    ch.timer ??= setTimeout(() => void this.push(ch), COALESCE_MS);
  }

  private async push(ch: Channel): Promise<void> {
    ch.timer = undefined;
    if (!ch.subscribers.size) return;
    const n = ++ch.reads;
    try {
      const tally = await this.read(ch.discussionId, ch.unitId);
      const key = figuresKey(tally);
      if (n < ch.sent || key === ch.last) return;
      ch.sent = n;
      ch.last = key;
      for (const send of ch.subscribers) send(tally);
    } catch (e) {
      this.onError(e);
    }
  }
}
