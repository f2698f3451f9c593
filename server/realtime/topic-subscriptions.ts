import type { Presence } from "@colyseus/core";
import { withTimeout } from "../lib/bounded";

/** Longest add() waits for the backplane to confirm a subscription (it stays asked for, and is made when Redis is back). */
const SUBSCRIBE_TIMEOUT_MS = 5_000;

/**
 * One room's subscriptions to Presence channels, reference-counted: a single subscription per
 * topic however many of the room's connections need it, dropped when the last one is done.
 */
interface Topic<E> {
  /** Connections of the room that need the topic. */
  refs: number;
  /** The one Presence subscriber of the topic in this room. */
  handler: (event: E) => void;
  /** Until the backplane confirmed the subscription (or if it refused it): what add() waits for. */
  subscribing?: Promise<unknown>;
}

export class TopicSubscriptions<E> {
  /** One entry per topic (an account's channel: one per connected account). */
  private readonly topics = new Map<string, Topic<E>>();

  constructor(
    private readonly presence: Presence,
    private readonly channelOf: (topic: string) => string,
    private readonly onEvent: (topic: string, event: E) => void,
    private readonly subscribeTimeoutMs = SUBSCRIBE_TIMEOUT_MS,
  ) {}

  /** Resolves once events published to the topic from now on reach this room, for every caller. */
  async add(topic: string): Promise<void> {
    const existing = this.topics.get(topic);
    if (existing) {
      existing.refs += 1;
      if (existing.subscribing) await existing.subscribing;
      return;
    }
    // All three fields from the start, cleared with undefined (a `delete` would give the entry a property dictionary).
    const entry: Topic<E> = { refs: 1, handler: this.handlerFor(topic), subscribing: undefined };
    this.topics.set(topic, entry);
    const subscribing = withTimeout(this.presence.subscribe(this.channelOf(topic), entry.handler), this.subscribeTimeoutMs, "Redis (subscribe)");
    entry.subscribing = subscribing;
    await subscribing;
    // Confirmed: later callers need not wait, and the settled promise is not kept.
    if (entry.subscribing === subscribing) entry.subscribing = undefined;
  }

  remove(topic: string): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    if (--entry.refs > 0) return;
    this.topics.delete(topic);
    // The listener is gone at once; the UNSUBSCRIBE itself may wait for Redis.
    this.unsubscribe(topic, entry.handler);
  }

  clear(): void {
    for (const [topic, entry] of this.topics) this.unsubscribe(topic, entry.handler);
    this.topics.clear();
  }

  /** LocalPresence answers at once (no promise); RedisPresence's promise may reject while Redis is away. */
  private unsubscribe(topic: string, handler: (event: E) => void): void {
    void Promise.resolve(this.presence.unsubscribe(this.channelOf(topic), handler)).catch(() => undefined);
  }

  /**
   * Returned as an anonymous arrow, not a named const: under tsx (esbuild keepNames) a named arrow
   * gets its own `name` property, which puts a 256-byte property dictionary on every handler.
   */
  private handlerFor(topic: string): (event: E) => void {
    return (event: E) => this.onEvent(topic, event);
  }
}
