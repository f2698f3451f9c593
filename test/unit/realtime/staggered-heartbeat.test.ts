import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { StaggeredHeartbeat } from "../../../server/realtime/staggered-heartbeat";

// Real sockets on loopback: every socket is pinged once per interval, each in its own slice, so a
// tick pings about 1/slices of the connections instead of all of them at once.
test("over one interval each of 30 sockets is pinged exactly once, 3 per tick", async () => {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await once(wss, "listening");
  const port = (wss.address() as AddressInfo).port;
  const pings = new Map<number, number>();
  const clients = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on("ping", () => pings.set(i, (pings.get(i) ?? 0) + 1));
      await once(ws, "open");
      return ws;
    }),
  );
  while (wss.clients.size < 30) await new Promise((resolve) => setImmediate(resolve));
  const heartbeat = new StaggeredHeartbeat(wss, { intervalMs: 3_000, maxRetries: 2 }, undefined, 10);
  try {
    const perTick = Array.from({ length: 10 }, () => heartbeat.tick());
    expect(perTick).toEqual(Array(10).fill(3));
    while ([...pings.values()].reduce((a, b) => a + b, 0) < 30) await new Promise((resolve) => setTimeout(resolve, 5));
    expect([...pings.keys()].sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    expect([...pings.values()].every((n) => n === 1)).toBe(true);
  } finally {
    for (const ws of clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});
