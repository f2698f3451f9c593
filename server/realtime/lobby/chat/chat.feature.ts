import { partyChannelId } from "../../../../shared/schemas/chat";
import { LobbyServerMessage } from "../../../../shared/schemas/lobby";
import type { Logger } from "../../../lib/logger";
import type { ChatEvent } from "../../../modules/chat/chat-events";
import type { ChatService } from "../../../modules/chat/chat.service";
import type { JoinSnapshot } from "../../../modules/lobby/join-snapshot";
import { TopicSubscriptions } from "../../topic-subscriptions";
import type { AccountEventOf, FeatureRouter, LobbyFeature, LobbyRoomContext, StartCause } from "../feature";
import { whoOf, type LobbyClient } from "../lobby-client";
import type { PartyChat } from "../parties/parties.feature";
import { adoptSnapshotHidden, newChatConnection, reloadHidden, send, type ChatConnection } from "./chat-connection";
import { registerChatHandlers, type ChatJoinLimits } from "./chat-handlers";
import { resyncCursors } from "./chat-resync";
import { ChatStreams } from "./chat-streams";

export interface ChatFeatureDeps extends ChatJoinLimits {
  chat: ChatService;
  logger: Logger;
  /** The Presence channel of a chat channel (see backplane/presence-chat-topics.ts). */
  topicChannel: (channelId: string) => string;
}

type ChatEventKind = "chat" | "blocks_changed" | "party_channel";

/**
 * The lobby's chat in one room: the chat client messages (chat-handlers.ts), the connections'
 * streams (chat-streams.ts: topics, cursors), DMs and block changes from the account channel, and
 * the party channel the parties feature has a connection follow.
 */
export class ChatFeature implements LobbyFeature<ChatConnection, ChatEventKind>, PartyChat {
  readonly name = "chat";
  readonly events = ["chat", "blocks_changed", "party_channel"] as const;
  private readonly streams: ChatStreams;

  constructor(
    private readonly d: ChatFeatureDeps,
    private readonly room: LobbyRoomContext,
  ) {
    const topics = new TopicSubscriptions<ChatEvent>(room.presence, d.topicChannel, (channelId, event) => this.streams.onTopicEvent(channelId, event));
    this.streams = new ChatStreams(d.chat, d.logger, topics, () => room.states(this));
  }

  register(router: FeatureRouter<ChatConnection>): void {
    registerChatHandlers(router, this.d.chat, this.streams, this.d);
  }

  open(client: LobbyClient, join: Promise<JoinSnapshot | undefined>): ChatConnection {
    return newChatConnection(
      whoOf(client),
      client,
      join.then((snapshot) => snapshot?.dmPositions),
    );
  }

  beforeSnapshot(state: ChatConnection): void {
    state.reloadsAtSnapshot = state.hiddenReloads;
  }

  /**
   * On join and reconnect: who is hidden, the DMs waiting, and (after a reconnect) whatever the
   * connection's channels received while it was away. On a refresh: who is hidden, read again
   * (the streams catch up in resync()).
   */
  async start(client: LobbyClient, state: ChatConnection, join: JoinSnapshot, cause: StartCause): Promise<void> {
    if (cause === "refresh") return reloadHidden(this.d.chat, this.d.logger, state);
    // From here on, events reach this connection again (and are held until the client is ready).
    state.client = client;
    await adoptSnapshotHidden(state, join.hidden);
    // unreadOf only reads the set.
    send(state, LobbyServerMessage.ChatUnread, this.d.chat.unreadOf(join.dmUnread, state.hidden as Set<string>));
    await this.streams.catchUp(state);
  }

  close(_client: LobbyClient, state: ChatConnection): void {
    this.streams.stop(state);
  }

  onAccountEvent(_client: LobbyClient, state: ChatConnection, event: AccountEventOf<ChatEventKind>): void {
    if (event.kind === "chat") this.streams.onDirectEvent(state, event.event);
    else if (event.kind === "blocks_changed") void reloadHidden(this.d.chat, this.d.logger, state).catch((err) => this.room.logger.warn({ err }, "reloading blocks failed"));
    else if (event.member) void this.streams.join(state, event.channelId).catch((err) => this.room.logger.warn({ err }, "joining the party channel failed"));
    else void this.streams.leave(state, event.channelId);
  }

  /** After the backplane lost messages: every open stream of the room catches up from the database. */
  resync(): Promise<void> {
    return resyncCursors(this.d.chat, this.room.states(this)).catch((err: unknown) => this.d.logger.warn({ err }, "chat resync after a backplane reconnect failed"));
  }

  /**
   * The party channel after a party snapshot. A refresh also leaves a party channel the
   * connection still streams but is no longer in (its party_channel event was lost).
   */
  async followParty(client: LobbyClient, channelId: string | undefined, cause: StartCause): Promise<void> {
    const state = this.room.stateOf(this, client);
    if (!state) return;
    if (cause !== "refresh") {
      if (channelId) await this.streams.join(state, channelId);
      return;
    }
    for (const joined of [...(state.joined ?? [])]) {
      if (joined.startsWith(partyChannelId("")) && joined !== channelId) await this.streams.leave(state, joined);
    }
    if (channelId && !state.joined?.has(channelId)) await this.streams.join(state, channelId);
  }
}
