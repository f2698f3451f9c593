import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { ManualClock } from "../../../server/lib/clock";
import { ColyseusLog } from "../../../server/realtime/colyseus-log";
import { captureLogs, type LogCapture } from "../../helpers/log-capture";

const REJECTED = "client frame rejected; later faults of this connection are not logged";

let capture: LogCapture;
let clock: ManualClock;
let log: ColyseusLog;
let wss: WebSocketServer;
let url: string;
const clients: WebSocket[] = [];

beforeEach(async () => {
  capture = captureLogs();
  clock = new ManualClock();
  log = new ColyseusLog(capture.logger, clock);
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  log.watch(wss);
  // What Colyseus does with a frame it cannot decode: a stack string to its logger, then an answer.
  wss.on("connection", (socket) =>
    socket.on("message", () => {
      log.logger.error("Error: Data read, but end of buffer not reached\n    at checkedRead (msgpackr/unpack.js:249:10)");
      socket.send("answered");
    }),
  );
  await new Promise((resolve) => wss.once("listening", resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/proc/room1`;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

/** A client that sent `frames` garbage frames, each answered (so each was logged, or not, by then). */
async function faultyClient(sessionId: string, frames = 1): Promise<void> {
  const ws = new WebSocket(`${url}?sessionId=${sessionId}`);
  clients.push(ws);
  await new Promise((resolve) => ws.once("open", resolve));
  for (let i = 0; i < frames; i += 1) {
    ws.send(Uint8Array.of(13, 0xc1));
    await new Promise((resolve) => ws.once("message", resolve));
  }
}

const rejected = () => capture.lines().filter((l) => l.msg === REJECTED);

test("what Colyseus logs outside a client's frame is the server's: logged in full, stack as detail", () => {
  log.logger.error("Error: onDispose error\n    at LobbyRoom.onDispose (lobby.room.ts:1:1)");
  log.logger.warn("DEPRECATION WARNING: use client.send(...)");
  expect(capture.lines().map(({ level, msg, detail, colyseus }) => ({ level, msg, detail, colyseus }))).toEqual([
    { level: 50, msg: "Error: onDispose error", detail: "    at LobbyRoom.onDispose (lobby.room.ts:1:1)", colyseus: true },
    { level: 40, msg: "DEPRECATION WARNING: use client.send(...)", detail: undefined, colyseus: true },
  ]);
});

test("a client's faults: one warn line per connection, without the stack", async () => {
  await faultyClient("s1", 3);
  await faultyClient("s2", 1);
  expect(rejected().map(({ level, sessionId, roomId, reason }) => ({ level, sessionId, roomId, reason }))).toEqual([
    { level: 40, sessionId: "s1", roomId: "room1", reason: "Error: Data read, but end of buffer not reached" },
    { level: 40, sessionId: "s2", roomId: "room1", reason: "Error: Data read, but end of buffer not reached" },
  ]);
  expect(capture.lines()).toHaveLength(2);
});

test("many faulty connections: a burst of 10 lines, then one a second, counting the ones left out", async () => {
  for (let i = 0; i < 13; i += 1) await faultyClient(`burst${i}`);
  expect(rejected()).toHaveLength(10);
  clock.advance(1_000);
  await faultyClient("later");
  expect(rejected()).toHaveLength(11);
  expect(rejected()[10]).toMatchObject({ sessionId: "later", otherConnectionsNotLogged: 3 });
});
