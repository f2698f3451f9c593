import type { AddressInfo } from "node:net";
import type net from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { createLogger } from "../../../server/lib/logger";
import { SendBacklogGuard } from "../../../server/realtime/send-backlog";
import { StaggeredHeartbeat } from "../../../server/realtime/staggered-heartbeat";

// A connection that does not read what it is sent is cut once the server holds more than the
// limit for it, and only then. Real ws server and client on loopback; the client stops reading
// its TCP socket, so the kernel buffers fill and ws queues the rest in user space.
const LIMIT = 256 * 1024;
let wss: WebSocketServer;
afterEach(() => new Promise<void>((resolve) => wss.close(() => resolve())));

async function pausedPair(): Promise<{ server: WebSocket; client: WebSocket; closed: Promise<number> }> {
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const connected = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once("open", resolve));
  (client as unknown as { _socket: net.Socket })._socket.pause();
  const closed = new Promise<number>((resolve) => client.once("close", (code) => resolve(code)));
  return { server: await connected, client, closed };
}

/** Sends 64 KB frames until ws holds more than `bytes` unsent (the kernel's buffers are full by then). */
function fillUntil(server: WebSocket, bytes: number): void {
  const frame = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 4096 && server.bufferedAmount <= bytes; i++) server.send(frame);
}

test("under the limit nothing happens; past it the socket is terminated, counted and logged once", async () => {
  const { server, client, closed } = await pausedPair();
  const lines: unknown[] = [];
  const logger = createLogger("warn", { write: (line: string) => lines.push(JSON.parse(line)) });
  let cuts = 0;
  const guard = new SendBacklogGuard(LIMIT, () => cuts++, logger);

  fillUntil(server, LIMIT / 2);
  expect(server.bufferedAmount).toBeGreaterThan(0);
  expect(guard.cutIfBacklogged(server)).toBe(false);
  expect(server.readyState).toBe(WebSocket.OPEN);

  fillUntil(server, LIMIT);
  expect(guard.cutIfBacklogged(server)).toBe(true);
  (client as unknown as { _socket: net.Socket })._socket.resume();
  expect(await closed).toBe(1006);
  expect(cuts).toBe(1);
  expect(lines).toEqual([expect.objectContaining({ msg: "connection cut: it does not read what it is sent", limitBytes: LIMIT })]);
});

test("the heartbeat cuts a socket that only receives (no request of its own to check it at)", async () => {
  const { server, client, closed } = await pausedPair();
  let cuts = 0;
  const guard = new SendBacklogGuard(LIMIT, () => cuts++, createLogger("silent"));
  const heartbeat = new StaggeredHeartbeat(wss, { intervalMs: 3_000, maxRetries: 2 }, guard, 1);
  fillUntil(server, LIMIT);
  expect(heartbeat.tick()).toBe(0);
  (client as unknown as { _socket: net.Socket })._socket.resume();
  expect(await closed).toBe(1006);
  expect(cuts).toBe(1);
});
