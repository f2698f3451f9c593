import { ClientState } from "@colyseus/core";
import type net from "node:net";
import { CLOSE_GRACE_MS } from "../../server/realtime/rooms/lobby.room";
import { CloseCode, ErrorCode } from "../../shared/codes";
import { openRawLobbySocket } from "../helpers/raw-lobby-socket";
import { localRoom, REALTIME_TEST_ENV, registerAndJoin, registeredClient, reservedSeats, roundTrip, waitForState } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// The realtime tests that need real time, kept here: the transport's ping is a real-time interval,
// shortened (100 ms, 2 misses, instead of 3 s) through the server's `heartbeat` start option, and
// a peer that never answers a close frame is cut after CLOSE_GRACE_MS (1 s). The tests only await
// events; no duration is asserted (Jest's timeout is the bound).
const ENV = { ...REALTIME_TEST_ENV, LOBBY_RECONNECT_SECONDS: "30", LOBBY_SESSION_SWEEP_SECONDS: "3600" };
let t: TestServer;
afterEach(() => t.close());

test("a connection that stops answering pings is terminated; a live one is kept", async () => {
  t = await startTestServer(ENV, { start: { heartbeat: { intervalMs: 100, maxRetries: 2 } } });
  const live = await registerAndJoin(t);
  const silent = await registeredClient(t);
  const dead = await openRawLobbySocket(t.url, silent.accessToken, { autoPong: false });
  expect(dead.roomId).toBe(live.room.roomId);
  await waitForState(live.room, (s) => s.clients === 2);

  // Terminated (no close handshake): the client sees an abnormal closure.
  expect(await dead.closed).toBe(1006);
  await waitForState(live.room, (s) => s.clients === 1);

  const room = localRoom(live.room.roomId);
  expect([...room.clients].map((c) => c.sessionId)).toEqual([live.room.sessionId]);
  // A dead network is a drop, not a misbehaviour: its seat is held for a reconnect.
  expect(reservedSeats(room)).toEqual([dead.sessionId]);
  // The SDK client answered every ping of the same period and is still served.
  expect((await roundTrip(live.room)).code).toBe(ErrorCode.UnknownMessage);
  expect(live.watch.leaves).toEqual([]);
  await live.room.leave();
});

test(`a revoked peer that never answers the close frame is ignored, then cut after ${CLOSE_GRACE_MS} ms`, async () => {
  // Heartbeat off: only the close grace can cut this peer before ws' own 30 s close timeout.
  t = await startTestServer(ENV, { start: { heartbeat: { intervalMs: 0, maxRetries: 0 } } });
  const live = await registerAndJoin(t);
  const stubborn = await registeredClient(t);
  const raw = await openRawLobbySocket(t.url, stubborn.accessToken, { autoPong: true });
  await waitForState(live.room, (s) => s.clients === 2);
  // Stop reading: the server's close frame is never seen, so never answered.
  const tcp = (raw.ws as unknown as { _socket: net.Socket })._socket;
  tcp.pause();

  await stubborn.logoutAll();

  const room = localRoom(live.room.roomId);
  // Still in the room (no close yet), but nothing it sends is acted on any more.
  expect([...room.clients].find((c) => c.sessionId === raw.sessionId)?.state).toBe(ClientState.LEAVING);
  // ws alone would wait 30 s for the close handshake; the room destroys the socket sooner.
  await waitForState(live.room, (s) => s.clients === 1);
  expect([...room.clients].map((c) => c.sessionId)).toEqual([live.room.sessionId]);
  expect(reservedSeats(room)).toEqual([]);
  // Read what was withheld: the documented close code had been sent.
  tcp.resume();
  expect(await raw.closed).toBe(CloseCode.SessionRevoked);
  expect((await roundTrip(live.room)).code).toBe(ErrorCode.UnknownMessage);
  await live.room.leave();
}, 10_000);
