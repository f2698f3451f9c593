import type { Client } from "@colyseus/core";
import { ErrorCode } from "../../../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage } from "../../../../shared/schemas/lobby";
import type { Clock } from "../../../lib/clock";
import { AppError } from "../../../lib/errors";
import type { Logger } from "../../../lib/logger";
import { TokenBucket } from "../../../lib/token-bucket";
import type { JoinSnapshot } from "../../../modules/lobby/join-snapshot";
import type { NotificationsService } from "../../../modules/notifications/notifications.service";
import type { PresenceService } from "../../../modules/presence/presence.service";
import { ClientDelivery, type SnapshotEntry } from "../../client-delivery";
import { roomMessageFrame } from "../../encoded-messages";
import type { AccountEventOf, FeatureRouter, LobbyFeature } from "../feature";
import { whoOf, type LobbyClient } from "../lobby-client";

/** A delivery opened without a snapshot (the refresh that would have sent one failed). */
const NO_ENTRIES: ReadonlyMap<string, SnapshotEntry> = new Map();

export interface SocialFeatureDeps {
  presence: PresenceService;
  notifications: NotificationsService;
  logger: Logger;
  clock: Clock;
}

/** What the social side keeps per connection; nothing settled or unused is kept. */
export interface SocialConnection {
  delivery: ClientDelivery<Client>;
  /** The connection counts towards the account's presence. */
  registered: boolean;
  /** presence.set's limit, created at the first presence.set (a full bucket either way). */
  presenceBucket?: TokenBucket;
  /** The presence registration change in progress, if any (changes run in order; a reconnect keeps the id). */
  pending?: Promise<void>;
}

/** Account events to one connection: frames shared with every other recipient of the same event. */
const sendThrough = (client: Client, type: string, payload: unknown): void => client.enqueueRaw(roomMessageFrame(type, payload));

/** presence.set: a burst of 5, then one every 2 seconds (each change reaches every friend). */
const PRESENCE_BURST = 5;
const PRESENCE_REFILL_PER_SECOND = 0.5;

/**
 * The lobby's social feature: presence registration, the friends snapshot, notifications, and
 * forwarding of `deliver` account events (presence updates, friend changes, invites...). Holds no
 * room state: one instance serves every room of the process.
 */
export class SocialFeature implements LobbyFeature<SocialConnection, "deliver"> {
  readonly name = "social";
  readonly events = ["deliver"] as const;

  constructor(private readonly d: SocialFeatureDeps) {}

  register(router: FeatureRouter<SocialConnection>): void {
    router.on(LobbyClientMessage.PresenceSet, async (client, state, message) => {
      state.presenceBucket ??= new TokenBucket(PRESENCE_BURST, PRESENCE_REFILL_PER_SECOND, this.d.clock);
      if (!state.presenceBucket.tryTake()) {
        throw new AppError(ErrorCode.RateLimited, "Presence changes are too frequent; try again shortly.");
      }
      await this.d.presence.setStatus(whoOf(client), message);
    });
    router.on(LobbyClientMessage.NotificationsRead, async (client, _state, message) => {
      await this.d.notifications.markRead(whoOf(client).accountId, "ids" in message ? message.ids : "all");
    });
  }

  open(client: LobbyClient): SocialConnection {
    // Every field from the start (cleared with undefined, never `delete`): one hidden class, no property dictionary.
    return { delivery: new ClientDelivery<Client>(client, sendThrough), registered: false, presenceBucket: undefined, pending: undefined };
  }

  /** Registers the connection's presence, then sends the friends snapshot and unread notifications (from the join's snapshot). */
  async start(client: LobbyClient, state: SocialConnection, join: JoinSnapshot): Promise<void> {
    state.delivery.pause();
    state.delivery.retarget(client);
    let entries: Map<string, SnapshotEntry> | undefined;
    try {
      if (state.pending) await state.pending;
      const connected = await this.d.presence.connected(whoOf(client), client.sessionId, join);
      entries = connected.entries;
      state.registered = true;
      client.send(LobbyServerMessage.PresenceSnapshot, connected.snapshot);
      client.send(LobbyServerMessage.NotificationsUnread, this.d.notifications.unreadSummaryOf(join.notifications.rows, join.notifications.unreadCount));
    } finally {
      // Failed (presence unreachable): what was held is delivered anyway, or a connection that
      // stays open (a refresh after a backplane outage) would never get another event.
      state.delivery.open(entries ?? NO_ENTRIES);
    }
  }

  /** A dropped connection is offline for its friends at once; a reconnect brings it back. */
  drop(client: LobbyClient, state: SocialConnection): Promise<void> {
    return this.offline(client, state);
  }

  /** Resolves once presence counted the connection out: later features (parties) see whether it was the account's last. */
  close(client: LobbyClient, state: SocialConnection): Promise<void> {
    return this.offline(client, state);
  }

  onAccountEvent(_client: LobbyClient, state: SocialConnection, event: AccountEventOf<"deliver">): void {
    state.delivery.deliver(event);
  }

  /**
   * The connection no longer counts towards presence. Resolves once that is recorded and
   * announced (or once an earlier change of this connection is). Never rejects.
   */
  private offline(client: LobbyClient, state: SocialConnection): Promise<void> {
    if (!state.registered) return state.pending ?? Promise.resolve();
    state.registered = false;
    state.delivery.pause();
    const who = whoOf(client);
    const previous = state.pending ?? Promise.resolve();
    const change = previous
      .then(() => this.d.presence.disconnected(who, client.sessionId))
      .catch((err: unknown) => {
        this.d.logger.error({ err, accountId: who.accountId }, "presence disconnect failed");
      });
    state.pending = change;
    void change.then(() => {
      if (state.pending === change) state.pending = undefined;
    });
    return change;
  }
}
