/**
 * Child-process entry: the http benchmark's baseline. A bare `node:http` server answering
 * GET /healthz and GET /me with the same JSON bodies the lobby sends (BENCH_HTTP_ME_BODY holds the
 * lobby's /me body, captured by the benchmark), with no routing framework, middleware, token
 * check or database: what this machine's Node serves with nothing in the way.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serveChildProtocol } from "./child-protocol";
import { StatsWindow } from "./process-stats";

const stats = new StatsWindow();
const bodies: Record<string, Buffer> = {
  "/healthz": Buffer.from(JSON.stringify({ status: "ok" })),
  "/me": Buffer.from(process.env.BENCH_HTTP_ME_BODY ?? "{}"),
};

const server = http.createServer((req, res) => {
  const body = req.method === "GET" ? bodies[req.url ?? ""] : undefined;
  if (!body) {
    res.writeHead(404, { "Content-Type": "application/json; charset=utf-8" }).end('{"error":{"code":"not_found"}}');
    return;
  }
  res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length }).end(body);
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  serveChildProtocol(
    stats,
    port,
    () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    { label: "bare-http", pid: process.pid },
  );
});
