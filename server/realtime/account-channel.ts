import type { Presence } from "@colyseus/core";
import type { AccountEvent, AccountEventBus } from "../modules/events/account-events";

export type { AccountEvent };

/**
 * Every process subscribes, through the Colyseus Presence API, to the channels of the accounts it
 * holds connections for. Events for one player are published there and reach whichever process
 * holds that player's connection (LocalPresence in one process, Redis pub/sub across many).
 */
export const accountChannel = (accountId: string): string => `lobby:acct:${accountId}`;

export class PresenceAccountEventBus implements AccountEventBus {
  constructor(private readonly presence: Presence) {}

  async publish(accountId: string, event: AccountEvent): Promise<void> {
    await this.presence.publish(accountChannel(accountId), event);
  }
}
