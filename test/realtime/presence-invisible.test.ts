import { ManualClock } from "../../server/lib/clock";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import {
  befriend,
  connect,
  inSnapshot,
  isStatus,
  leave,
  newAccount,
  presenceUpdate,
  setPresence,
  settle,
  updatesAbout,
  type Account,
} from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Invisible: connected, but offline to every friend, in live updates and in later snapshots, and
// nothing (not lastSeenAt, not the timing of an update) gives the connection away.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" }, { clock });
});
afterAll(() => t.close());

const offlineSince = (account: Account, at: number) => ({
  accountId: account.id,
  username: account.username,
  displayName: account.username,
  status: "offline",
  lastSeenAt: new Date(at).toISOString(),
});

test("invisible shows offline to friends, live and in a later snapshot; back to online shows online", async () => {
  const [ghost, watcher, latecomer] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await befriend(ghost, watcher);
  await befriend(ghost, latecomer);
  const watching = await connect(watcher);
  const ghostConn = await connect(ghost);
  await presenceUpdate(watching, ghost, isStatus("online"));

  clock.advance(1_000);
  const hiddenAt = clock.now();
  let from = watching.log.mark;
  await setPresence(ghostConn, { status: "invisible", text: "secret" });
  expect(await presenceUpdate(watching, ghost, () => true, from)).toEqual(offlineSince(ghost, hiddenAt));

  clock.advance(60_000);
  const late = await connect(latecomer);
  expect(inSnapshot(late, ghost)).toEqual(offlineSince(ghost, hiddenAt));

  from = watching.log.mark;
  const lateFrom = late.log.mark;
  await setPresence(ghostConn, { status: "online" });
  const back = { accountId: ghost.id, username: ghost.username, displayName: ghost.username, status: "online", activity: { kind: "lobby" }, text: "secret" };
  expect(await presenceUpdate(watching, ghost, () => true, from)).toEqual(back);
  expect(await presenceUpdate(late, ghost, () => true, lateFrom)).toEqual(back);
  await leave(watching, late, ghostConn);
});

test("while invisible, connecting, disconnecting and changing text send friends nothing, and lastSeenAt stays put", async () => {
  const [ghost, watcher, latecomer] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await befriend(ghost, watcher);
  await befriend(ghost, latecomer);
  const watching = await connect(watcher);
  const first = await connect(ghost);
  await presenceUpdate(watching, ghost, isStatus("online"));
  clock.advance(1_000);
  const hiddenAt = clock.now();
  await setPresence(first, { status: "invisible" });
  await presenceUpdate(watching, ghost, isStatus("offline"));
  const from = watching.log.mark;

  // A second device joins (the chosen status is the account's), changes text, leaves; then all go.
  clock.advance(10_000);
  const second = await connect(ghost);
  expect(second.session.presence.self).toEqual({ status: "invisible" });
  await setPresence(second, { text: "shh" });
  clock.advance(10_000);
  await leave(second);
  clock.advance(10_000);
  await leave(first);
  // Comes back later on a fresh connection, still invisible (the choice is saved).
  clock.advance(10_000);
  const again = await connect(ghost);
  expect(again.session.presence.self).toEqual({ status: "invisible", text: "shh" });

  const late = await connect(latecomer);
  expect(inSnapshot(late, ghost)).toEqual(offlineSince(ghost, hiddenAt));
  await settle(watching, late);
  expect(updatesAbout(watching, ghost, from)).toEqual([]);
  expect(updatesAbout(late, ghost)).toEqual([]);
  expect(watching.log.of(LobbyServerMessage.Notification, (n: { actor?: { id: string } }) => n.actor?.id === ghost.id, from)).toEqual([]);
  await leave(watching, late, again);
});
