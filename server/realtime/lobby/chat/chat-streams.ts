import { KeyedSerializer } from "../../../lib/keyed-serializer";
import { ClientState } from "@colyseus/core";
import { ErrorCode } from "../../../../shared/codes";
import type { ChatHistoryMessage, ChatMessage } from "../../../../shared/schemas/chat";
import { LobbyServerMessage } from "../../../../shared/schemas/lobby";
import { AppError } from "../../../lib/errors";
import type { Logger } from "../../../lib/logger";
import type { ChatEvent } from "../../../modules/chat/chat-events";
import type { ChatService } from "../../../modules/chat/chat.service";
import { ChannelCursor } from "../../channel-cursor";
import type { TopicSubscriptions } from "../../topic-subscriptions";
import { forget, send, type ChatConnection, type DmPositions } from "./chat-connection";

/** Public channels one connection may be in at once. */
const MAX_JOINED_CHANNELS = 10;

/**
 * The chat streams of one room's connections: channel membership, topic subscriptions, and
 * exactly-once in-order delivery through ChannelCursors (live events, gaps read from the store).
 */
export class ChatStreams {
  /** Gap reads in flight, shared by the room's cursors (see sharedGap). */
  private readonly gapLoads = new Map<string, Promise<ChatMessage[]>>();

  constructor(
    private readonly chat: ChatService,
    private readonly logger: Logger,
    private readonly topics: TopicSubscriptions<ChatEvent>,
    /** The room's connections (see LobbyRoomContext.states). */
    private readonly connections: () => Iterable<ChatConnection>,
  ) {}

  /** After a reconnect: whatever the connection's channels received while it was away, through its cursors (no gap, no duplicate). */
  async catchUp(state: ChatConnection): Promise<void> {
    if (!state.cursors) return;
    for (const [channelId, cursor] of state.cursors) {
      const from = cursor.position;
      if (from === undefined) continue;
      const upto = await this.chat.lastSeq(channelId);
      if (upto > from) for (const m of await this.chat.gap(channelId, from, upto)) cursor.offer(m);
    }
  }

  /** The connection is gone for good: drop its subscriptions. */
  stop(state: ChatConnection): void {
    for (const channelId of state.joined ?? []) this.topics.remove(channelId);
    state.joined = undefined;
    state.cursors = undefined;
    state.channelOps = undefined;
  }

  /** Joins a channel (public via chat.join; party channels for the party feature). */
  join(state: ChatConnection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    return this.serialized(state, channelId, () => this.joinNow(state, channelId, afterSeq));
  }

  leave(state: ChatConnection, channelId: string): Promise<void> {
    return this.serialized(state, channelId, async () => this.leaveNow(state, channelId));
  }

  /** One chat.join / chat.leave of a channel at a time per connection (a second join waits for the first). */
  serialized<T>(state: ChatConnection, channelId: string, op: () => Promise<T>): Promise<T> {
    const ops = (state.channelOps ??= new KeyedSerializer());
    const next = ops.run(channelId, op);
    // Dropped once idle: most connections join a channel or two and then never again.
    const forget = () => {
      if (state.channelOps === ops && ops.idle) state.channelOps = undefined;
    };
    next.then(forget, forget);
    return next;
  }

  /** A join in the channel's turn (see serialized). */
  async joinNow(state: ChatConnection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    if (channelId.startsWith("public:")) this.chat.publicChannel(channelId);
    const existing = state.cursors?.get(channelId);
    if (existing?.isOpen && state.joined?.has(channelId)) return this.rejoin(state, existing, channelId, afterSeq);
    const subscribing = !state.joined?.has(channelId);
    if (subscribing && (state.joined?.size ?? 0) >= MAX_JOINED_CHANNELS) {
      throw new AppError(ErrorCode.InvalidMessage, `At most ${MAX_JOINED_CHANNELS} channels at once.`);
    }
    // A DM stream this connection already has is kept whatever happens here.
    const hadCursor = state.cursors?.has(channelId) ?? false;
    let cursor: ChannelCursor;
    let history: ChatHistoryMessage;
    try {
      if (subscribing) {
        (state.joined ??= new Set()).add(channelId);
        await this.topics.add(channelId);
      }
      // Subscribed first, cursor buffering: nothing published from here on is lost or doubled.
      cursor = this.cursorFor(state, channelId);
      history = await this.chat.joinHistory(state.who, channelId, afterSeq);
    } catch (err) {
      // Not allowed in (e.g. someone else's party), or the store failed: leave nothing behind.
      if (subscribing && forget(state, "joined", channelId)) this.topics.remove(channelId);
      if (!hadCursor) forget(state, "cursors", channelId);
      throw err;
    }
    if (cursor.isOpen) {
      // A DM stream already running on this connection: it carries on; history was not sent.
      return this.rejoin(state, cursor, channelId, afterSeq);
    }
    send(state, LobbyServerMessage.ChatHistory, history);
    cursor.open(history.lastSeq);
    return history;
  }

  /**
   * chat.join of a channel the connection already streams: nothing is sent twice. With `afterSeq`
   * behind the stream (the client lost messages, e.g. in a socket that died unnoticed), the
   * messages after it are sent again, in the stream's order, before anything newer.
   */
  private rejoin(state: ChatConnection, cursor: ChannelCursor, channelId: string, afterSeq: number | undefined): Promise<ChatHistoryMessage> {
    return cursor.run(async (position) => {
      const missed =
        afterSeq !== undefined && afterSeq < position
          ? await this.chat.catchUp(state.who, channelId, afterSeq, position)
          : { messages: [], truncated: false };
      const history: ChatHistoryMessage = { channelId, ...missed, lastSeq: position };
      send(state, LobbyServerMessage.ChatHistory, history);
      return history;
    });
  }

  private leaveNow(state: ChatConnection, channelId: string): void {
    if (!forget(state, "joined", channelId)) return;
    forget(state, "cursors", channelId);
    this.topics.remove(channelId);
  }

  /** An event on a public or party channel topic, for this room's connections in it. */
  onTopicEvent(channelId: string, event: ChatEvent): void {
    for (const state of this.connections()) {
      const cursor = state.cursors?.get(channelId);
      if (!cursor || !reachable(state)) continue;
      this.apply(state, cursor, event);
    }
  }

  /** A DM event on the account's channel, for one connection. */
  onDirectEvent(state: ChatConnection, event: ChatEvent): void {
    if (!reachable(state)) return;
    const channelId = event.type === "message" ? event.message.channelId : event.channelId;
    let cursor = state.cursors?.get(channelId);
    if (!cursor && event.type === "message") {
      // First DM of this channel on this connection: the stream starts where the channel stood
      // when the connection opened (0 for a channel created since), so a DM published late
      // (another process) is fetched, not skipped.
      const first = event.message.seq;
      const opening = this.cursorFor(state, channelId);
      cursor = opening;
      const openAt = (base: DmPositions) => opening.open(base ? (base.get(channelId) ?? 0) : first - 1);
      if (state.dmBase instanceof Promise) void state.dmBase.then(openAt, () => openAt(undefined));
      else openAt(state.dmBase);
    }
    if (cursor) this.apply(state, cursor, event);
  }

  private apply(state: ChatConnection, cursor: ChannelCursor, event: ChatEvent): void {
    if (event.type === "message") {
      cursor.offer(event.message);
      return;
    }
    // In the stream's order: never ahead of the message it removes.
    const notice = { channelId: event.channelId, id: event.id, seq: event.seq };
    void cursor
      .run(() => send(state, LobbyServerMessage.ChatDeleted, notice))
      .catch((err: unknown) => this.logger.warn({ err }, "chat deletion notice failed"));
  }

  /**
   * One database read for a gap however many of the room's connections hit it at once (every
   * member's cursor sees the same reordering): a burst of identical queries would fill the pool.
   */
  private sharedGap(channelId: string, after: number, upto: number): Promise<ChatMessage[]> {
    const key = `${channelId}:${after}:${upto}`;
    let load = this.gapLoads.get(key);
    if (!load) {
      load = this.chat.gap(channelId, after, upto);
      this.gapLoads.set(key, load);
      const forgetLoad = () => this.gapLoads.delete(key);
      load.then(forgetLoad, forgetLoad);
    }
    return load;
  }

  private cursorFor(state: ChatConnection, channelId: string): ChannelCursor {
    const cursors = (state.cursors ??= new Map());
    let cursor = cursors.get(channelId);
    if (!cursor) {
      cursor = new ChannelCursor(
        (after, upto) => this.sharedGap(channelId, after, upto),
        (message: ChatMessage) => {
          if (!state.hidden.has(message.sender.id)) send(state, LobbyServerMessage.ChatMessage, message);
        },
        (err) => this.logger.error({ err, channelId }, "chat gap fill failed"),
        { before: () => state.hiddenLoaded },
      );
      cursors.set(channelId, cursor);
    }
    return cursor;
  }
}

/** False while Colyseus moves a reconnecting connection to its new client (start() not run yet), or once it is leaving. */
export function reachable(state: ChatConnection): boolean {
  return state.client.state !== ClientState.RECONNECTED && state.client.state !== ClientState.LEAVING;
}
