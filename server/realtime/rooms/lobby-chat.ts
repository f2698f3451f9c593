import type { Client } from "@colyseus/core";
import { ErrorCode } from "../../../shared/codes";
import {
  ChatDmMessageSchema,
  ChatJoinMessageSchema,
  ChatLeaveMessageSchema,
  ChatReadMessageSchema,
  ChatReportMessageSchema,
  ChatSendMessageSchema,
  type ChatHistoryMessage,
  type ChatMessage,
} from "../../../shared/schemas/chat";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { AppError } from "../../lib/errors";
import type { Logger } from "../../lib/logger";
import type { ChatEvent } from "../../modules/chat/chat-events";
import type { ChatService, Identity } from "../../modules/chat/chat.service";
import { ChannelCursor } from "../channel-cursor";
import type { MessageRouter } from "../message-router";
import type { TopicSubscriptions } from "../topic-subscriptions";

/** Public channels one connection may be in at once. */
const MAX_JOINED_CHANNELS = 10;

/** What chat keeps per connection (in client.userData.chat). Survives a reconnect. */
export interface ChatConnection {
  who: Identity;
  /** Where each channel's stream stands: public and party channels joined, DMs seen. */
  cursors: Map<string, ChannelCursor>;
  /** Public channels joined through chat.join (their topics are subscribed). */
  joined: Set<string>;
  /** Senders this player never sees (blocks in either direction). */
  hidden: Set<string>;
  send: (type: string, payload: unknown) => void;
}

export interface LobbyChatDeps {
  chat: ChatService;
  logger: Logger;
}

/**
 * The lobby's chat for one room: channel membership of its connections, topic subscriptions,
 * exactly-once in-order delivery through ChannelCursors, and the chat client messages.
 */
export class LobbyChat {
  constructor(
    private readonly d: LobbyChatDeps,
    private readonly topics: TopicSubscriptions<ChatEvent>,
    private readonly connections: () => Iterable<ChatConnection>,
  ) {}

  register(router: MessageRouter, chatOf: (client: Client) => ChatConnection): void {
    router.on(LobbyClientMessage.ChatJoin, ChatJoinMessageSchema, (client, m) => this.join(chatOf(client), m.channelId, m.afterSeq));
    router.on(LobbyClientMessage.ChatLeave, ChatLeaveMessageSchema, (client, m) => this.leave(chatOf(client), m.channelId));
    router.on(LobbyClientMessage.ChatSend, ChatSendMessageSchema, (client, m) => {
      const state = chatOf(client);
      if (m.channelId.startsWith("public:") && !state.joined.has(m.channelId)) {
        throw new AppError(ErrorCode.NotChannelMember, "Join the channel before sending to it.");
      }
      return this.d.chat.send(state.who, m.channelId, m.text);
    });
    router.on(LobbyClientMessage.ChatDm, ChatDmMessageSchema, (client, m) => this.d.chat.sendDirect(chatOf(client).who, m.to, m.text));
    router.on(LobbyClientMessage.ChatRead, ChatReadMessageSchema, (client, m) => this.d.chat.markRead(chatOf(client).who.accountId, m.channelId, m.seq));
    router.on(LobbyClientMessage.ChatReport, ChatReportMessageSchema, (client, m) =>
      this.d.chat.report(chatOf(client).who, m.messageId, m.reason, m.note),
    );
  }

  newConnection(who: Identity, client: Client): ChatConnection {
    return { who, cursors: new Map(), joined: new Set(), hidden: new Set(), send: (type, payload) => client.send(type, payload) };
  }

  /**
   * On join and reconnect: who is hidden, the DMs waiting, and (after a reconnect) whatever the
   * connection's channels received while it was away, through its cursors: no gap, no duplicate.
   */
  async start(client: Client, state: ChatConnection): Promise<void> {
    state.send = (type, payload) => client.send(type, payload);
    state.hidden = await this.d.chat.hiddenSenders(state.who.accountId);
    state.send(LobbyServerMessage.ChatUnread, await this.d.chat.unread(state.who.accountId));
    for (const [channelId, cursor] of state.cursors) {
      const from = cursor.position;
      if (from === undefined) continue;
      const upto = await this.d.chat.lastSeq(channelId);
      if (upto > from) for (const m of await this.d.chat.gap(channelId, from, upto)) cursor.offer(m);
    }
  }

  /** The connection is gone for good: drop its subscriptions. */
  stop(state: ChatConnection | undefined): void {
    if (!state) return;
    for (const channelId of state.joined) this.topics.remove(channelId);
    state.joined.clear();
    state.cursors.clear();
  }

  /** Joins a channel (public via chat.join; party channels by the party feature). */
  async join(state: ChatConnection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    if (channelId.startsWith("public:")) this.d.chat.publicChannel(channelId);
    if (!state.joined.has(channelId)) {
      if (state.joined.size >= MAX_JOINED_CHANNELS) {
        throw new AppError(ErrorCode.InvalidMessage, `At most ${MAX_JOINED_CHANNELS} channels at once.`);
      }
      state.joined.add(channelId);
      await this.topics.add(channelId);
    }
    const existing = state.cursors.get(channelId);
    if (existing?.position !== undefined) {
      // Already streaming this channel to the connection: its cursor delivers what follows.
      const history: ChatHistoryMessage = { channelId, messages: [], lastSeq: existing.position, truncated: false };
      state.send(LobbyServerMessage.ChatHistory, history);
      return history;
    }
    // Subscribed first, cursor buffering: nothing published from here on is lost or doubled.
    const cursor = this.cursorFor(state, channelId);
    const history = await this.d.chat.joinHistory(state.who, channelId, afterSeq);
    state.send(LobbyServerMessage.ChatHistory, history);
    cursor.open(history.lastSeq);
    return history;
  }

  leave(state: ChatConnection, channelId: string): void {
    if (!state.joined.delete(channelId)) return;
    state.cursors.delete(channelId);
    this.topics.remove(channelId);
  }

  /** An event on a public or party channel topic, for this room's connections in it. */
  onTopicEvent(channelId: string, event: ChatEvent): void {
    for (const state of this.connections()) {
      const cursor = state.cursors.get(channelId);
      if (!cursor) continue;
      this.apply(state, cursor, event);
    }
  }

  /** A DM event on the account's channel, for one connection. */
  onDirectEvent(state: ChatConnection | undefined, event: ChatEvent): void {
    if (!state) return;
    const channelId = event.type === "message" ? event.message.channelId : event.channelId;
    let cursor = state.cursors.get(channelId);
    if (!cursor && event.type === "message") {
      // First DM of this channel on this connection: its stream starts here.
      cursor = this.cursorFor(state, channelId);
      cursor.open(event.message.seq - 1);
    }
    if (cursor) this.apply(state, cursor, event);
  }

  async reloadHidden(state: ChatConnection | undefined): Promise<void> {
    if (state) state.hidden = await this.d.chat.hiddenSenders(state.who.accountId);
  }

  private apply(state: ChatConnection, cursor: ChannelCursor, event: ChatEvent): void {
    if (event.type === "message") cursor.offer(event.message);
    else state.send(LobbyServerMessage.ChatDeleted, { channelId: event.channelId, id: event.id, seq: event.seq });
  }

  private cursorFor(state: ChatConnection, channelId: string): ChannelCursor {
    let cursor = state.cursors.get(channelId);
    if (!cursor) {
      cursor = new ChannelCursor(
        (after, upto) => this.d.chat.gap(channelId, after, upto),
        (message: ChatMessage) => {
          if (!state.hidden.has(message.sender.id)) state.send(LobbyServerMessage.ChatMessage, message);
        },
        (err) => this.d.logger.error({ err, channelId }, "chat gap fill failed"),
      );
      state.cursors.set(channelId, cursor);
    }
    return cursor;
  }
}
