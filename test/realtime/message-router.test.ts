import { matchMaker } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { ErrorCode } from "../../shared/codes";
import type { WsErrorMessage } from "../../shared/schemas/lobby";
import { nextMessage, REALTIME_TEST_ENV, watchConnection } from "../helpers/realtime";
import { defineRouterProbeRoom, ROUTER_PROBE_ROOM } from "../helpers/router-probe-room";
import { startTestServer, type TestServer } from "../helpers/test-server";

// The lobby's MessageRouter on a probe room of the same process: validation failures, unknown
// types and throwing handlers all answer with an `error` message and keep the connection.
let t: TestServer;
let room: Room;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV });
  defineRouterProbeRoom();
  // Clients may not create rooms (the matchmake guard): the probe is opened server-side and joined by id.
  const probe = await matchMaker.createRoom(ROUTER_PROBE_ROOM, {});
  room = await new Client(t.url).joinById(probe.roomId);
});
afterAll(async () => {
  await room?.leave();
  await t.close();
});

async function send(type: string, payload?: unknown): Promise<WsErrorMessage> {
  const reply = nextMessage<WsErrorMessage>(room, "error");
  room.send(type, payload);
  return reply;
}

test.each([
  ["a string", "hello", ""],
  ["a number", 42, ""],
  ["nothing", undefined, ""],
  ["an array", [{ text: "x" }], ""],
  ["a wrong field type", { text: 5 }, "text: "],
  ["a too-long field", { text: "x".repeat(17) }, "text: "],
  ["an unexpected field", { text: "ok", admin: true }, ""],
])("a payload of %s is refused with invalid_message", async (_label, payload, where) => {
  const reply = await send("echo", payload);
  expect(reply).toEqual({ code: ErrorCode.InvalidMessage, message: expect.any(String), type: "echo" });
  expect(reply.message.startsWith(where)).toBe(true);
});

test("a valid payload reaches the handler", async () => {
  const echo = nextMessage(room, "echo");
  room.send("echo", { text: "hi" });
  expect(await echo).toEqual({ text: "hi" });
});

test("an unknown type is answered with unknown_message", async () => {
  expect(await send("nope", { text: "hi" })).toEqual({ code: ErrorCode.UnknownMessage, message: expect.any(String), type: "nope" });
});

test.each(["explode", "explode_async"])("a handler that throws (%s) answers internal_error and leaks nothing", async (type) => {
  const reply = await send(type, {});
  expect(reply).toEqual({ code: ErrorCode.Internal, message: "Internal server error.", type });
  expect(JSON.stringify(reply)).not.toContain("kaboom");
});

test("a handler's AppError keeps its stable code", async () => {
  expect(await send("refuse", {})).toEqual({ code: ErrorCode.Forbidden, message: "Not allowed.", type: "refuse" });
});

test("after all of that the connection is still open", async () => {
  const watch = watchConnection(room);
  const echo = nextMessage(room, "echo");
  room.send("echo", { text: "still here" });
  expect(await echo).toEqual({ text: "still here" });
  expect(watch.leaves).toEqual([]);
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
});
