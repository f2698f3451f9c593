import type { Presence } from "@colyseus/core";
import type { AccountEvent, AccountEventBus } from "../modules/events/account-events";
import type { AccountEventOutbox } from "./account-event-outbox";

export type { AccountEvent };

/**
 * Every process subscribes, through the Colyseus Presence API, to the channels of the accounts it
 * holds connections for. Events for one player are published there and reach whichever process
 * holds that player's connection (LocalPresence in one process, Redis pub/sub across many).
 */
export const accountChannel = (accountId: string): string => `lobby:acct:${accountId}`;

/**
 * Every process subscribes here once: accounts whose cached sessions are stale (SessionCache),
 * because sessions ended or because the names cached with them changed.
 */
export const SESSIONS_ENDED_CHANNEL = "lobby:sessions-ended";

export interface SessionsEndedNotice {
  accountId: string;
  /** null: every session of the account. */
  sessionIds: string[] | null;
}

export class PresenceAccountEventBus implements AccountEventBus {
  constructor(
    private readonly presence: Presence,
    /** Called at once, in this process, for every sessions_ended event it publishes. */
    private readonly onSessionsEnded: (notice: SessionsEndedNotice) => void = () => undefined,
    /** Where events go (Redis: through an outbox, so an outage never fails an operation already done). */
    private readonly outbox?: AccountEventOutbox,
  ) {}

  async publish(accountId: string, event: AccountEvent): Promise<void> {
    if (event.kind === "sessions_ended" || event.kind === "profile_changed") {
      const notice: SessionsEndedNotice = { accountId, sessionIds: event.kind === "sessions_ended" ? event.sessionIds : null };
      this.onSessionsEnded(notice);
      // Before the account's own channel: a lobby join that subscribed to that channel after this
      // publish has, by then, also received the notice (one subscriber connection, in order), so
      // its post-subscription session check cannot be answered by a stale cache entry.
      await this.send(SESSIONS_ENDED_CHANNEL, notice);
    }
    await this.send(accountChannel(accountId), event);
  }

  private async send(channel: string, message: unknown): Promise<void> {
    if (this.outbox) await this.outbox.send(channel, message);
    else await this.presence.publish(channel, message);
  }
}
