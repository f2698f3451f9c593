/**
 * Child-process entry: the baseline. A plain `ws` server that forwards each frame a sender sends
 * to every listener, unchanged: no decoding, no validation, no storage, no pub/sub.
 * Connect with `?role=sender` or `?role=listener`.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { serveChildProtocol } from "./child-protocol";
import { StatsWindow } from "./process-stats";

const stats = new StatsWindow();
const listeners = new Set<WebSocket>();
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 4 * 1024 });

wss.on("connection", (socket, req) => {
  const role = new URL(req.url ?? "/", "http://x").searchParams.get("role");
  if (role === "listener") {
    listeners.add(socket);
    socket.on("close", () => listeners.delete(socket));
    return;
  }
  socket.on("message", (data, isBinary) => {
    for (const listener of listeners) listener.send(data, { binary: isBinary });
  });
});

wss.on("listening", () => {
  const { port } = wss.address() as AddressInfo;
  serveChildProtocol(
    stats,
    port,
    () => {
      for (const client of wss.clients) client.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    { label: "raw-relay" },
  );
});
