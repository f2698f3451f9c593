import type { AddressInfo } from "node:net";
import type net from "node:net";
import { Protocol } from "@colyseus/core";
import WebSocket, { WebSocketServer } from "ws";
import { coalesceFirstFrames } from "../../../server/realtime/join-burst";

// A joining client's first frames (full state and the messages queued during onJoin, sent when
// it acknowledges JOIN_ROOM) leave in one socket write instead of one write per frame. Real ws
// server and client on loopback; the server socket's writes are counted, not replaced.
let wss: WebSocketServer;
afterEach(() => new Promise<void>((resolve) => wss.close(() => resolve())));

/** Server-side socket writes (system calls) made while answering the client's first message with `frames` frames. */
async function writesForBurst(frames: number, coalesce: boolean): Promise<{ writes: number; received: number }> {
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  let writes = 0;
  wss.on("connection", (ws) => {
    const socket = (ws as unknown as { _socket: net.Socket & { _writev: Function; _write: Function } })._socket;
    const writev = socket._writev.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (...args: unknown[]) => (writes++, writev(...args));
    socket._write = (...args: unknown[]) => (writes++, write(...args));
    if (coalesce) coalesceFirstFrames(ws);
    // As Colyseus: its own listener, registered after onJoin, answers the acknowledgement.
    ws.on("message", () => {
      for (let i = 0; i < frames; i++) ws.send(Uint8Array.of(Protocol.ROOM_DATA, i), { binary: true });
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once("open", resolve));
  let received = 0;
  const all = new Promise<void>((resolve) => client.on("message", () => ++received === frames && resolve()));
  client.send(Uint8Array.of(Protocol.JOIN_ROOM));
  await all;
  client.close();
  return { writes, received };
}

test("the frames answering JOIN_ROOM leave in one write", async () => {
  expect(await writesForBurst(6, true)).toEqual({ writes: 1, received: 6 });
});

test("without it, each frame is its own write (what the lobby did before)", async () => {
  expect(await writesForBurst(6, false)).toEqual({ writes: 6, received: 6 });
});
