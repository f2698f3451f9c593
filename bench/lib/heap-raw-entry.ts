/**
 * Child-process entry for heap-connections: the raw baseline. node:http + a plain `ws` server
 * (no deflate, the lobby's maxPayload): the upgrade is refused (401) unless `?_authToken=`
 * verifies with the server's own token code and secret; a connection then gets `welcome` and
 * `party.snapshot` in the Colyseus ROOM_DATA framing. No matchmaking, rooms or heartbeat.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { getMessageBytes, Protocol } from "@colyseus/core";
import { WebSocketServer, type WebSocket } from "ws";
import { Limits } from "../../shared/limits";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { loadConfig } from "../../server/config";
import { systemClock } from "../../server/lib/clock";
import { AccessTokens } from "../../server/modules/auth/access-tokens";
import { serveHeapProtocol } from "./heap-protocol";

const config = loadConfig(process.env);
const tokens = new AccessTokens({ ...config.jwt, ttlSeconds: config.jwt.accessTtlSeconds }, systemClock);
const httpServer = http.createServer((_req, res) => void res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: Limits.wsMaxPayloadBytes });

httpServer.on("upgrade", (req, socket, head) => {
  const claims = tokens.verify(new URL(req.url ?? "/", "http://x").searchParams.get("_authToken") ?? "");
  if (typeof claims === "string") return void socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    ws.on("error", () => undefined);
    ws.send(getMessageBytes.raw(Protocol.ROOM_DATA, LobbyServerMessage.Welcome, { account: { id: claims.accountId }, serverTime: Date.now() }));
    ws.send(getMessageBytes.raw(Protocol.ROOM_DATA, LobbyServerMessage.PartySnapshot, { party: null, invites: [] }));
  });
});

httpServer.listen(0, "127.0.0.1", () => {
  serveHeapProtocol(
    (httpServer.address() as AddressInfo).port,
    () => wss.clients.size,
    async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  );
});
