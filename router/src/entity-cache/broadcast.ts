/**
 * Purges that no event announces to every replica — a mutation's read-your-writes purge and the
 * operator's purge — published on a Redis channel (`<key prefix>purge`) so every replica drops them
 * from its in-process near cache too (events need no broadcast: every replica reads every event).
 *
 * The near cache may only be used while this replica is subscribed: a message published while its
 * subscriber was disconnected is lost, so `ready` turns false at any disconnect and true only after
 * the channel is subscribed again, and `onReset` is called at both moments for the near cache to be
 * emptied.
 *
 * Message: JSON `{ "from": <replica id>, "tags": [...] }` or `{ "from": <replica id>, "all": true }`.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '@commerce/kit/logger';

export type BroadcastPurge = { tags: string[] } | { all: true };

export interface PurgeBroadcastOptions {
  /** The connection publishes go through (the router's shared one). */
  publisher: Redis;
  /** A connection of its own (subscribed connections run no other command). */
  subscriber: Redis;
  channel: string;
  /** Another replica's purge: drop it from this process's entries. */
  onPurge: (purge: BroadcastPurge) => void;
  /** The subscription was lost or regained: whatever the near cache holds may have missed a purge. */
  onReset: () => void;
  log: Logger;
}

export class PurgeBroadcast {
  private readonly id = randomUUID();
  private subscribed = false;
  private closed = false;

  constructor(private readonly options: PurgeBroadcastOptions) {
    const { subscriber, channel, log } = options;
    subscriber.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      const message = parseMessage(text);
      if (message === null) return log.warn({ text }, 'entity cache: unreadable purge broadcast ignored');
      if (message.from === this.id) return;
      options.onPurge(message.purge);
    });
    const lost = () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      options.onReset();
    };
    subscriber.on('close', lost);
    subscriber.on('end', lost);
    // A failed connection also closes it ('close' above); without a listener an error would be thrown.
    subscriber.on('error', (error: unknown) => log.debug({ err: error }, 'entity cache: purge broadcast subscriber error'));
    subscriber.on('ready', () => {
      if (this.closed) return;
      subscriber
        .subscribe(channel)
        .then(() => {
          if (this.closed || subscriber.status !== 'ready') return;
          // Messages may have been missed before this point: start the near cache empty.
          options.onReset();
          this.subscribed = true;
        })
        .catch((error: unknown) => log.warn({ err: error }, 'entity cache: cannot subscribe to purge broadcasts; near cache off'));
    });
  }

  /** Whether every purge published from now on reaches this replica (its subscription is live). */
  get ready(): boolean {
    return this.subscribed;
  }

  /**
   * Publishes a purge to the other replicas. Resolves once Redis has handed it to their subscriptions;
   * a failure is logged (Redis is then failing: the others' subscriptions drop, and their near caches
   * with them).
   */
  async publish(purge: BroadcastPurge): Promise<void> {
    try {
      await this.options.publisher.publish(this.options.channel, JSON.stringify({ from: this.id, ...purge }));
    } catch (error) {
      this.options.log.warn({ err: error }, 'entity cache: purge broadcast failed');
    }
  }

  close(): void {
    this.closed = true;
    this.subscribed = false;
    this.options.subscriber.disconnect();
  }
}

function parseMessage(text: string): { from: string; purge: BroadcastPurge } | null {
  try {
    const value = JSON.parse(text) as { from?: unknown; tags?: unknown; all?: unknown };
    if (typeof value.from !== 'string') return null;
    if (value.all === true) return { from: value.from, purge: { all: true } };
    if (Array.isArray(value.tags) && value.tags.every((tag) => typeof tag === 'string')) return { from: value.from, purge: { tags: value.tags as string[] } };
    return null;
  } catch {
    return null;
  }
}
