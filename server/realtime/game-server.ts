import type http from "node:http";
import { matchMaker, Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Limits } from "../../shared/limits";
import { RoomName } from "../../shared/rooms";
import type { RealtimeBackplane } from "./presence-factory";
import { createLobbyRoom, type LobbyRoomDeps } from "./rooms/lobby.room";

export interface GameServerOptions {
  httpServer: http.Server;
  backplane: RealtimeBackplane;
  publicAddress: string | undefined;
  lobby: LobbyRoomDeps;
}

/** The Colyseus edge on the gateway's HTTP server: transport limits, presence/driver, rooms. */
export function createGameServer(opts: GameServerOptions): Server {
  const transport = new WebSocketTransport({
    server: opts.httpServer,
    maxPayload: Limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
    pingInterval: 3_000,
    pingMaxRetries: 2,
  });
  const server = new Server({
    transport,
    presence: opts.backplane.presence,
    driver: opts.backplane.driver,
    publicAddress: opts.publicAddress,
    greet: false,
    gracefullyShutdown: false,
  });
  server.define(RoomName.Lobby, createLobbyRoom(opts.lobby));
  // Bearer tokens, not cookies, authenticate: cross-origin calls need no credentials.
  matchMaker.controller.getCorsHeaders = () => ({
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Credentials": "false",
  });
  return server;
}
