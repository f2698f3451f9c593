import { ClientState, ErrorCode as ColyseusErrorCode, Room, ServerError, type Client, type Deferred } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { LobbyServerMessage, type WelcomeMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import type { AuthService } from "../../modules/auth/auth.service";
import { accountChannel, type AccountEvent } from "../account-channel";
import { TopicSubscriptions } from "../topic-subscriptions";
import type { ChatEvent } from "../../modules/chat/chat-events";
import { LobbyChat, type ChatConnection, type LobbyChatDeps } from "./lobby-chat";
import type { LobbyParties } from "./lobby-parties";
import { MessageRouter } from "../message-router";
import { holdsSeatAfter, reconnectDeadline } from "../reconnect-policy";
import { admitJoin, authenticateJoin, type LobbyAuth } from "../room-auth";
import type { LobbySocial, SocialConnection } from "./lobby-social";
import { coalesceFirstFrames } from "../join-burst";
import { LobbyState } from "./lobby.state";
import { AccountIndex } from "../account-index";
import type { JoinAdmission } from "../join-admission";
import type { JoinSnapshot, JoinSnapshotSource } from "../../modules/lobby/join-snapshot";
import type { SendBacklogGuard } from "../send-backlog";
import type { WeakListeners } from "../weak-listeners";
import { partyChannelId } from "../../../shared/schemas/chat";
import { BackplaneResync } from "./backplane-resync";

/** What is told when the backplane's subscriber reconnected (events published meanwhile were lost). */
export interface Resyncable {
  resync(): Promise<void>;
}

export interface LobbyRoomDeps {
  /** Cuts connections that do not read what they are sent (shared by every room of the process). */
  sendBacklog: SendBacklogGuard;
  auth: AuthService;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Connections per lobby shard before matchmaking opens another. */
  shardSize: number;
  /** How long a dropped connection keeps its seat for a reconnect. */
  reconnectSeconds: number;
  /** How often live connections' sessions are re-checked, in case a revocation event was lost. */
  sessionSweepMs: number;
  /** How often the shard's client count in the room state is brought up to date. */
  shardCountEveryMs: number;
  social: LobbySocial;
  chat: LobbyChatDeps;
  parties: LobbyParties;
  /** What a new connection needs from the database, in one statement. */
  joinSnapshots: JoinSnapshotSource;
  /** Admission control: joins past the process' capacity wait, or are refused with 503. */
  admission: JoinAdmission;
  /** Rooms to refresh when the backplane reconnects (held weakly). */
  resyncs: WeakListeners<Resyncable>;
}

interface LobbyUserData {
  closedByServer?: boolean;
  /** Set while a dropped connection's seat is held (epoch ms on the injected clock). */
  reconnectDeadline?: number;
  social?: SocialConnection;
  chat?: ChatConnection;
}

type LobbyClient = Client<{ auth: LobbyAuth; userData: LobbyUserData }>;

/** A seat held for a dropped connection; rejecting `reconnection` frees it at once. */
interface HeldSeat {
  client: LobbyClient;
  reconnection: Deferred;
}

/**
 * How long a connection the server closed may take to answer the close frame before its socket is
 * destroyed (ws alone would wait 30 s, keeping the seat and the account's subscription).
 */
export const CLOSE_GRACE_MS = 1_000;

/**
 * Set on a socket whose frames the transport refused (too big, not WebSocket). ws then stops
 * reading, so the close code it reports is 1006, the same as a network loss: this flag tells them
 * apart. The socket's 'error' event is only emitted for such frames.
 */
const BROKE_PROTOCOL = Symbol("brokeProtocol");

/**
 * One 'error' listener shared by every socket (`this` is the socket): no closure and no
 * once-wrapper per connection (those cost about 300 bytes each, 20k times).
 */
function markBrokeProtocol(this: object): void {
  (this as { [BROKE_PROTOCOL]?: boolean })[BROKE_PROTOCOL] = true;
}

const brokeProtocol = (client: LobbyClient): boolean => (client.ref as { [BROKE_PROTOCOL]?: boolean })[BROKE_PROTOCOL] === true;

/** onAuth ran before any join, so every lobby client carries its LobbyAuth. */
const authOf = (client: LobbyClient): LobbyAuth => client.auth as LobbyAuth;

const identityOf = (client: LobbyClient) => {
  const auth = authOf(client);
  return { accountId: auth.accountId, username: auth.username };
};

/**
 * A player's realtime session. Many instances (shards) run side by side; each player gets their
 * own messages through account channels, never through a state shared with every player.
 */
export function createLobbyRoom(deps: LobbyRoomDeps) {
  return class LobbyRoom extends Room<{ state: InstanceType<typeof LobbyState>; client: LobbyClient }> {
    static override async onAuth(token: string | undefined): Promise<LobbyAuth> {
      const admission = await admitJoin(deps.admission);
      try {
        return { ...(await authenticateJoin(deps.auth, deps.logger, token)), admission };
      } catch (err) {
        deps.admission.done(admission);
        throw err;
      }
    }

    override maxClients = deps.shardSize;
    override maxMessagesPerSecond = Limits.wsMaxMessagesPerSecond;
    override state = new LobbyState();
    private subscriptions!: TopicSubscriptions<AccountEvent>;
    private chat!: LobbyChat;
    private log!: Logger;
    /** Seats held for dropped connections, by Colyseus session id. */
    private readonly held = new Map<string, HeldSeat>();
    /** Live and held connections by account (account events reach them without a scan). */
    private readonly byAccount = new AccountIndex();
    private draining = false;
    private resyncs!: BackplaneResync<LobbyClient>;

    override onCreate(): void {
      this.log = deps.logger.child({ room: "lobby", roomId: this.roomId });
      this.subscriptions = new TopicSubscriptions<AccountEvent>(this.presence, accountChannel, (accountId, event) => this.onAccountEvent(accountId, event));
      const router = new MessageRouter(this, this.log, deps.sendBacklog);
      deps.social.register(router, (client) => {
        const c = client as LobbyClient;
        const state = c.userData?.social;
        if (!state) throw new Error("lobby client without social state");
        return { who: identityOf(c), state };
      });
      const topics = new TopicSubscriptions<ChatEvent>(this.presence, deps.chat.topicChannel, (channelId, event) =>
        this.chat.onTopicEvent(channelId, event),
      );
      this.chat = new LobbyChat(deps.chat, topics, () => this.chatConnections());
      this.chat.register(router, (client) => {
        const state = (client as LobbyClient).userData?.chat;
        if (!state) throw new Error("lobby client without chat state");
        return state;
      });
      deps.parties.register(router, (client) => identityOf(client as LobbyClient));
      this.resyncs = new BackplaneResync(
        () => [...this.liveClients()],
        (client) => this.refresh(client),
        this.log,
        (client) => client.state === ClientState.JOINED && !client.userData?.closedByServer,
      );
      deps.resyncs.add(this);
      this.clock.setInterval(() => void this.sweepSessions(), deps.sessionSweepMs);
      // The shard's count, refreshed on a cadence rather than per join or leave: each change is a
      // patch frame to every player of the shard (an O(shard) socket write per join at 50 ms).
      this.clock.setInterval(() => {
        if (this.state.clients !== this.clients.length) this.state.clients = this.clients.length;
      }, deps.shardCountEveryMs);
      deps.metrics.rooms.inc({ room: "lobby" });
    }

    override async onJoin(client: LobbyClient): Promise<void> {
      const auth = authOf(client);
      try {
        await this.join(client, auth);
      } finally {
        deps.admission.done(auth.admission);
      }
    }

    private async join(client: LobbyClient, auth: LobbyAuth): Promise<void> {
      let dmBaseReady!: (positions: Map<string, number> | undefined) => void;
      const dmBase = new Promise<Map<string, number> | undefined>((resolve) => (dmBaseReady = resolve));
      const social = deps.social.newConnection(client);
      const chat = this.chat.newConnection(identityOf(client), client, dmBase);
      client.userData = { social, chat };
      this.byAccount.add(auth.accountId, client.sessionId);
      this.watchTransport(client);
      coalesceFirstFrames(client.ref);
      await this.subscriptions.add(auth.accountId);
      deps.metrics.connectedClients.inc({ room: "lobby" });
      // Read after the subscription: it also re-checks the session, so a revocation published
      // between onAuth and the subscription is not missed.
      const reloadsBefore = chat.hiddenReloads;
      const join = await this.loadJoin(auth).catch((err: unknown) => {
        dmBaseReady(undefined);
        throw err;
      });
      dmBaseReady(join.dmPositions);
      if (!join.sessionLive) {
        this.closeByServer(client, CloseCode.SessionRevoked, "session_ended_during_join");
        return;
      }
      const welcome: WelcomeMessage = {
        account: { id: auth.accountId, username: auth.username },
        serverTime: deps.clock.now(),
      };
      client.send(LobbyServerMessage.Welcome, welcome);
      await this.startFeatures(client, social, chat, join, reloadsBefore);
    }

    private loadJoin(auth: LobbyAuth): Promise<JoinSnapshot> {
      return deps.joinSnapshots.load(auth.accountId, auth.authSessionId, new Date(deps.clock.now()));
    }

    /** Every lobby feature's opening messages, from the one join snapshot. */
    private async startFeatures(client: LobbyClient, social: SocialConnection, chat: ChatConnection, join: JoinSnapshot, reloadsBefore: number): Promise<void> {
      await deps.social.start(client, identityOf(client), social, join);
      await this.chat.start(client, chat, join, reloadsBefore);
      const channelId = await deps.parties.start(client, join);
      if (channelId) await this.chat.join(chat, channelId);
    }

    /** The backplane lost events: sessions are re-checked (held seats too), then every live connection refreshed. */
    async resync(): Promise<void> {
      await this.sweepSessions();
      await this.resyncs.run();
    }

    /**
     * A live connection brought up to date as on a reconnect: its session re-checked, its presence
     * registered again (a long outage may have had another process reap it) with a fresh friends
     * snapshot and unread summary, who it hides re-read, its party snapshot and party channel.
     */
    private async refresh(client: LobbyClient): Promise<void> {
      const { social, chat } = client.userData ?? {};
      if (!social || !chat || client.userData?.closedByServer) return;
      const join = await this.loadJoin(authOf(client));
      if (!join.sessionLive) {
        this.closeByServer(client, CloseCode.SessionRevoked, "session_ended");
        return;
      }
      await deps.social.start(client, identityOf(client), social, join);
      await this.chat.reloadHidden(chat);
      const channelId = await deps.parties.start(client, join);
      for (const joined of [...(chat.joined ?? [])]) {
        if (joined.startsWith(partyChannelId("")) && joined !== channelId) await this.chat.leave(chat, joined);
      }
      if (channelId && !chat.joined?.has(channelId)) await this.chat.join(chat, channelId);
    }

    override async onDrop(client: LobbyClient, code?: number): Promise<void> {
      // A dropped connection is offline for its friends at once; a reconnect brings it back.
      const offline = deps.social.stop(client, identityOf(client), client.userData?.social);
      this.holdSeat(client, code);
      // Colyseus waits for this before it closes the socket or disposes the room (shutdown):
      // the account's presence is updated before the process lets go of its stores.
      await offline;
    }

    override async onReconnect(client: LobbyClient): Promise<void> {
      this.held.delete(client.sessionId);
      // The window follows the injected clock (Colyseus' own timer frees the seat in real time).
      if (deps.clock.now() >= (client.userData?.reconnectDeadline ?? 0)) {
        throw new ServerError(ColyseusErrorCode.MATCHMAKE_EXPIRED, "The reconnection window has closed.");
      }
      const { social, chat } = client.userData ?? {};
      const reloadsBefore = chat?.hiddenReloads ?? 0;
      // A session revoked while the connection was away must not come back.
      const join = await this.loadJoin(authOf(client));
      if (!join.sessionLive) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "The session has ended.");
      client.userData = { ...client.userData, reconnectDeadline: undefined };
      this.watchTransport(client);
      if (social && chat) await this.startFeatures(client, social, chat, join, reloadsBefore);
    }

    override async onLeave(client: LobbyClient): Promise<void> {
      this.held.delete(client.sessionId);
      this.byAccount.remove(authOf(client).accountId, client.sessionId);
      const offline = deps.social.stop(client, identityOf(client), client.userData?.social);
      this.chat.stop(client.userData?.chat);
      this.subscriptions.remove(authOf(client).accountId);
      deps.metrics.connectedClients.dec({ room: "lobby" });
      await offline;
      // After presence counted this connection out: was it the account's last one anywhere?
      // Not while draining: the player reconnects to another process and keeps party and search.
      if (!this.draining) await deps.parties.stop(identityOf(client));
    }

    override onBeforeShutdown(): void {
      this.draining = true;
      for (const sessionId of [...this.held.keys()]) this.forgetHeldSeat(sessionId);
      super.onBeforeShutdown(); // disconnects everyone with SERVER_SHUTDOWN (4001)
    }

    override onDispose(): void {
      this.subscriptions.clear();
      deps.metrics.rooms.dec({ room: "lobby" });
    }

    /** Connections that are joined and not being closed (a held seat catches up on its reconnect). */
    private *liveClients(): Iterable<LobbyClient> {
      for (const client of this.clients as Iterable<LobbyClient>) {
        if (client.state === ClientState.JOINED && !client.userData?.closedByServer) yield client;
      }
    }

    /** The account's live connections in this room (a held seat is not live: it catches up on reconnect). */
    private *liveClientsOf(accountId: string): Iterable<LobbyClient> {
      for (const sessionId of this.byAccount.sessionsOf(accountId)) {
        const client = this.clients.get(sessionId) as LobbyClient | undefined;
        if (client && !client.userData?.closedByServer) yield client;
      }
    }

    private onAccountEvent(accountId: string, event: AccountEvent): void {
      if (event.kind === "deliver") {
        for (const client of this.liveClientsOf(accountId)) deps.social.deliver(client.userData?.social, event);
        return;
      }
      if (event.kind === "chat" || event.kind === "blocks_changed" || event.kind === "party_channel") {
        for (const client of this.liveClientsOf(accountId)) {
          const chat = client.userData?.chat;
          if (event.kind === "chat") this.chat.onDirectEvent(chat, event.event);
          else if (event.kind === "blocks_changed") void this.chat.reloadHidden(chat).catch((err) => this.log.warn({ err }, "reloading blocks failed"));
          else if (chat && event.member) void this.chat.join(chat, event.channelId).catch((err) => this.log.warn({ err }, "joining the party channel failed"));
          else if (chat) this.chat.leave(chat, event.channelId);
        }
        return;
      }
      if (event.kind !== "sessions_ended") return;
      const ended = event.sessionIds === null ? null : new Set(event.sessionIds);
      this.endSessions(
        (auth) => auth.accountId === accountId && (ended === null || ended.has(auth.authSessionId)),
        event.closeCode,
        event.reason,
      );
    }

    /**
     * Chat state of the live connections. A held seat gets nothing while it is away: its cursors
     * stay where they were and catch up from the store when it reconnects.
     */
    private *chatConnections(): Iterable<ChatConnection> {
      for (const client of this.clients as Iterable<LobbyClient>) {
        if (client.userData?.chat && !client.userData.closedByServer) yield client.userData.chat;
      }
    }

    private async sweepSessions(): Promise<void> {
      const auths = [...(this.clients as Iterable<LobbyClient>), ...[...this.held.values()].map((h) => h.client)].map(authOf);
      if (auths.length === 0) return;
      try {
        const live = new Set(await deps.auth.liveSessionIds([...new Set(auths.map((a) => a.authSessionId))]));
        this.endSessions((auth) => !live.has(auth.authSessionId), CloseCode.SessionRevoked, "sweep");
      } catch (err) {
        this.log.warn({ err }, "session sweep failed; will retry");
      }
    }

    /** Only a network loss keeps the seat: not a server close, a consented leave or a broken limit. */
    private holdSeat(client: LobbyClient, code: number | undefined): void {
      if (client.userData?.closedByServer || brokeProtocol(client) || !holdsSeatAfter(code, deps.reconnectSeconds)) return;
      client.userData = { ...client.userData, reconnectDeadline: reconnectDeadline(deps.clock.now(), deps.reconnectSeconds) };
      const reconnection = this.allowReconnection(client, deps.reconnectSeconds);
      // Expiry, refusal or shutdown rejects it; Colyseus then calls onLeave.
      reconnection.catch(() => undefined);
      if (typeof reconnection.reject === "function") this.held.set(client.sessionId, { client, reconnection });
    }

    /** Closes the matching live connections and gives up the matching held seats. */
    private endSessions(matches: (auth: LobbyAuth) => boolean, code: number, reason: string): void {
      for (const client of [...(this.clients as Iterable<LobbyClient>)]) {
        if (matches(authOf(client))) this.closeByServer(client, code, reason);
      }
      for (const [sessionId, seat] of this.held) {
        if (!matches(authOf(seat.client))) continue;
        this.forgetHeldSeat(sessionId);
        seat.reconnection.reject(new ServerError(ColyseusErrorCode.AUTH_FAILED, reason));
      }
    }

    /**
     * Colyseus forgets, but does not clear, a held seat's expiry timer when the reconnection is
     * rejected early (here or on shutdown): clear it, or it keeps the process alive for the rest
     * of the window.
     */
    private forgetHeldSeat(sessionId: string): void {
      this.held.delete(sessionId);
      clearTimeout(this["_reservedSeatTimeouts"][sessionId]);
    }

    /** Watches the connection's current socket (a reconnect brings a new one) for refused frames. */
    private watchTransport(client: LobbyClient): void {
      client.ref.on("error", markBrokeProtocol);
    }

    private closeByServer(client: LobbyClient, code: number, reason: string): void {
      if (client.userData?.closedByServer) return;
      client.userData = { ...client.userData, closedByServer: true };
      deps.metrics.sessionsClosed.inc({ reason });
      client.leave(code);
      // ws keeps delivering frames until the peer answers the close: act on none of them.
      client.state = ClientState.LEAVING;
      const socket = client.ref as typeof client.ref & { terminate?: () => void };
      this.clock.setTimeout(() => socket.terminate?.(), CLOSE_GRACE_MS);
    }
  };
}
