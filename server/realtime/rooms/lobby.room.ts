import { ClientState, ErrorCode as ColyseusErrorCode, Room, ServerError } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { LobbyServerMessage, type WelcomeMessage } from "../../../shared/schemas/lobby";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import { coalesceFirstFrames } from "../join-burst";
import { AccountEvents } from "../lobby/account-events";
import { BackplaneResync } from "../lobby/backplane-resync";
import { LobbyFeatureSet } from "../lobby/feature-set";
import { HeldSeats, watchTransport } from "../lobby/held-seats";
import { admitAndAuthenticate, pendingSnapshot } from "../lobby/lobby-join";
import { authOf, closedByServer, type LobbyClient } from "../lobby/lobby-client";
import type { LobbyRoomDeps } from "../lobby/lobby-room-deps";
import { SessionRevocation } from "../lobby/session-revocation";
import { MessageRouter } from "../message-router";
import type { LobbyAuth } from "../room-auth";
import { LobbyState } from "./lobby.state";

export type { LobbyRoomDeps, Resyncable } from "../lobby/lobby-room-deps";
export { CLOSE_GRACE_MS } from "../lobby/session-revocation";

/** Joined and not being closed by the server (a held seat catches up on its reconnect). */
const isLive = (client: LobbyClient): boolean => client.state === ClientState.JOINED && !closedByServer(client);

/**
 * A player's realtime session. Many instances (shards) run side by side; each player gets their
 * own messages through account channels, never through a state shared with every player. The
 * room holds the connection lifecycle; what a connection does is its features' (lobby/features.ts).
 */
export function createLobbyRoom(deps: LobbyRoomDeps) {
  return class LobbyRoom extends Room<{ state: LobbyState; client: LobbyClient }> {
    static override onAuth(token: string | undefined): Promise<LobbyAuth> {
      return admitAndAuthenticate(deps, token);
    }

    override maxClients = deps.shardSize;
    override maxMessagesPerSecond = Limits.wsMaxMessagesPerSecond;
    override state = new LobbyState();
    private accountEvents!: AccountEvents;
    private features!: LobbyFeatureSet;
    private seats!: HeldSeats;
    private revocation!: SessionRevocation;
    private refreshes!: BackplaneResync<LobbyClient>;
    private draining = false;

    override onCreate(): void {
      const log = deps.logger.child({ room: "lobby", roomId: this.roomId });
      this.features = new LobbyFeatureSet(deps.features, this, new MessageRouter(this, log, deps.sendBacklog), log);
      this.seats = new HeldSeats(this, deps.clock, deps.reconnectSeconds);
      this.revocation = new SessionRevocation(this, this.seats, { auth: deps.auth, metrics: deps.metrics, logger: log });
      this.accountEvents = new AccountEvents(this, this.revocation, this.features);
      this.refreshes = new BackplaneResync(() => [...this.clients].filter(isLive), (client) => this.refresh(client), log, isLive);
      deps.resyncs.add(this);
      this.clock.setInterval(() => void this.revocation.sweep(), deps.sessionSweepMs);
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
      const { snapshot, settle } = pendingSnapshot();
      client.userData = { closedByServer: false, reconnectDeadline: undefined, features: this.features.open(client, snapshot) };
      watchTransport(client);
      coalesceFirstFrames(client.ref);
      await this.accountEvents.add(client);
      deps.metrics.connectedClients.inc({ room: "lobby" });
      // Read after the subscription: it also re-checks the session, so a revocation published
      // between onAuth and the subscription is not missed.
      const join = await this.loadSnapshot(client).catch((err: unknown) => {
        settle(undefined);
        throw err;
      });
      settle(join);
      if (!join.sessionLive) return this.revocation.closeByServer(client, CloseCode.SessionRevoked, "session_ended_during_join");
      const welcome: WelcomeMessage = { account: { id: auth.accountId, username: auth.username, displayName: auth.displayName }, serverTime: deps.clock.now() };
      client.send(LobbyServerMessage.Welcome, welcome);
      await this.features.start(client, join, "join");
    }

    /** What every feature starts from, in one statement (it also says whether the session is live). */
    private loadSnapshot(client: LobbyClient): Promise<JoinSnapshot> {
      this.features.beforeSnapshot(client);
      const auth = authOf(client);
      return deps.joinSnapshots.load(auth.accountId, auth.authSessionId, new Date(deps.clock.now()));
    }

    /** The backplane lost events: streams catch up; sessions are re-checked (held seats too), then every live connection refreshed. */
    async resync(): Promise<void> {
      await Promise.all([this.features.resync(), this.revocation.sweep().then(() => this.refreshes.run())]);
    }

    /** A live connection brought up to date as on a reconnect (a long outage may have had another process reap its presence). */
    private async refresh(client: LobbyClient): Promise<void> {
      if (!client.userData || closedByServer(client)) return;
      const join = await this.loadSnapshot(client);
      if (!join.sessionLive) return this.revocation.closeByServer(client, CloseCode.SessionRevoked, "session_ended");
      await this.features.start(client, join, "refresh");
    }

    override async onDrop(client: LobbyClient, code?: number): Promise<void> {
      const dropped = this.features.drop(client);
      this.seats.hold(client, code);
      // Colyseus waits for this before it closes the socket or disposes the room (shutdown):
      // the account's presence is updated before the process lets go of its stores.
      await dropped;
    }

    override async onReconnect(client: LobbyClient): Promise<void> {
      this.seats.reclaim(client);
      // A session revoked while the connection was away must not come back.
      const join = await this.loadSnapshot(client);
      if (!join.sessionLive) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "The session has ended.");
      watchTransport(client);
      await this.features.start(client, join, "reconnect");
    }

    override async onLeave(client: LobbyClient): Promise<void> {
      this.seats.release(client.sessionId);
      this.accountEvents.remove(client);
      deps.metrics.connectedClients.dec({ room: "lobby" });
      // Not while draining: the player reconnects to another process and keeps party and search.
      await this.features.close(client, () => this.draining);
    }

    override onBeforeShutdown(): void {
      this.draining = true;
      this.seats.forgetAll();
      super.onBeforeShutdown(); // disconnects everyone with SERVER_SHUTDOWN (4001)
    }

    override onDispose(): void {
      this.accountEvents.clear();
      deps.metrics.rooms.dec({ room: "lobby" });
    }
  };
}
