import type { Presence } from "@colyseus/core";

/**
 * One room's subscriptions to Presence channels, reference-counted: a single subscription per
 * topic however many of the room's connections need it, dropped when the last one is done.
 */
export class TopicSubscriptions<E> {
  private readonly handlers = new Map<string, (event: E) => void>();
  private readonly refs = new Map<string, number>();
  /** Each topic's subscription, settled once the backplane confirmed it. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly presence: Presence,
    private readonly channelOf: (topic: string) => string,
    private readonly onEvent: (topic: string, event: E) => void,
  ) {}

  /** Resolves once events published to the topic from now on reach this room, for every caller. */
  async add(topic: string): Promise<void> {
    const count = (this.refs.get(topic) ?? 0) + 1;
    this.refs.set(topic, count);
    if (count === 1) {
      const handler = (event: E) => this.onEvent(topic, event);
      this.handlers.set(topic, handler);
      this.subscribed.set(topic, this.presence.subscribe(this.channelOf(topic), handler));
    }
    await this.subscribed.get(topic);
  }

  remove(topic: string): void {
    const count = (this.refs.get(topic) ?? 0) - 1;
    if (count > 0) {
      this.refs.set(topic, count);
      return;
    }
    this.refs.delete(topic);
    this.subscribed.delete(topic);
    const handler = this.handlers.get(topic);
    this.handlers.delete(topic);
    if (handler) this.presence.unsubscribe(this.channelOf(topic), handler);
  }

  clear(): void {
    for (const [topic, handler] of this.handlers) this.presence.unsubscribe(this.channelOf(topic), handler);
    this.handlers.clear();
    this.refs.clear();
    this.subscribed.clear();
  }
}
