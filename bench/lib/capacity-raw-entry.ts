/**
 * Child-process entry: the raw baseline of the capacity benchmark. node:http + a plain `ws`
 * server (same maxPayload, no deflate): the upgrade is refused (401) unless `?_authToken=`
 * verifies (bench/lib/capacity-baseline-common.ts); a connection then gets the lobby's first
 * messages in the Colyseus ROOM_DATA framing, and any message it sends gets the lobby's
 * unknown-message `error` back. No matchmaking, no rooms, no heartbeat. GET /healthz answers
 * `{"status":"ok"}`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { Limits } from "../../shared/limits";
import { baselineEnv, unknownMessageReply } from "./capacity-baseline-common";
import { startControl } from "./capacity-control";
import { roomData, roomDataType } from "./capacity-wire";
import { serveChildProtocol } from "./child-protocol";
import { StatsWindow } from "./process-stats";

const env = baselineEnv(process.env);
const stats = new StatsWindow();
const health = Buffer.from(JSON.stringify({ status: "ok" }));
const httpServer = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": health.byteLength });
    return void res.end(health);
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: Limits.wsMaxPayloadBytes });

httpServer.on("upgrade", (req, socket, head) => {
  const claims = env.verify(new URL(req.url ?? "/", "http://x").searchParams.get("_authToken"));
  if (!claims) {
    socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    ws.on("error", () => undefined);
    ws.on("message", (data: Buffer) => {
      const type = roomDataType(data);
      if (type !== undefined) ws.send(roomData("error", unknownMessageReply(type)));
    });
    for (const m of env.firstMessages(claims.accountId)) ws.send(roomData(m.type, m.payload));
  });
});

httpServer.listen(0, "127.0.0.1", () => {
  void startControl(() => wss.clients.size).then((control) =>
    serveChildProtocol(
      stats,
      (httpServer.address() as AddressInfo).port,
      async () => {
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await control.close();
      },
      { label: "raw", controlPort: control.port, pid: process.pid },
    ),
  );
});
