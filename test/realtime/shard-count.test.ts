import { REALTIME_TEST_ENV, registerAndJoin, roundTrip, waitForState, type Player } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// The lobby state (a shard's client count) is brought up to date on a cadence, not per join:
// a change is one patch frame to every player of the shard, so patching it per join made each
// join cost a socket write per player already there.
let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Counts the state patches `player` receives from now on. */
function countPatches(player: Player): () => number {
  let patches = 0;
  player.room.onStateChange(() => patches++);
  return () => patches;
}

test("joins and leaves send the shard's players no state patch until the count is refreshed", async () => {
  t = await startTestServer(REALTIME_TEST_ENV, { start: { shardCountEveryMs: 3_600_000 } });
  const bystander = await registerAndJoin(t);
  await roundTrip(bystander.room); // the room's first full state has arrived: only patches count now
  const patches = countPatches(bystander);
  const others: Player[] = [];
  for (let i = 0; i < 5; i++) others.push(await registerAndJoin(t));
  expect(others.every((o) => o.room.roomId === bystander.room.roomId)).toBe(true);
  await Promise.all(others.map((o) => o.room.leave()));
  // The bystander is still served (a round trip after every join and leave above).
  await bystander.client.http.me(bystander.client.accessToken);
  expect(patches()).toBe(0);
  await bystander.room.leave();
});

test("the count still reaches every player of the shard once it is refreshed", async () => {
  t = await startTestServer(REALTIME_TEST_ENV, { start: { shardCountEveryMs: 200 } });
  const players: Player[] = [];
  for (let i = 0; i < 4; i++) players.push(await registerAndJoin(t));
  await Promise.all(players.map((p) => waitForState(p.room, (s) => s.clients === 4)));
  await players[3]!.room.leave();
  await Promise.all(players.slice(0, 3).map((p) => waitForState(p.room, (s) => s.clients === 3)));
  await Promise.all(players.slice(0, 3).map((p) => p.room.leave()));
});
