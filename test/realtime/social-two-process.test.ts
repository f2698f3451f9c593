import { matchMaker } from "@colyseus/core";
import type { ChildServer } from "../helpers/child-server";
import { createLobbyOn } from "../helpers/placement";
import {
  befriend,
  connect,
  friendsUpdate,
  inSnapshot,
  isStatus,
  leave,
  loginAgain,
  newAccount,
  notification,
  presenceUpdate,
  setPresence,
  settle,
  updatesAbout,
  type Account,
} from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import type { TestServer } from "../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../helpers/two-processes";

// Two server processes (this one, "p1", and a child, "p2") share one PostgreSQL database and one
// Redis. Each player is placed on a chosen process; every HTTP call goes to the player's process.
let t: TestServer;
let child: ChildServer;
let childProcessId: string;
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600", LOBBY_RECONNECT_SECONDS: "0" });
  ({ t, child, childProcessId } = procs);
}, 60_000);
afterAll(() => procs?.close());

const on = {
  p1: { url: () => t.url, room: () => createLobbyOn() },
  p2: { url: () => child.url, room: () => createLobbyOn(childProcessId) },
};
type Side = keyof typeof on;
const accountOn = (side: Side): Promise<Account> => newAccount(on[side].url());
const connectOn = async (side: Side, account: Account) => {
  const conn = await connect(account, { roomId: await on[side].room() });
  expect(Boolean(matchMaker.getLocalRoomById(conn.room.roomId))).toBe(side === "p1");
  return conn;
};

test("request, acceptance, presence (incl. invisible and offline) and notifications flow both ways", async () => {
  const [a, b] = await Promise.all([accountOn("p1"), accountOn("p2")]);
  const aConn = await connectOn("p1", a);
  const bConn = await connectOn("p2", b);

  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await friendsUpdate(aConn, b, "outgoing");
  await friendsUpdate(bConn, a, "incoming");
  await notification(bConn, "friend_request", a);

  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);
  await friendsUpdate(aConn, b, "friend");
  await friendsUpdate(bConn, a, "friend");
  await notification(aConn, "friend_accepted", b);
  expect(await presenceUpdate(aConn, b)).toMatchObject({ status: "online", activity: { kind: "lobby" } });
  expect(await presenceUpdate(bConn, a)).toMatchObject({ status: "online", activity: { kind: "lobby" } });

  await setPresence(bConn, { status: "away", text: "from p2" });
  expect(await presenceUpdate(aConn, b, isStatus("away"))).toMatchObject({ text: "from p2" });
  await setPresence(aConn, { status: "busy", text: "from p1" });
  expect(await presenceUpdate(bConn, a, isStatus("busy"))).toMatchObject({ text: "from p1" });

  await setPresence(bConn, { status: "invisible" });
  const hidden = await presenceUpdate(aConn, b, isStatus("offline"));
  expect(hidden.lastSeenAt).toEqual(expect.any(String));
  const aSecond = await connectOn("p2", await loginAgain(a, child.url));
  expect(inSnapshot(aSecond, b)).toEqual(hidden);

  let from = aConn.log.mark;
  await setPresence(bConn, { status: "online" });
  expect(await presenceUpdate(aConn, b, () => true, from)).toMatchObject({ status: "online", text: "from p2" });
  expect(await presenceUpdate(aSecond, b)).toMatchObject({ status: "online", text: "from p2" });

  from = aConn.log.mark;
  await leave(bConn);
  expect(await presenceUpdate(aConn, b, () => true, from)).toMatchObject({ status: "offline" });
  await presenceUpdate(aSecond, b, isStatus("offline"));
  await leave(aConn, aSecond);
});

test("an account connected on both processes stays online until its last connection closes", async () => {
  const [a, watcher] = await Promise.all([accountOn("p1"), accountOn("p2")]);
  await befriend(a, watcher);
  const watching = await connectOn("p2", watcher);
  const onP1 = await connectOn("p1", a);
  await presenceUpdate(watching, a, isStatus("online"));
  const onP2 = await connectOn("p2", await loginAgain(a, child.url));

  await leave(onP1);
  await settle(watching);
  expect(updatesAbout(watching, a).map((p) => p.status)).toEqual(["online"]);
  await leave(onP2);
  await presenceUpdate(watching, a, isStatus("offline"));
  await settle(watching);
  expect(updatesAbout(watching, a).map((p) => p.status)).toEqual(["online", "offline"]);
  await leave(watching);
});

test("connections of one account opening at once (on Redis) announce it online once, with one friend_online", async () => {
  const [a, watcher] = await Promise.all([accountOn("p1"), accountOn("p2")]);
  await befriend(a, watcher);
  await watcher.client.http.markNotificationsRead(watcher.client.accessToken, { all: true });
  const watching = await connectOn("p2", watcher);
  const room = await on.p1.room();
  const conns = await Promise.all([connect(a, { roomId: room }), connect(a, { roomId: room }), connect(a, { roomId: room })]);
  await presenceUpdate(watching, a, isStatus("online"));
  await settle(watching);
  expect(updatesAbout(watching, a).map((p) => p.status)).toEqual(["online"]);
  expect(watching.log.of("notification").length).toBe(1);
  await leave(watching, ...conns);
});

test("notifications cross processes: friend_online live, others stored on one and delivered at a join on the other", async () => {
  const [a, c] = await Promise.all([accountOn("p1"), accountOn("p2")]);
  await befriend(c, a); // a offline: friend_request stored for a; c offline: friend_accepted stored for c
  const aConn = await connectOn("p1", a);
  expect(aConn.session.notifications.items.map((n) => n.type)).toEqual(["friend_request"]);

  const cConn = await connectOn("p2", c);
  expect(await notification(aConn, "friend_online", c)).toMatchObject({ actor: { id: c.id, username: c.username, displayName: c.username } });
  // Stored while c was offline: the acceptance, and a coming online (on p1).
  expect(cConn.session.notifications.items.map((n) => n.type).sort()).toEqual(["friend_accepted", "friend_online"]);

  await cConn.room.request("notifications.read", { all: true });
  await leave(cConn);
  await a.client.http.removeFriend(a.client.accessToken, c.id);
  const cAgain = await connectOn("p1", c);
  expect(cAgain.session.notifications).toEqual({ count: 1, items: [expect.objectContaining({ type: "friend_removed", actor: { id: a.id, username: a.username, displayName: a.username } })] });
  await leave(aConn, cAgain);
});

// Last: it stops the child.
test("a graceful stop of one process takes its players offline for their friends on the other", async () => {
  const [a, e] = await Promise.all([accountOn("p1"), accountOn("p2")]);
  await befriend(a, e);
  const aConn = await connectOn("p1", a);
  await connectOn("p2", e);
  await presenceUpdate(aConn, e, isStatus("online"));

  expect(await child.stop()).toEqual({ code: 0, signal: null });
  expect(await presenceUpdate(aConn, e, isStatus("offline"))).toMatchObject({ lastSeenAt: expect.any(String) });
  const late = await connectOn("p1", await loginAgain(a, t.url));
  expect(inSnapshot(late, e)).toMatchObject({ status: "offline" });
  await leave(aConn, late);
});
