import { REALTIME_TEST_ENV, registerAndJoin, roundTrip, waitForState, type WatchedLobby } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// The lobby state (a shard's client count) is brought up to date on a cadence, not per join:
// a change is one patch frame to every player of the shard, so patching it per join made each
// join cost a socket write per player already there.
let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Counts the changes of the shard count `player` sees from now on. (Not every patch: a new room's
 * first patch tick may carry the state's initial value once, changing nothing.)
 */
function countChanges(player: WatchedLobby): () => number {
  let last = (player.room.state as { clients: number }).clients;
  let changes = 0;
  player.room.onStateChange((state: { clients: number }) => {
    if (state.clients === last) return;
    last = state.clients;
    changes++;
  });
  return () => changes;
}

test("joins and leaves change nothing the shard's players see until the count is refreshed", async () => {
  t = await startTestServer(REALTIME_TEST_ENV, { start: { shardCountEveryMs: 3_600_000 } });
  const bystander = await registerAndJoin(t);
  await roundTrip(bystander.room); // the room's first full state has arrived
  const changes = countChanges(bystander);
  const others: WatchedLobby[] = [];
  for (let i = 0; i < 5; i++) others.push(await registerAndJoin(t));
  expect(others.every((o) => o.room.roomId === bystander.room.roomId)).toBe(true);
  await Promise.all(others.map((o) => o.room.leave()));
  // A round trip after every join and leave above: a patch sent for any of them has arrived.
  await roundTrip(bystander.room);
  expect(changes()).toBe(0);
  await bystander.room.leave();
});

test("the count still reaches every player of the shard once it is refreshed", async () => {
  t = await startTestServer(REALTIME_TEST_ENV, { start: { shardCountEveryMs: 200 } });
  const players: WatchedLobby[] = [];
  for (let i = 0; i < 4; i++) players.push(await registerAndJoin(t));
  await Promise.all(players.map((p) => waitForState(p.room, (s) => s.clients === 4)));
  await players[3]!.room.leave();
  await Promise.all(players.slice(0, 3).map((p) => waitForState(p.room, (s) => s.clients === 3)));
  await Promise.all(players.slice(0, 3).map((p) => p.room.leave()));
});
