import { WelcomeMessageSchema } from "../../shared/schemas/lobby";
import { CloseCode } from "../../shared/codes";
import { joinAs, REALTIME_TEST_ENV, lobbyListings, localRoom, registerAndJoin, registeredClient, reservedSeats, roundTrip, waitForState } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SHARD_SIZE: "3", LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

test("a valid access token joins: welcome names the account, state arrives", async () => {
  const client = await registeredClient(t);
  const player = await joinAs(client);

  expect(WelcomeMessageSchema.parse(player.session.welcome).account).toEqual(client.session!.account);
  // The welcome follows the first full state, so the state is already there; its count is brought
  // up to date on a cadence (not per join), so it counts this player by the next refresh.
  expect(Object.keys(player.room.state.toJSON())).toEqual(["clients"]);
  await waitForState(player.room, (s) => s.clients === 1);
  expect(player.room.sessionId).toEqual(expect.any(String));

  await player.room.leave();
  expect(await player.watch.left).toBe(CloseCode.Consented);
});

test("the shared state holds a client count only, however many players join a shard", async () => {
  const first = await registerAndJoin(t);
  const grown = new Promise<void>((resolve) =>
    first.room.onStateChange((state: { clients: number }) => state.clients === 3 && resolve()),
  );
  const others = [await registerAndJoin(t), await registerAndJoin(t)];
  await grown;

  // The count reaches every player of the shard in the same refresh (each on its own socket).
  await Promise.all(others.map((p) => waitForState(p.room, (s) => s.clients === 3)));
  for (const p of [first, ...others]) expect(p.room.state.toJSON()).toEqual({ clients: 3 });
  const [listing] = await lobbyListings();
  const serverState = localRoom(listing!.roomId).state as { toJSON(): Record<string, unknown> };
  expect(Object.keys(serverState.toJSON())).toEqual(["clients"]);

  for (const p of [first, ...others]) await p.room.leave();
});

test("shards: a full lobby room opens another instead of growing", async () => {
  const players = [];
  for (let i = 0; i < 4; i += 1) players.push(await registerAndJoin(t));

  const listings = await lobbyListings();
  expect(listings.map((l) => l.clients).sort()).toEqual([1, 3]);
  expect(new Set(players.map((p) => p.room.roomId)).size).toBe(2);
  for (const l of listings) expect(l.maxClients).toBe(3);

  for (const p of players) await p.room.leave();
});

test("one login session can hold two lobby connections, each with its own seat", async () => {
  const client = await registeredClient(t);
  const a = await joinAs(client);
  const b = await joinAs(client);

  expect(a.room.sessionId).not.toBe(b.room.sessionId);
  // Neither connection took the other's seat: both are served.
  expect((await roundTrip(a.room)).code).toBe("unknown_message");
  expect((await roundTrip(b.room)).code).toBe("unknown_message");
  const room = localRoom(a.room.roomId);
  expect(room.clients.length).toBe(2);
  expect(reservedSeats(room)).toEqual([]);

  await a.room.leave();
  expect((await roundTrip(b.room)).code).toBe("unknown_message");
  await b.room.leave();
});
