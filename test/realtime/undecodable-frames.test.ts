import { Protocol } from "@colyseus/sdk";
import { Limits } from "../../shared/limits";
import { registerAccount } from "../helpers/accounts";
import { startChildServer, type ChildServer, type LogEntry } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { Api, request } from "../helpers/http";
import { openRawLobbySocket } from "../helpers/raw-lobby-socket";

// The real entry point in a child process: what reaches its stdout and stderr is what an operator sees.
let db: TestDatabase;
let child: ChildServer;
beforeAll(async () => {
  db = await createTestDatabase();
  child = await startChildServer({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await child?.kill();
  await db?.drop();
});

const REJECTED = "client frame rejected; later faults of this connection are not logged";
const oversized = new Uint8Array(Limits.wsMaxPayloadBytes + 1);
const invalidUtf8Text = (ws: import("ws").WebSocket): void => ws.send(Buffer.from([0xff, 0xfe]), { binary: false });

/** Each connection sends its garbage five times, then a frame over the size limit (the server closes it). */
const garbage: Record<string, Uint8Array | "invalid-utf8-text"> = {
  "ROOM_DATA, invalid msgpack": Uint8Array.of(Protocol.ROOM_DATA, 0xa1, 0x61, 0xc1, 0xc1),
  "ROOM_DATA, truncated msgpack": Uint8Array.of(Protocol.ROOM_DATA, 0xa1, 0x61, 0xdc, 0xff),
  // Answered with an error and the connection kept: five faults on one connection.
  "ROOM_REQUEST, truncated msgpack": Uint8Array.of(Protocol.ROOM_REQUEST, 1, 0xa1, 0x61, 0xdc, 0xff),
  "text frame, invalid UTF-8": "invalid-utf8-text",
  "binary frame over the size limit": oversized,
};

test("garbage frames: one JSON warn line per offending connection, nothing on stderr", async () => {
  const api = new Api(child.url);
  const account = await registerAccount(api);
  const sessions: string[] = [];
  for (const frame of Object.values(garbage)) {
    const socket = await openRawLobbySocket(child.url, account.auth.accessToken, { autoPong: true });
    sessions.push(socket.sessionId);
    for (let i = 0; i < 5; i += 1) {
      if (frame === "invalid-utf8-text") invalidUtf8Text(socket.ws);
      else socket.ws.send(frame);
    }
    if (socket.ws.readyState === socket.ws.OPEN) socket.ws.send(oversized);
    await socket.closed;
  }

  // stdout is one ordered stream: once this request's line is in, every earlier line is too.
  const barrierPath = `/barrier-${sessions[0]}`;
  expect((await request(child.url, "GET", barrierPath)).status).toBe(404);
  await child.waitForLog((e) => e.msg === "http request" && e.path === barrierPath);

  expect(child.stderr().split("\n").filter((l) => l.trim() !== "")).toEqual([]);
  const rejected = (sessionId: string): LogEntry[] => child.logs.filter((e) => e.msg === REJECTED && e.sessionId === sessionId);
  expect(sessions.map((s) => rejected(s).length)).toEqual(sessions.map(() => 1));
  for (const entry of sessions.flatMap(rejected)) {
    expect(entry.level).toBe(40);
    expect(typeof entry.reason).toBe("string");
    expect(String(entry.reason)).not.toContain("\n");
  }
  expect(child.logs.filter((e) => JSON.stringify(e).includes("    at "))).toEqual([]);

  // The server is fine, and the account can still join.
  const again = await openRawLobbySocket(child.url, account.auth.accessToken, { autoPong: true });
  again.ws.close();
  await again.closed;
}, 60_000);
