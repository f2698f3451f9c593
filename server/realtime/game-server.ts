import type http from "node:http";
import { matchMaker, Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Limits } from "../../shared/limits";
import { RoomName } from "../../shared/rooms";
import type { WebSocketServer } from "ws";
import { ColyseusLog } from "./colyseus-log";
import type { RealtimeBackplane } from "../backplane/backplane";
import { SendBacklogGuard } from "./send-backlog";
import { StaggeredHeartbeat } from "./staggered-heartbeat";
import { createLobbyRoom, type LobbyRoomDeps } from "./rooms/lobby.room";
import { createMatchRoom, type MatchRoomDeps } from "./rooms/match.room";
import { createSpectateRoom } from "./spectating/spectate.room";
import { SpectatorFeeds } from "./spectating/spectator-feeds";

/** The transport's ping: a connection that misses `maxRetries` pongs in a row is terminated. */
export interface HeartbeatOptions {
  intervalMs: number;
  maxRetries: number;
}

/** Colyseus' defaults: ping every 3 s, terminate after 2 unanswered. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 3_000, maxRetries: 2 };

export interface GameServerOptions {
  httpServer: http.Server;
  heartbeat?: HeartbeatOptions;
  backplane: RealtimeBackplane;
  publicAddress: string | undefined;
  lobby: Omit<LobbyRoomDeps, "sendBacklog">;
  match: Omit<MatchRoomDeps, "sendBacklog" | "feeds">;
}

/** The Colyseus edge on the gateway's HTTP server: transport limits, presence/driver, rooms. */
export function createGameServer(opts: GameServerOptions): Server {
  const transport = new WebSocketTransport({
    server: opts.httpServer,
    maxPayload: Limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
    // The transport would ping every socket in one tick: StaggeredHeartbeat spreads them out.
    pingInterval: 0,
  });
  const wss = (transport as unknown as { wss: WebSocketServer }).wss;
  // Colyseus logs to the console by default, with a stack for every frame a client garbles.
  const colyseusLog = new ColyseusLog(opts.lobby.logger.child({ component: "colyseus" }));
  colyseusLog.watch(wss);
  const sendBacklog = new SendBacklogGuard(
    Limits.wsSendBacklogMaxBytes,
    () => opts.lobby.metrics.sessionsClosed.inc({ reason: "send_backlog" }),
    opts.lobby.logger.child({ component: "send-backlog" }),
  );
  const heartbeat = new StaggeredHeartbeat(wss, opts.heartbeat ?? DEFAULT_HEARTBEAT, sendBacklog);
  opts.httpServer.on("listening", () => heartbeat.start());
  opts.httpServer.on("close", () => heartbeat.stop());
  const server = new Server({
    transport,
    presence: opts.backplane.presence,
    driver: opts.backplane.driver,
    publicAddress: opts.publicAddress,
    greet: false,
    gracefullyShutdown: false,
    logger: colyseusLog.logger,
  });
  server.define(RoomName.Lobby, createLobbyRoom({ ...opts.lobby, sendBacklog }));
  const feeds = new SpectatorFeeds();
  server.define(RoomName.Match, createMatchRoom({ ...opts.match, sendBacklog, feeds }));
  server.define(RoomName.Spectate, createSpectateRoom({ sendBacklog, feeds, clock: opts.match.clock, logger: opts.match.logger, metrics: opts.match.metrics }));
  // Bearer tokens, not cookies, authenticate: cross-origin calls need no credentials.
  matchMaker.controller.getCorsHeaders = () => ({
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Credentials": "false",
  });
  return server;
}

/**
 * Closes every room with SERVER_SHUTDOWN (4001) and waits for their onLeave/onDispose, then stops
 * the transport, presence and driver. Colyseus leaves two short timers behind (its stats
 * debounce and LocalPresence key expiry, both 1 s): they are released here so a stopped server
 * lets its process exit at once (a test worker, or main.ts before its own exit).
 */
export async function shutdownGameServer(server: Server, backplane: RealtimeBackplane): Promise<void> {
  await server.gracefullyShutdown(false);
  matchMaker.stats.reset(true);
  const timers = (backplane.presence as unknown as { timeouts?: Record<string, NodeJS.Timeout> }).timeouts;
  for (const timer of Object.values(timers ?? {})) clearTimeout(timer);
}
