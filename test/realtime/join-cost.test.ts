import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";
import type { Notification } from "../../shared/schemas/notifications";
import type { ChatUnreadMessage } from "../../shared/schemas/chat";
import type { PartySnapshotMessage } from "../../shared/schemas/party";
import { dm } from "../helpers/chat";
import { ok } from "../helpers/parties";
import { befriend, connect, leave, loginAgain, newAccount, settle, updatesAbout, type Account, type Connection } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";
import { until } from "../helpers/until";

// What a lobby join costs the database, counted in statements (each one a round trip), for a
// player with everything a join has to load: friends online and offline, a block, an unread
// notification and DM, a party invite. Background work is switched off (no matcher ticks, no
// session sweep), so every statement counted belongs to the join.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, MATCH_TICK_MS: "3600000", LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

const statements = () => t.server.db.queries.total;

/** Joins and waits for the last of the join's messages (party.snapshot); returns the connection and the statements it cost. */
async function measuredJoin(account: Account): Promise<{ conn: Connection; queries: number }> {
  const before = statements();
  const conn = await connect(account);
  await conn.log.waitFor(LobbyServerMessage.PartySnapshot);
  return { conn, queries: statements() - before };
}

test("a join costs at most 3 statements however much the player has, and 1 once the session is known", async () => {
  const [subject, online, offlineA, offlineB, blocked, requester] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newAccount(t.url))) as [Account, Account, Account, Account, Account, Account];
  await Promise.all([befriend(subject, online), befriend(subject, offlineA), befriend(subject, offlineB)]);
  await blocked.client.http.block(blocked.client.accessToken, subject.id);
  await requester.client.http.sendFriendRequest(requester.client.accessToken, subject.username);
  const onlineConn = await connect(online);
  await dm(onlineConn, subject, "while you were away");
  await ok(onlineConn, LobbyClientMessage.PartyInvite, { accountId: subject.id });

  // A fresh login: the session is not yet known to this process (a restart, another process).
  const device = await loginAgain(subject, t.url);
  const first = await measuredJoin(device);
  // The session check, the join snapshot, and "came online" stored for both offline friends at once.
  expect(first.queries).toBe(3);
  const log = first.conn.log;
  expect(first.conn.session.presence.friends.map((f) => [f.accountId, f.status]).sort()).toEqual(
    [[online.id, "online"], [offlineA.id, "offline"], [offlineB.id, "offline"]].sort(),
  );
  const inboxOnJoin = first.conn.session.notifications;
  expect(inboxOnJoin.items.filter((n) => n.type === "friend_request").map((n) => n.actor?.id)).toEqual([requester.id]);
  expect(inboxOnJoin.count).toBe(inboxOnJoin.items.length);
  const unread = await log.waitFor<ChatUnreadMessage>(LobbyServerMessage.ChatUnread);
  expect(unread.channels.map((c) => [c.with.id, c.unread])).toEqual([[online.id, 1]]);
  const party = await log.waitFor<PartySnapshotMessage>(LobbyServerMessage.PartySnapshot);
  expect(party.invites.map((i) => i.from.id)).toEqual([online.id]);
  // Both offline friends find "came online" waiting for them.
  for (const friend of [offlineA, offlineB]) {
    const inbox = await friend.client.http.notifications(friend.client.accessToken, { unread: true });
    expect(inbox.items.filter((n: Notification) => n.type === "friend_online").map((n) => n.actor?.id)).toEqual([subject.id]);
  }

  // A second connection of the same session: its session is known, nobody newly sees it online.
  const second = await measuredJoin(device);
  expect(second.queries).toBe(1);
  await leave(first.conn, second.conn, onlineConn);
});

test("a final leave of a player in no party, queue or custom lobby costs 6 statements", async () => {
  const [subject, friend] = (await Promise.all([newAccount(t.url), newAccount(t.url)])) as [Account, Account];
  await befriend(subject, friend);
  const friendConn = await connect(friend);
  const conn = await connect(subject);
  await conn.log.waitFor(LobbyServerMessage.PartySnapshot);
  await settle(conn, friendConn);
  const mark = friendConn.log.mark;
  const before = statements();
  await conn.room.leave();
  // Last seen; the friends to tell; the player's party (presence's refresh and the parties
  // feature's clean-up each look); the player's ticket; the player's custom lobby seat.
  await until(() => statements() - before >= 6);
  await friendConn.log.waitFor<{ accountId: string; status: string }>(LobbyServerMessage.PresenceUpdate, (p) => p.accountId === subject.id && p.status === "offline", mark);
  await settle(friendConn);
  expect(statements() - before).toBe(6);
  await leave(friendConn);
});

test("a presence change reaches exactly the connections of the player's friends, once each", async () => {
  const [subject, friend, stranger] = await Promise.all([1, 2, 3].map(() => newAccount(t.url))) as [Account, Account, Account];
  await befriend(subject, friend);
  const friendOtherDevice = await loginAgain(friend, t.url);
  const watchers = await Promise.all([connect(friend), connect(friendOtherDevice), connect(stranger)]);
  const [friendConn, friendConn2, strangerConn] = watchers;
  const marks = watchers.map((c) => c.log.mark) as [number, number, number];

  const subjectConn = await connect(subject);
  await settle(...watchers);
  expect(updatesAbout(friendConn, subject, marks[0]).map((p) => p.status)).toEqual(["online"]);
  expect(updatesAbout(friendConn2, subject, marks[1]).map((p) => p.status)).toEqual(["online"]);
  expect(updatesAbout(strangerConn, subject, marks[2])).toEqual([]);
  await leave(subjectConn, ...watchers);
});
