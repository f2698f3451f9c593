import { Client } from "@colyseus/sdk";
import { ManualClock } from "../../server/lib/clock";
import { openRawLobbySocket } from "../helpers/raw-lobby-socket";
import {
  befriend,
  connect,
  inSnapshot,
  isStatus,
  leave,
  loginAgain,
  newAccount,
  presenceUpdate,
  settle,
  updatesAbout,
  type Account,
} from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";
import { checkUnhandledMessages } from "../helpers/protocol-check";

// An account is online while any of its connections is; a connection that stops answering pings
// goes offline for friends when the transport's heartbeat gives up on it. The heartbeat is real
// time (shortened to 100 ms x 2 through the `heartbeat` start option); the tests only await events.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    { ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600", LOBBY_RECONNECT_SECONDS: "30" },
    { clock, start: { heartbeat: { intervalMs: 100, maxRetries: 2 } } },
  );
});
afterAll(() => t.close());

describe.each([
  ["two logins (two sessions)", (a: Account) => loginAgain(a, t.url)],
  ["one login, joined twice", async (a: Account) => a],
])("two connections of one account: %s", (_label, secondDevice) => {
  test("stay online until the last closes; friends get exactly one offline", async () => {
    const [a, watcher, latecomer] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
    await befriend(a, watcher);
    await befriend(a, latecomer);
    const watching = await connect(watcher);
    const first = await connect(a);
    await presenceUpdate(watching, a, isStatus("online"));
    const second = await connect(await secondDevice(a));

    await leave(first);
    const late = await connect(latecomer);
    expect(inSnapshot(late, a)).toMatchObject({ status: "online", activity: { kind: "lobby" } });
    await settle(watching);
    expect(updatesAbout(watching, a).map((p) => p.status)).toEqual(["online"]);

    await leave(second);
    await presenceUpdate(watching, a, isStatus("offline"));
    await presenceUpdate(late, a, isStatus("offline"));
    await settle(watching, late);
    expect(updatesAbout(watching, a).map((p) => p.status)).toEqual(["online", "offline"]);
    expect(updatesAbout(late, a).map((p) => p.status)).toEqual(["offline"]);
    await leave(watching, late);
  });
});

test("a connection that stops answering pings goes offline for friends, and back online when it reconnects in time", async () => {
  const [silent, watcher] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(silent, watcher);
  const watching = await connect(watcher);
  const dead = await openRawLobbySocket(t.url, silent.client.accessToken, { autoPong: false });
  await presenceUpdate(watching, silent, isStatus("online"));

  const from = watching.log.mark;
  expect(await dead.closed).toBe(1006); // terminated by the heartbeat
  expect(await presenceUpdate(watching, silent, () => true, from)).toMatchObject({ status: "offline" });

  // Within LOBBY_RECONNECT_SECONDS (on the injected clock) the seat is still held.
  clock.advance(29_000);
  const sdk = new Client(t.url);
  sdk.auth.token = silent.client.accessToken;
  const back = await sdk.reconnect(dead.reconnectionToken);
  checkUnhandledMessages(back);
  expect(back.sessionId).toBe(dead.sessionId);
  expect(await presenceUpdate(watching, silent, isStatus("online"), from)).toMatchObject({ activity: { kind: "lobby" } });

  const beforeLeave = watching.log.mark;
  await back.leave();
  await presenceUpdate(watching, silent, isStatus("offline"), beforeLeave);
  await settle(watching);
  expect(updatesAbout(watching, silent, from).map((p) => p.status)).toEqual(["offline", "online", "offline"]);
  await leave(watching);
});
