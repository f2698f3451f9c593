import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../codes";
import { Limits } from "../limits";
import type { ChatMessage } from "../schemas/chat";
import type { LobbyClientMessages, LobbyClientMessageType, LobbyClientReplies } from "../schemas/lobby-client-messages";
import { LobbyClientMessage, LobbyServerMessage, type WsErrorMessage } from "../schemas/lobby";
import { LobbyServerMessageSchemas, type LobbyServerMessages, type LobbyServerMessageType } from "../schemas/lobby-server-messages";
import { ChatGuard, frameSizeBound, LobbyRefusalError, localRefusal, MessagePacer, type ChatGuardOptions } from "./outbound";
import { RoomKeeper, type ConnectionStatus, type RoomKeeperOptions } from "./room-keeper";

type Handler<K extends LobbyServerMessageType> = (payload: LobbyServerMessages[K]) => void;

export interface LobbyConnectionOptions {
  /** The server's LOBBY_RECONNECT_SECONDS, in ms (default 20 s). */
  reconnectWindowMs?: number;
  /** Local chat flood guard (mirror the server's CHAT_FLOOD_* settings), or false to let the server alone decide. */
  chatGuard?: ChatGuardOptions | false;
  /** Messages per rolling second at most (default Limits.wsMaxMessagesPerSecond − 2). */
  maxMessagesPerSecond?: number;
  /** room.request timeout (default the SDK's). */
  requestTimeoutMs?: number;
}

const PUBLIC_PREFIX = "public:";

/**
 * A player's lobby connection: typed messages both ways, refusals as rejected promises, outgoing
 * messages kept under the server's limits (frame size, message rate, chat flood), and automatic
 * reconnection. Handlers registered with `on` stay registered across reconnects.
 */
export class LobbyConnection {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private readonly statusHandlers = new Set<(s: ConnectionStatus) => void>();
  private readonly keeper: RoomKeeper;
  private readonly pacer: MessagePacer;
  private readonly chatGuard: ChatGuard | undefined;
  /** Per type: requests in flight, and the refusals (of that type) that came while one was. */
  private readonly inFlight = new Map<string, number>();
  private readonly refusals = new Map<string, WsErrorMessage[]>();
  /** The last seq delivered per channel; and the public channels the connection streams. */
  private readonly lastSeq = new Map<string, number>();
  private readonly publicChannels = new Set<string>();
  private statusNow: ConnectionStatus = { state: "open" };

  constructor(
    room: Room,
    rejoin: RoomKeeperOptions["rejoin"],
    fatal: RoomKeeperOptions["fatal"],
    colyseus: RoomKeeperOptions["colyseus"],
    private readonly o: LobbyConnectionOptions = {},
  ) {
    this.pacer = new MessagePacer(o.maxMessagesPerSecond);
    this.chatGuard = o.chatGuard === false ? undefined : new ChatGuard(o.chatGuard ?? {});
    this.keeper = new RoomKeeper(room, {
      colyseus,
      windowMs: o.reconnectWindowMs ?? 20_000,
      setup: (r) => this.listen(r),
      onStatus: (s) => this.status(s),
      rejoin,
      fatal,
    });
  }

  /** The current Colyseus room (a reconnect replaces it: prefer `on`, which survives that). */
  get room(): Room {
    return this.keeper.room;
  }

  get connectionStatus(): ConnectionStatus {
    return this.statusNow;
  }

  /** Handles every `type` message, across reconnects. Returns the unsubscribe function. */
  on<K extends LobbyServerMessageType>(type: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (payload: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Connection state changes: `reconnecting` (show a banner), `open` (resumed), `closed` (for good). */
  onStatus(handler: (s: ConnectionStatus) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /**
   * Sends `type` as a request and resolves with the server's answer; rejects with
   * LobbyRefusalError when the server refuses it (or the SDK did, before sending: `local`).
   * Waits while the connection is reconnecting; rejects once it is closed.
   */
  async request<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K]): Promise<LobbyClientReplies[K]> {
    this.checkOutgoing(type, payload);
    await this.keeper.whenOpen();
    await this.pacer.slot();
    await this.keeper.whenOpen();
    this.inFlight.set(type, (this.inFlight.get(type) ?? 0) + 1);
    try {
      const opts = this.o.requestTimeoutMs ? { timeout: this.o.requestTimeoutMs } : undefined;
      const reply: unknown = await this.keeper.room.request(type, payload, opts);
      // A refusal resolves with nothing, after the `error` message.
      const refusal = reply === undefined ? this.refusals.get(type)?.shift() : undefined;
      if (refusal) throw new LobbyRefusalError(refusal);
      this.afterReply(type, payload, reply);
      return reply as LobbyClientReplies[K];
    } finally {
      const left = (this.inFlight.get(type) ?? 1) - 1;
      this.inFlight.set(type, left);
      if (left === 0) this.refusals.delete(type);
    }
  }

  /** Fire and forget (refusals still come as `error` messages). */
  async send<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K]): Promise<void> {
    this.checkOutgoing(type, payload);
    await this.keeper.whenOpen();
    await this.pacer.slot();
    await this.keeper.whenOpen();
    this.keeper.room.send(type, payload);
  }

  /** Leaves by choice (4000); no reconnection follows. */
  leave(): Promise<void> {
    return this.keeper.leave();
  }

  // Conveniences over request().
  setPresence = (p: LobbyClientMessages["presence.set"]) => this.request(LobbyClientMessage.PresenceSet, p);
  joinChannel = (channelId: string) => this.request(LobbyClientMessage.ChatJoin, { channelId });
  say = (channelId: string, text: string) => this.request(LobbyClientMessage.ChatSend, { channelId, text });
  dm = (to: string, text: string) => this.request(LobbyClientMessage.ChatDm, { to, text });
  createParty = () => this.request(LobbyClientMessage.PartyCreate, {});
  inviteToParty = (accountId: string) => this.request(LobbyClientMessage.PartyInvite, { accountId });
  acceptParty = (partyId: string) => this.request(LobbyClientMessage.PartyAccept, { partyId });
  setReady = (ready: boolean) => this.request(LobbyClientMessage.PartyReady, { ready });
  leaveParty = () => this.request(LobbyClientMessage.PartyLeave, {});
  /** Leader: a new join code (the old one stops working). */
  makePartyCode = () => this.request(LobbyClientMessage.PartyCodeCreate, {});
  revokePartyCode = () => this.request(LobbyClientMessage.PartyCodeRevoke, {});
  /** Joins the party a code opens (typed loosely: case, spaces and dashes do not matter). */
  joinPartyByCode = (code: string) => this.request(LobbyClientMessage.PartyJoinByCode, { code });
  /**
   * Joins the party of the friend `accountId` (their presence shows `activity.joinable`): at once
   * when their party lets friends join (`outcome: "joined"`), otherwise a request to its leader
   * (`outcome: "requested"`; party.update follows if accepted, party.joinRequest.result if not).
   */
  joinFriend = (accountId: string) => this.request(LobbyClientMessage.PartyJoinFriend, { accountId });
  cancelJoinRequest = (partyId: string) => this.request(LobbyClientMessage.PartyJoinRequestCancel, { partyId });
  /** Leader: lets the requester in. */
  acceptJoinRequest = (accountId: string) => this.request(LobbyClientMessage.PartyJoinRequestAccept, { accountId });
  declineJoinRequest = (accountId: string) => this.request(LobbyClientMessage.PartyJoinRequestDecline, { accountId });
  /** A seat to watch the match the player `accountId` is playing (then `client.watchMatch(reply)`). */
  spectate = (accountId: string) => this.request(LobbyClientMessage.MatchSpectate, { accountId });
  queue = (mode: string, region: string) => this.request(LobbyClientMessage.QueueJoin, { mode, region });
  leaveQueue = () => this.request(LobbyClientMessage.QueueLeave, {});

  /** Refuses locally what would close the connection (an oversized frame) or count toward a chat mute. */
  private checkOutgoing(type: string, payload: unknown): void {
    if (frameSizeBound(type, payload) > Limits.wsMaxPayloadBytes) {
      throw localRefusal(type, ErrorCode.PayloadTooLarge, `The message is too large (a frame is ${Limits.wsMaxPayloadBytes} bytes at most).`);
    }
    if ((type === LobbyClientMessage.ChatSend || type === LobbyClientMessage.ChatDm) && this.chatGuard) {
      this.chatGuard.check(type, String((payload as { text?: unknown }).text ?? ""));
    }
  }

  private afterReply(type: string, payload: unknown, reply: unknown): void {
    const channelId = (payload as { channelId?: string }).channelId;
    if (type === LobbyClientMessage.ChatJoin && channelId?.startsWith(PUBLIC_PREFIX) && reply) this.publicChannels.add(channelId);
    if (type === LobbyClientMessage.ChatLeave && channelId) this.publicChannels.delete(channelId);
  }

  private listen(room: Room): void {
    for (const type of Object.keys(LobbyServerMessageSchemas)) {
      room.onMessage(type, (payload: unknown) => this.dispatch(type as LobbyServerMessageType, payload));
    }
  }

  private dispatch(type: LobbyServerMessageType, payload: unknown): void {
    if (type === LobbyServerMessage.Error) {
      const err = payload as WsErrorMessage;
      if (err.type && (this.inFlight.get(err.type) ?? 0) > 0) {
        const list = this.refusals.get(err.type);
        if (list) list.push(err);
        else this.refusals.set(err.type, [err]);
      }
    } else if (type === LobbyServerMessage.ChatMessage) {
      const m = payload as ChatMessage;
      // After a fresh join a catch-up may repeat what was delivered: per channel, once and in order.
      if (m.seq <= (this.lastSeq.get(m.channelId) ?? 0)) return;
      this.lastSeq.set(m.channelId, m.seq);
    } else if (type === LobbyServerMessage.ChatHistory) {
      const h = payload as LobbyServerMessages["chat.history"];
      if (h.lastSeq > (this.lastSeq.get(h.channelId) ?? 0)) this.lastSeq.set(h.channelId, h.lastSeq);
    }
    this.handlers.get(type)?.forEach((h) => h(payload));
  }

  private status(s: ConnectionStatus): void {
    this.statusNow = s;
    if (s.state === "open" && s.resumed === "new_seat") void this.catchUpChannels();
    this.statusHandlers.forEach((h) => h(s));
  }

  /** A new seat streams no public channel: join them again after the last seq received. */
  private async catchUpChannels(): Promise<void> {
    for (const channelId of [...this.publicChannels]) {
      const afterSeq = this.lastSeq.get(channelId);
      await this.request(LobbyClientMessage.ChatJoin, afterSeq === undefined ? { channelId } : { channelId, afterSeq }).catch(() => undefined);
    }
  }
}
