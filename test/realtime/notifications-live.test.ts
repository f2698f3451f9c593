import { ManualClock } from "../../server/lib/clock";
import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";
import type { Notification } from "../../shared/schemas/notifications";
import { befriend, connect, leave, newAccount, notification, settle, type Account, type Connection } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Social notifications: live to a connected recipient, stored for an offline one and handed over
// (with the unread count) at the next join; read through `notifications.read`. friend_online is
// live-only for an online recipient, stored once (deduplicated) for an offline one, and not
// repeated for a reconnect within 60 s (on the injected clock).
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" }, { clock });
});
afterAll(() => t.close());

const actor = (x: Account) => ({ id: x.id, username: x.username, displayName: x.username });
const summary = (n: Notification) => [n.type, n.actor?.username];
const liveOf = (conn: Connection, type: Notification["type"], from = 0) =>
  conn.log.of<Notification>(LobbyServerMessage.Notification, (n) => n.type === type, from);

/** Marks everything read so far, so a test can count what comes next. */
const readAll = (x: Account) => x.client.http.markNotificationsRead(x.client.accessToken, { all: true });

test("friend_request, friend_accepted and friend_removed arrive live to a connected recipient", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [aConn, bConn] = await Promise.all([connect(a), connect(b)]);

  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  const request = await notification(bConn, "friend_request", a);
  expect(request).toEqual({ id: expect.any(String), type: "friend_request", actor: actor(a), createdAt: new Date(clock.now()).toISOString(), read: false });

  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);
  expect(await notification(aConn, "friend_accepted", b)).toMatchObject({ type: "friend_accepted", actor: actor(b), read: false });

  await a.client.http.removeFriend(a.client.accessToken, b.id);
  expect(await notification(bConn, "friend_removed", a)).toMatchObject({ type: "friend_removed", actor: actor(a), read: false });

  await settle(aConn, bConn);
  expect(aConn.log.of<Notification>(LobbyServerMessage.Notification).map(summary)).toEqual([["friend_accepted", b.username]]);
  expect(bConn.log.of<Notification>(LobbyServerMessage.Notification).map(summary)).toEqual([
    ["friend_request", a.username],
    ["friend_removed", a.username],
  ]);
  await leave(aConn, bConn);
});

test("stored for an offline recipient, delivered with the unread count at the next join, read through notifications.read", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await b.client.http.sendFriendRequest(b.client.accessToken, a.username);
  clock.advance(1_000);
  await a.client.http.acceptFriendRequest(a.client.accessToken, b.id);
  clock.advance(1_000);
  await a.client.http.removeFriend(a.client.accessToken, b.id);
  clock.advance(1_000);
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);

  const bConn = await connect(b);
  expect(bConn.session.notifications.count).toBe(3);
  expect(bConn.session.notifications.items.map(summary)).toEqual([
    ["friend_request", a.username], // newest first
    ["friend_removed", a.username],
    ["friend_accepted", a.username],
  ]);
  expect(bConn.session.notifications.items.every((n) => !n.read)).toBe(true);
  const aConn = await connect(a);
  expect(aConn.session.notifications).toEqual({ count: 1, items: [expect.objectContaining({ type: "friend_request", actor: actor(b) })] });

  // Read one by id, then the rest; each answer comes once the server has stored it.
  const oldest = bConn.session.notifications.items[2]!;
  await bConn.room.request(LobbyClientMessage.NotificationsRead, { ids: [oldest.id] });
  await leave(bConn);
  const bAgain = await connect(b);
  expect(bAgain.session.notifications.count).toBe(2);
  expect(bAgain.session.notifications.items.map((n) => n.id)).not.toContain(oldest.id);

  await bAgain.room.request(LobbyClientMessage.NotificationsRead, { all: true });
  await leave(bAgain);
  const bThird = await connect(b);
  expect(bThird.session.notifications).toEqual({ count: 0, items: [] });
  await leave(bThird, aConn);
});

test("friend_online: live (and not stored) for an online friend; one reconnect within 60 s is not announced again", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  await readAll(a);
  const aConn = await connect(a);

  const bConn = await connect(b);
  expect(await notification(aConn, "friend_online", b)).toMatchObject({ type: "friend_online", actor: actor(b), read: false });
  const from = aConn.log.mark;
  await leave(bConn);
  clock.advance(59_999);
  const quick = await connect(b);
  await settle(aConn);
  expect(liveOf(aConn, "friend_online", from)).toEqual([]);

  await leave(quick);
  clock.advance(60_000);
  const later = await connect(b);
  await notification(aConn, "friend_online", b, from);

  expect((await a.client.http.notifications(a.client.accessToken, { unread: true })).unreadCount).toBe(0);
  await leave(later, aConn);
});

test("friend_online for an offline friend is stored once, however often they came online", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  await readAll(a);
  for (let i = 0; i < 3; i += 1) {
    clock.advance(120_000);
    await leave(await connect(b));
  }

  const aConn = await connect(a);
  expect(aConn.session.notifications.count).toBe(1);
  expect(aConn.session.notifications.items.map(summary)).toEqual([["friend_online", b.username]]);
  await leave(aConn);
});
