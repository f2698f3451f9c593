import { Room, type Client } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { LobbyServerMessage, type WelcomeMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import type { AuthService } from "../../modules/auth/auth.service";
import type { AuthContext } from "../../modules/auth/auth.types";
import type { AccountEvent } from "../account-channel";
import { AccountSubscriptions } from "../account-subscriptions";
import { MessageRouter } from "../message-router";
import { authenticateJoin } from "../room-auth";
import { LobbyState } from "./lobby.state";

export interface LobbyRoomDeps {
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
}

type LobbyClient = Client<{ auth: AuthContext; userData: { closedByServer?: boolean } }>;

/** onAuth ran before any join, so every lobby client carries its AuthContext. */
const authOf = (client: LobbyClient): AuthContext => client.auth as AuthContext;

/**
 * A player's realtime session. Many instances (shards) run side by side; each player gets their
 * own messages through account channels, never through a state shared with every player.
 */
export function createLobbyRoom(deps: LobbyRoomDeps) {
  return class LobbyRoom extends Room<{ state: InstanceType<typeof LobbyState>; client: LobbyClient }> {
    static override async onAuth(token: string | undefined): Promise<AuthContext> {
      return authenticateJoin(deps.auth, deps.logger, token);
    }

    override maxClients = deps.shardSize;
    override maxMessagesPerSecond = Limits.wsMaxMessagesPerSecond;
    override state = new LobbyState();
    private subscriptions!: AccountSubscriptions;
    private log!: Logger;

    override onCreate(): void {
      this.log = deps.logger.child({ room: "lobby", roomId: this.roomId });
      this.subscriptions = new AccountSubscriptions(this.presence, (accountId, event) => this.onAccountEvent(accountId, event));
      new MessageRouter(this, this.log);
      this.clock.setInterval(() => void this.sweepSessions(), deps.sessionSweepMs);
      deps.metrics.rooms.inc({ room: "lobby" });
    }

    override async onJoin(client: LobbyClient): Promise<void> {
      const auth = authOf(client);
      client.userData = {};
      await this.subscriptions.add(auth.accountId);
      this.state.clients = this.clients.length;
      deps.metrics.connectedClients.inc({ room: "lobby" });
      // A revocation published between onAuth and the subscription above would be missed.
      if ((await deps.auth.liveSessionIds([auth.sessionId])).length === 0) {
        this.closeByServer(client, CloseCode.SessionRevoked, "session_ended_during_join");
        return;
      }
      const welcome: WelcomeMessage = {
        account: { id: auth.accountId, username: auth.username },
        serverTime: deps.clock.now(),
      };
      client.send(LobbyServerMessage.Welcome, welcome);
    }

    override onDrop(client: LobbyClient): void {
      if (client.userData?.closedByServer) return;
      this.allowReconnection(client, deps.reconnectSeconds);
    }

    override async onReconnect(client: LobbyClient): Promise<void> {
      // A session revoked while the connection was away must not come back.
      const live = await deps.auth.liveSessionIds([authOf(client).sessionId]);
      if (live.length === 0) throw new Error("session ended");
    }

    override onLeave(client: LobbyClient): void {
      this.subscriptions.remove(authOf(client).accountId);
      this.state.clients = this.clients.length;
      deps.metrics.connectedClients.dec({ room: "lobby" });
    }

    override onDispose(): void {
      this.subscriptions.clear();
      deps.metrics.rooms.dec({ room: "lobby" });
    }

    private onAccountEvent(accountId: string, event: AccountEvent): void {
      if (event.kind !== "sessions_ended") return;
      for (const client of this.clients as Iterable<LobbyClient>) {
        if (authOf(client).accountId !== accountId) continue;
        if (event.sessionIds === null || event.sessionIds.includes(authOf(client).sessionId)) {
          this.closeByServer(client, event.closeCode, event.reason);
        }
      }
    }

    private async sweepSessions(): Promise<void> {
      const clients = [...(this.clients as Iterable<LobbyClient>)];
      if (clients.length === 0) return;
      try {
        const live = new Set(await deps.auth.liveSessionIds([...new Set(clients.map((c) => authOf(c).sessionId))]));
        for (const c of clients) if (!live.has(authOf(c).sessionId)) this.closeByServer(c, CloseCode.SessionRevoked, "sweep");
      } catch (err) {
        this.log.warn({ err }, "session sweep failed; will retry");
      }
    }

    private closeByServer(client: LobbyClient, code: number, reason: string): void {
      if (client.userData?.closedByServer) return;
      client.userData = { ...client.userData, closedByServer: true };
      deps.metrics.sessionsClosed.inc({ reason });
      client.leave(code);
    }
  };
}
