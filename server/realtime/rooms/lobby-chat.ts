import { ClientState, type Client } from "@colyseus/core";
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
import type { Clock } from "../../lib/clock";
import { AppError } from "../../lib/errors";
import type { Limiter } from "../../lib/rate-limit/limiter";
import { TokenBucket } from "../../lib/token-bucket";
import type { Logger } from "../../lib/logger";
import type { ChatEvent } from "../../modules/chat/chat-events";
import type { ChatService, Identity } from "../../modules/chat/chat.service";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import { ChannelCursor } from "../channel-cursor";
import type { MessageRouter } from "../message-router";
import type { TopicSubscriptions } from "../topic-subscriptions";
import type { WeakListeners } from "../weak-listeners";
import { resyncCursors } from "./chat-resync";

/** Public channels one connection may be in at once. */
const MAX_JOINED_CHANNELS = 10;

/** Where the account's DM channels stood when the connection opened; undefined if the join's snapshot failed. */
type DmPositions = ReadonlyMap<string, number> | undefined;

/**
 * What chat keeps per connection (in client.userData.chat). Survives a reconnect. Kept small (one
 * per connection, 20k per process): collections are created on first use and dropped when empty,
 * settled promises are not kept, and nothing holds the join's snapshot once it has been used.
 */
export interface ChatConnection {
  who: Identity;
  /** Where each channel's stream stands: public and party channels joined, DMs seen (created on first use). */
  cursors?: Map<string, ChannelCursor>;
  /** Public channels joined through chat.join (their topics are subscribed); created on first use. */
  joined?: Set<string>;
  /** Senders this player never sees (blocks in either direction). Replaced, never changed in place. */
  hidden: ReadonlySet<string>;
  /** The reload of `hidden` in progress, if any: cursors wait for it before emitting anything. */
  hiddenLoaded?: Promise<void>;
  /** Reloads of `hidden` requested so far (a join's snapshot yields to a reload asked for after it began). */
  hiddenReloads: number;
  /**
   * Where the account's DM channels stood when the connection opened (read once, at the join): the
   * join's promise until it settles, then its value.
   */
  dmBase: Promise<DmPositions> | DmPositions;
  /** chat.join / chat.leave in progress, by channel, one at a time (created on first use). */
  channelOps?: Map<string, Promise<unknown>>;
  /** What is left of the connection's chat.join burst (created on its first chat.join). */
  joinBudget?: TokenBucket;
  /**
   * The transport client messages go through. After a reconnect Colyseus moves the connection to a
   * new client; until start() adopts it, nothing is sent (the old client would drop it silently).
   */
  client: Client;
}

/** Shared by every connection that hides nobody / had no DM channel at the join (never changed). */
const NO_ONE: ReadonlySet<string> = new Set();
const NO_DM_CHANNELS: ReadonlyMap<string, number> = new Map();

const send = (state: ChatConnection, type: string, payload: unknown): void => state.client.send(type, payload);

/** Makes `reload` the connection's reload in progress until it settles (a settled promise is not kept). */
function trackReload(state: ChatConnection, reload: Promise<void>): Promise<void> {
  state.hiddenLoaded = reload;
  const done = () => {
    if (state.hiddenLoaded === reload) state.hiddenLoaded = undefined;
  };
  reload.then(done, done);
  return reload;
}

export interface LobbyChatDeps {
  chat: ChatService;
  logger: Logger;
  clock: Clock;
  /**
   * chat.join reads and sends history (up to 200 messages on a catch-up): a connection may make a
   * burst of them (every channel again after a reconnect), then `perSecond` (CHAT_JOIN_BURST, CHAT_JOINS_PER_SECOND).
   */
  joins: { burst: number; perSecond: number };
  /**
   * chat.join per account, on every process together (CHAT_JOINS_PER_ACCOUNT_PER_MINUTE): many
   * connections of one account do not multiply the per-connection budget.
   */
  joinsPerAccount: Limiter;
  /** The Presence channel of a chat channel (see chat-topics.ts). */
  topicChannel: (channelId: string) => string;
  /** Rooms whose streams catch up from the database when the backplane reconnects (see resync). */
  resyncs?: WeakListeners<LobbyChat>;
}

/**
 * The lobby's chat for one room: channel membership of its connections, topic subscriptions,
 * exactly-once in-order delivery through ChannelCursors, and the chat client messages.
 */
export class LobbyChat {
  /** Gap reads in flight, shared by the room's cursors (see sharedGap). */
  private readonly gapLoads = new Map<string, Promise<ChatMessage[]>>();

  constructor(
    private readonly d: LobbyChatDeps,
    private readonly topics: TopicSubscriptions<ChatEvent>,
    private readonly connections: () => Iterable<ChatConnection>,
  ) {
    d.resyncs?.add(this);
  }

  /** After the backplane lost messages: every open stream of the room catches up from the database. */
  resync(): Promise<void> {
    return resyncCursors(this.d.chat, this.connections()).catch((err: unknown) => this.d.logger.warn({ err }, "chat resync after a backplane reconnect failed"));
  }

  register(router: MessageRouter, chatOf: (client: Client) => ChatConnection): void {
    router.on(LobbyClientMessage.ChatJoin, ChatJoinMessageSchema, (client, m) => {
      const state = chatOf(client);
      this.spendJoin(state);
      // The account's budget is spent in the channel's turn, so a chat.leave sent after it still comes after it.
      return this.serialized(state, m.channelId, async () => {
        await this.spendAccountJoin(state);
        return this.joinNow(state, m.channelId, m.afterSeq);
      });
    });
    router.on(LobbyClientMessage.ChatLeave, ChatLeaveMessageSchema, (client, m) => this.leave(chatOf(client), m.channelId));
    router.on(LobbyClientMessage.ChatSend, ChatSendMessageSchema, (client, m) => {
      const state = chatOf(client);
      if (m.channelId.startsWith("public:") && !state.joined?.has(m.channelId)) {
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

  /**
   * `dmBase` settles with the DM positions of the join's snapshot, read after the account's channel
   * was subscribed and in the same statement as chat.unread: a DM committed before it is counted in
   * chat.unread; one committed after it arrives live, beyond the position (or as a gap).
   */
  newConnection(who: Identity, client: Client, dmBase: Promise<Map<string, number> | undefined>): ChatConnection {
    // Every field from the start, and cleared by assigning undefined (never `delete`): one hidden
    // class for all connections, no per-object property dictionary.
    const state: ChatConnection = {
      who,
      cursors: undefined,
      joined: undefined,
      hidden: NO_ONE,
      hiddenLoaded: undefined,
      hiddenReloads: 0,
      dmBase,
      channelOps: undefined,
      joinBudget: undefined,
      client,
    };
    // Once settled, the positions themselves are kept (the shared empty map if there are none).
    dmBase.then(
      (positions) => (state.dmBase = positions && positions.size === 0 ? NO_DM_CHANNELS : positions),
      () => (state.dmBase = undefined),
    );
    return state;
  }

  /**
   * On join and reconnect: who is hidden, the DMs waiting, and (after a reconnect) whatever the
   * connection's channels received while it was away, through its cursors: no gap, no duplicate.
   */
  async start(client: Client, state: ChatConnection, join: Pick<JoinSnapshot, "hidden" | "dmUnread">, reloadsBefore: number): Promise<void> {
    // From here on, events reach this connection again (and are held until the client is ready).
    state.client = client;
    // A reload asked for after the snapshot began (a block changed meanwhile) is at least as new.
    const hidden = join.hidden.size === 0 ? NO_ONE : join.hidden;
    const adopt = () => {
      if (state.hiddenReloads === reloadsBefore) state.hidden = hidden;
    };
    if (state.hiddenLoaded) await trackReload(state, state.hiddenLoaded.then(adopt));
    else adopt();
    // unreadOf only reads the set.
    send(state, LobbyServerMessage.ChatUnread, this.d.chat.unreadOf(join.dmUnread, state.hidden as Set<string>));
    if (!state.cursors) return;
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
    for (const channelId of state.joined ?? []) this.topics.remove(channelId);
    state.joined = undefined;
    state.cursors = undefined;
    state.channelOps = undefined;
  }

  /** A client's chat.join past its burst is refused (the party feature's own joins are not counted). */
  private spendJoin(state: ChatConnection): void {
    const budget = (state.joinBudget ??= new TokenBucket(this.d.joins.burst, this.d.joins.perSecond, this.d.clock));
    if (budget.tryTake()) return;
    const retryAfterMs = budget.msUntilNext();
    throw new AppError(ErrorCode.RateLimited, `Too many channel joins: try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { details: { retryAfterMs } });
  }

  private async spendAccountJoin(state: ChatConnection): Promise<void> {
    const result = await this.d.joinsPerAccount.consume(state.who.accountId);
    if (result.allowed) return;
    const retryAfterMs = Math.max(1, Math.ceil(result.resetMs));
    throw new AppError(ErrorCode.RateLimited, `Too many channel joins on this account: try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { details: { retryAfterMs } });
  }

  /** Joins a channel (public via chat.join; party channels by the party feature). */
  join(state: ChatConnection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    return this.serialized(state, channelId, () => this.joinNow(state, channelId, afterSeq));
  }

  leave(state: ChatConnection, channelId: string): Promise<void> {
    return this.serialized(state, channelId, async () => this.leaveNow(state, channelId));
  }

  /** One chat.join / chat.leave of a channel at a time per connection (a second join waits for the first). */
  private serialized<T>(state: ChatConnection, channelId: string, op: () => Promise<T>): Promise<T> {
    const ops = (state.channelOps ??= new Map());
    const previous = ops.get(channelId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(op);
    ops.set(channelId, next);
    const forget = () => {
      const current = state.channelOps;
      if (!current || current.get(channelId) !== next) return;
      current.delete(channelId);
      if (current.size === 0) state.channelOps = undefined;
    };
    next.then(forget, forget);
    return next;
  }

  private async joinNow(state: ChatConnection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    if (channelId.startsWith("public:")) this.d.chat.publicChannel(channelId);
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
      history = await this.d.chat.joinHistory(state.who, channelId, afterSeq);
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
          ? await this.d.chat.catchUp(state.who, channelId, afterSeq, position)
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
      if (!cursor || !this.reachable(state)) continue;
      this.apply(state, cursor, event);
    }
  }

  /** A DM event on the account's channel, for one connection. */
  onDirectEvent(state: ChatConnection | undefined, event: ChatEvent): void {
    if (!state || !this.reachable(state)) return;
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

  /** Re-reads who the connection hides; cursors emit nothing until it is done. */
  reloadHidden(state: ChatConnection | undefined): Promise<void> {
    if (!state) return Promise.resolve();
    const load = async () => {
      try {
        state.hidden = await this.d.chat.hiddenSenders(state.who.accountId);
      } catch (err) {
        this.d.logger.warn({ err }, "reloading hidden chat senders failed");
      }
    };
    // One after another: the last reload started is the last to write.
    state.hiddenReloads += 1;
    return trackReload(state, state.hiddenLoaded ? state.hiddenLoaded.then(load) : load());
  }

  /** False while Colyseus moves a reconnecting connection to its new client (start() not run yet). */
  private reachable(state: ChatConnection): boolean {
    return state.client.state !== ClientState.RECONNECTED && state.client.state !== ClientState.LEAVING;
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
      .catch((err: unknown) => this.d.logger.warn({ err }, "chat deletion notice failed"));
  }

  /**
   * One database read for a gap however many of the room's connections hit it at once (every
   * member's cursor sees the same reordering): a burst of identical queries would fill the pool.
   */
  private sharedGap(channelId: string, after: number, upto: number): Promise<ChatMessage[]> {
    const key = `${channelId}:${after}:${upto}`;
    let load = this.gapLoads.get(key);
    if (!load) {
      load = this.d.chat.gap(channelId, after, upto);
      this.gapLoads.set(key, load);
      const forget = () => this.gapLoads.delete(key);
      load.then(forget, forget);
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
        (err) => this.d.logger.error({ err, channelId }, "chat gap fill failed"),
        { before: () => state.hiddenLoaded },
      );
      cursors.set(channelId, cursor);
    }
    return cursor;
  }
}

/** Removes `item` from the connection's `key` collection (dropped once empty); true if it was there. */
function forget(state: ChatConnection, key: "joined" | "cursors", item: string): boolean {
  const collection = state[key];
  if (!collection?.delete(item)) return false;
  if (collection.size === 0) state[key] = undefined;
  return true;
}
