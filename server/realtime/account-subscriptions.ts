import type { Presence } from "@colyseus/core";
import { accountChannel, type AccountEvent } from "./account-channel";

/**
 * One room's subscriptions to account channels: a single subscription per account however many of
 * its connections the room holds, dropped when the last one leaves.
 */
export class AccountSubscriptions {
  private readonly handlers = new Map<string, (event: AccountEvent) => void>();
  private readonly refs = new Map<string, number>();
  /** The subscription of each account, settled once the backplane confirmed it. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly presence: Presence,
    private readonly onEvent: (accountId: string, event: AccountEvent) => void,
  ) {}

  /**
   * Resolves once events published to the account from now on reach this room. A second
   * connection of the account waits for the first one's subscription (Redis confirms it later).
   */
  async add(accountId: string): Promise<void> {
    const count = (this.refs.get(accountId) ?? 0) + 1;
    this.refs.set(accountId, count);
    if (count === 1) {
      const handler = (event: AccountEvent) => this.onEvent(accountId, event);
      this.handlers.set(accountId, handler);
      this.subscribed.set(accountId, this.presence.subscribe(accountChannel(accountId), handler));
    }
    await this.subscribed.get(accountId);
  }

  remove(accountId: string): void {
    const count = (this.refs.get(accountId) ?? 0) - 1;
    if (count > 0) {
      this.refs.set(accountId, count);
      return;
    }
    this.refs.delete(accountId);
    this.subscribed.delete(accountId);
    const handler = this.handlers.get(accountId);
    this.handlers.delete(accountId);
    if (handler) this.presence.unsubscribe(accountChannel(accountId), handler);
  }

  clear(): void {
    for (const [accountId, handler] of this.handlers) this.presence.unsubscribe(accountChannel(accountId), handler);
    this.handlers.clear();
    this.refs.clear();
    this.subscribed.clear();
  }
}
