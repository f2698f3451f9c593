/**
 * Child-process entry: the bare-Colyseus floor of the capacity benchmark. A @colyseus/core 0.18
 * Server with the lobby's WebSocketTransport settings (server/realtime/game-server.ts: maxPayload,
 * no deflate, the heartbeat's interval and misses, though with the transport's own all-at-once
 * ping loop where the lobby staggers its pings) and one room, `lobby`, with the lobby's shard size: its static
 * onAuth verifies the access token (bench/lib/capacity-baseline-common.ts) and onJoin sends the
 * lobby's first messages. No database, no presence, no state. `/__healthcheck` is Colyseus' own.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, matchMaker, Room, Server, ServerError, type Client } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Limits } from "../../shared/limits";
import { DEFAULT_HEARTBEAT } from "../../server/realtime/game-server";
import { baselineEnv, unknownMessageReply } from "./capacity-baseline-common";
import { startControl } from "./capacity-control";
import { serveChildProtocol } from "./child-protocol";
import { StatsWindow } from "./process-stats";

const env = baselineEnv(process.env);
type Auth = { accountId: string; sessionId: string };

class FloorRoom extends Room {
  static override async onAuth(token: string | undefined): Promise<Auth> {
    const claims = env.verify(token);
    if (!claims) throw new ServerError(ErrorCode.AUTH_FAILED, "invalid token");
    return claims;
  }

  override maxClients = Number(process.env.LOBBY_SHARD_SIZE ?? 250);

  override onCreate(): void {
    this.onMessage("*", (client: Client, type: string | number) => client.send("error", unknownMessageReply(type)));
  }

  override onJoin(client: Client): void {
    for (const m of env.firstMessages((client.auth as Auth).accountId)) client.send(m.type, m.payload);
  }
}

async function main(): Promise<void> {
  const stats = new StatsWindow();
  const httpServer = http.createServer();
  const transport = new WebSocketTransport({
    server: httpServer,
    maxPayload: Limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
    pingInterval: DEFAULT_HEARTBEAT.intervalMs,
    pingMaxRetries: DEFAULT_HEARTBEAT.maxRetries,
  });
  const gameServer = new Server({ transport, greet: false, gracefullyShutdown: false });
  gameServer.define("lobby", FloorRoom);
  await gameServer.listen(0, "127.0.0.1");
  const count = () => matchMaker.stats.local.ccu;
  stats.describe(() => ({ rooms: matchMaker.stats.local.roomCount, clients: count() }));
  const control = await startControl(count);
  serveChildProtocol(
    stats,
    (httpServer.address() as AddressInfo).port,
    async () => {
      await gameServer.gracefullyShutdown(false);
      await control.close();
    },
    { label: "floor", controlPort: control.port, pid: process.pid },
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
