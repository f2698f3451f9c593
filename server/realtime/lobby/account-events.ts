import type { Presence } from "@colyseus/core";
import { accountChannel, type AccountEvent } from "../../backplane/presence-account-event-bus";
import { AccountIndex } from "../account-index";
import { TopicSubscriptions } from "../topic-subscriptions";
import type { LobbyFeatureSet } from "./feature-set";
import { authOf, closedByServer, type LobbyClient } from "./lobby-client";
import type { SessionRevocation } from "./session-revocation";

/** What AccountEvents needs of its room. */
export interface AccountEventsRoom {
  readonly presence: Presence;
  readonly clients: { get(sessionId: string): LobbyClient | undefined };
}

/**
 * A lobby room's account channels: one subscription per account with connections in the room,
 * and each event routed to those connections: ended sessions to the revocation, every other kind
 * to the features that consume it.
 */
export class AccountEvents {
  private readonly subscriptions: TopicSubscriptions<AccountEvent>;
  /** Live and held connections by account (account events reach them without a scan). */
  private readonly byAccount = new AccountIndex();

  constructor(
    private readonly room: AccountEventsRoom,
    private readonly revocation: SessionRevocation,
    private readonly features: LobbyFeatureSet,
  ) {
    this.subscriptions = new TopicSubscriptions<AccountEvent>(room.presence, accountChannel, (accountId, event) => this.onEvent(accountId, event));
  }

  /** The connection gets its account's events from now on; resolves once the backplane confirmed the subscription. */
  add(client: LobbyClient): Promise<void> {
    const { accountId } = authOf(client);
    this.byAccount.add(accountId, client.sessionId);
    return this.subscriptions.add(accountId);
  }

  remove(client: LobbyClient): void {
    const { accountId } = authOf(client);
    this.byAccount.remove(accountId, client.sessionId);
    this.subscriptions.remove(accountId);
  }

  clear(): void {
    this.subscriptions.clear();
  }

  private onEvent(accountId: string, event: AccountEvent): void {
    if (event.kind === "sessions_ended") this.revocation.onSessionsEnded(accountId, event);
    else if (event.kind === "profile_changed") this.rename(accountId, event);
    else this.features.dispatch(this.liveClientsOf(accountId), event);
  }

  /** What the connections send from now on (chat messages, party and lobby actions) carries the new names. */
  private rename(accountId: string, names: { username: string; displayName: string }): void {
    for (const client of this.liveClientsOf(accountId)) {
      const auth = authOf(client);
      auth.username = names.username;
      auth.displayName = names.displayName;
    }
  }

  /** The account's connections in this room that are not being closed (a held seat is not in the room). */
  private *liveClientsOf(accountId: string): Iterable<LobbyClient> {
    for (const sessionId of this.byAccount.sessionsOf(accountId)) {
      const client = this.room.clients.get(sessionId);
      if (client && !closedByServer(client)) yield client;
    }
  }
}
