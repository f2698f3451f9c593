import { Protocol } from "@colyseus/sdk";
import { CloseCode, ErrorCode } from "../../shared/codes";
import { Limits } from "../../shared/limits";
import {
  departures,
  joinedPair,
  lobbyListings,
  localRoom,
  nextMessage,
  REALTIME_TEST_ENV,
  registerAndJoin,
  reservedSeats,
  roundTrip,
  waitForState,
  type WatchedLobby,
} from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// A reconnect window is open, so the tests also show that a connection cut for breaking a limit
// does not keep a seat for a comeback (only network losses do).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_RECONNECT_SECONDS: "30", LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

const utf8 = (s: string): number[] => [...Buffer.from(s)];

/** A ROOM_DATA frame of exactly `size` bytes: type "probe", a msgpack str16 payload. */
function roomDataFrame(size: number): Uint8Array {
  const head = [Protocol.ROOM_DATA, 0xa5, ...utf8("probe")];
  const textLength = size - head.length - 3;
  return Uint8Array.from([...head, 0xda, textLength >> 8, textLength & 0xff, ...Buffer.alloc(textLength, "x")]);
}

/** Sends raw bytes on the player's socket, below the SDK's encoder. */
const sendRaw = (p: WatchedLobby, data: Uint8Array | string): void =>
  (p.room.connection as unknown as { transport: { ws: { send(d: Uint8Array | string): void } } }).transport.ws.send(data);

async function expectServerHealthy(bystander: WatchedLobby): Promise<void> {
  expect((await roundTrip(bystander.room)).code).toBe(ErrorCode.UnknownMessage);
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  const newcomer = await registerAndJoin(t);
  expect(newcomer.session.welcome.account.id).toBe(newcomer.client.session!.account.id);
  await newcomer.room.leave();
}

/**
 * The abuser's connection is gone from the room, and no seat is held for it. Call it right after
 * the abuse, before any await: the server (in this process) has not read the frames yet.
 */
async function expectCutWithoutSeat(bystander: WatchedLobby, abuser: WatchedLobby, code: number): Promise<void> {
  const room = localRoom(bystander.room.roomId);
  const departed = departures(room, [abuser.room.sessionId]);
  expect(await abuser.watch.left).toBe(code);
  expect(abuser.watch.drops).toEqual([]);
  await waitForState(bystander.room, (s) => s.clients === 1);
  expect([...room.clients].map((c) => c.sessionId)).toEqual([bystander.room.sessionId]);
  expect(reservedSeats(room)).toEqual([]);
  // The listing's count drops once the room is done with the connection (presence recorded first).
  await departed;
  expect((await lobbyListings()).find((l) => l.roomId === room.roomId)?.clients).toBe(1);
}

test("a 4 KB frame is served; one byte more closes only that connection (1009)", async () => {
  const [bystander, abuser] = await joinedPair(t);

  const reply = nextMessage<{ code: string; type: string }>(abuser.room, "error");
  sendRaw(abuser, roomDataFrame(Limits.wsMaxPayloadBytes));
  expect(await reply).toMatchObject({ code: ErrorCode.UnknownMessage, type: "probe" });

  sendRaw(abuser, roomDataFrame(Limits.wsMaxPayloadBytes + 1));
  await expectCutWithoutSeat(bystander, abuser, CloseCode.MessageTooBig);
  await expectServerHealthy(bystander);
  await bystander.room.leave();
});

test("unknown message types, string or numeric, get an error naming the type", async () => {
  const player = await registerAndJoin(t);

  const named = nextMessage(player.room, "error");
  player.room.send("no.such.type", { a: 1 });
  expect(await named).toEqual({ code: ErrorCode.UnknownMessage, message: expect.any(String), type: "no.such.type" });

  const numbered = nextMessage(player.room, "error");
  player.room.send(42, "x");
  expect(await numbered).toEqual({ code: ErrorCode.UnknownMessage, message: expect.any(String), type: "42" });

  const long = nextMessage<{ type: string }>(player.room, "error");
  player.room.send("t".repeat(1000));
  expect((await long).type).toHaveLength(64);

  expect(player.watch.leaves).toEqual([]);
  await player.room.leave();
});

// Frames no SDK would send. Each either gets served (the connection stays) or is refused by
// closing that connection with 4002; nothing may reach the process as an uncaught exception.
const MALFORMED: Array<[string, Uint8Array | string, "stays" | "closed"]> = [
  ["empty frame", new Uint8Array(0), "stays"],
  ["unknown protocol code", Uint8Array.of(0x3f, 1, 2, 3), "stays"],
  ["ROOM_DATA without a type", Uint8Array.of(Protocol.ROOM_DATA), "stays"],
  ["type string longer than the frame", Uint8Array.of(Protocol.ROOM_DATA, 0xdb, 0xff, 0xff, 0xff, 0xff), "stays"],
  ["never-used msgpack byte", Uint8Array.of(Protocol.ROOM_DATA, 0xa1, 0x61, 0xc1), "stays"],
  ["truncated msgpack array", Uint8Array.of(Protocol.ROOM_DATA, 0xa1, 0x61, 0xdc, 0xff, 0xff), "closed"],
  ["msgpack claiming 2^31 items", Uint8Array.of(Protocol.ROOM_DATA, 0xa1, 0x61, 0xdd, 0x7f, 0xff, 0xff, 0xff), "closed"],
  ["ROOM_REQUEST without an id", Uint8Array.of(Protocol.ROOM_REQUEST), "stays"],
  ["ROOM_DATA_BYTES without a type", Uint8Array.of(Protocol.ROOM_DATA_BYTES), "stays"],
  ["a second join acknowledgement", Uint8Array.of(Protocol.JOIN_ROOM), "stays"],
  ["an input frame (no inputs here)", Uint8Array.of(Protocol.ROOM_INPUT_RELIABLE, 1, 2), "stays"],
  ["a text frame", "hello", "stays"],
];

test.each(MALFORMED)("malformed frame (%s) never crashes the server", async (_label, frame, outcome) => {
  const [bystander, sender] = await joinedPair(t);

  sendRaw(sender, frame);

  if (outcome === "stays") {
    expect((await roundTrip(sender.room, "after")).type).toBe("after");
    expect(sender.watch.leaves).toEqual([]);
    await sender.room.leave();
  } else {
    await expectCutWithoutSeat(bystander, sender, CloseCode.WithError);
  }
  await expectServerHealthy(bystander);
  await bystander.room.leave();
});

test(`more than ${Limits.wsMaxMessagesPerSecond} messages a second disconnects the flooder only`, async () => {
  const [bystander, flooder] = await joinedPair(t);

  // Sent in one burst: even split across two of the server's one-second windows, one holds 50+.
  for (let i = 0; i < Limits.wsMaxMessagesPerSecond * 5; i += 1) flooder.room.send("flood", { i });

  await expectCutWithoutSeat(bystander, flooder, CloseCode.WithError);
  await expectServerHealthy(bystander);
  await bystander.room.leave();
});
