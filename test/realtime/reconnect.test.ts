import { ErrorCode as ColyseusErrorCode, MatchMakeError } from "@colyseus/sdk";
import { ManualClock } from "../../server/lib/clock";
import { CloseCode, ErrorCode } from "../../shared/codes";
import { joinedPair, localRoom, REALTIME_TEST_ENV, reservedSeats, roundTrip, waitForState, type WatchedLobby } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";
import { checkUnhandledMessages } from "../helpers/protocol-check";

// The reconnect window follows the injected clock: tests move it instead of waiting. Colyseus'
// own timer (real time, 30 s) only frees a seat nobody claimed, after these tests are done.
const WINDOW_SECONDS = 30;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    { ...REALTIME_TEST_ENV, LOBBY_RECONNECT_SECONDS: String(WINDOW_SECONDS), LOBBY_SESSION_SWEEP_SECONDS: "3600" },
    { clock },
  );
});
afterAll(() => t.close());

/**
 * Drops the player's connection as a network loss would (close code 4010), with the SDK's own
 * retry off so the test reconnects by hand, and waits until the server has seen the drop.
 */
async function drop(player: WatchedLobby, bystander: WatchedLobby): Promise<string> {
  const token = player.room.reconnectionToken;
  player.room.reconnection.enabled = false;
  player.room.connection.close(CloseCode.MayTryReconnect);
  expect(await player.watch.left).toBe(CloseCode.MayTryReconnect);
  await waitForState(bystander.room, (s) => s.clients === 1);
  return token;
}

async function expectRefused(attempt: Promise<unknown>, code: number): Promise<void> {
  const err = await attempt.then(
    () => new Error("reconnection was accepted"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MatchMakeError);
  expect((err as MatchMakeError).code).toBe(code);
}

test("within the window, reconnect(token) gets the same seat back", async () => {
  const [bystander, player] = await joinedPair(t);
  const server = localRoom(player.room.roomId);
  const token = await drop(player, bystander);
  expect(reservedSeats(server)).toEqual([player.room.sessionId]);

  clock.advance((WINDOW_SECONDS - 1) * 1000);
  const back = await player.client.colyseus.reconnect(token);
  checkUnhandledMessages(back);

  expect(back.sessionId).toBe(player.room.sessionId);
  expect(back.roomId).toBe(player.room.roomId);
  expect((await roundTrip(back)).code).toBe(ErrorCode.UnknownMessage);
  await waitForState(bystander.room, (s) => s.clients === 2);
  expect(reservedSeats(server)).toEqual([]);
  await back.leave();
  await bystander.room.leave();
});

test("the SDK's automatic reconnection restores a dropped connection", async () => {
  const [bystander, player] = await joinedPair(t);
  const reconnected = new Promise<void>((resolve) => player.room.onReconnect(() => resolve()));

  player.room.connection.close(CloseCode.MayTryReconnect);
  await reconnected;

  expect(player.watch.drops).toEqual([CloseCode.MayTryReconnect]);
  expect(player.watch.leaves).toEqual([]);
  expect((await roundTrip(player.room)).code).toBe(ErrorCode.UnknownMessage);
  await player.room.leave();
  await bystander.room.leave();
});

test("after the window, the reconnection is refused and the seat is released", async () => {
  const [bystander, player] = await joinedPair(t);
  const server = localRoom(player.room.roomId);
  const token = await drop(player, bystander);

  clock.advance(WINDOW_SECONDS * 1000);
  await expectRefused(player.client.colyseus.reconnect(token), ColyseusErrorCode.MATCHMAKE_EXPIRED);

  expect(reservedSeats(server)).toEqual([]);
  expect([...server.clients].map((c) => c.sessionId)).toEqual([bystander.room.sessionId]);
  expect((await roundTrip(bystander.room)).code).toBe(ErrorCode.UnknownMessage);
  await bystander.room.leave();
});

test("logout while dropped releases the held seat at once; the reconnection is refused", async () => {
  const [bystander, player] = await joinedPair(t);
  const server = localRoom(player.room.roomId);
  const token = await drop(player, bystander);
  expect(reservedSeats(server)).toEqual([player.room.sessionId]);

  await player.client.logout();

  expect(reservedSeats(server)).toEqual([]);
  await expectRefused(player.client.colyseus.reconnect(token), ColyseusErrorCode.MATCHMAKE_EXPIRED);
  await bystander.room.leave();
});

test("a connection closed by revocation (4101) holds no seat for its token", async () => {
  const [bystander, player] = await joinedPair(t);
  const server = localRoom(player.room.roomId);
  const token = player.room.reconnectionToken;

  await player.client.http.logoutAll(player.client.accessToken);
  expect(await player.watch.left).toBe(CloseCode.SessionRevoked);
  await waitForState(bystander.room, (s) => s.clients === 1);

  expect(reservedSeats(server)).toEqual([]);
  await expectRefused(player.client.colyseus.reconnect(token), ColyseusErrorCode.MATCHMAKE_EXPIRED);
  await bystander.room.leave();
});
