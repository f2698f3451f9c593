import { newPlayers } from "../helpers/factories";
import {
  befriend,
  connect,
  friendsUpdate,
  inSnapshot,
  isStatus,
  leave,
  presenceUpdate,
  setPresence,
  settle,
  updatesAbout,
  type Account,
  type Connection,
} from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Who learns a player's presence: friends only. Strangers, pending-request partners and blocked
// players (either direction) get nothing, not in the snapshot and not live.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

const accounts = async (n: number): Promise<Account[]> => newPlayers(t.url, n);

/** `subject` comes online (already is), changes status and text, and leaves; `witness` (a friend) sees it all. */
async function liveActivity(subject: Connection, witness: Connection): Promise<void> {
  const from = witness.log.mark;
  await setPresence(subject, { status: "busy", text: "private" });
  await presenceUpdate(witness, subject.account, isStatus("busy"), from);
  await leave(subject);
  await presenceUpdate(witness, subject.account, isStatus("offline"), from);
}

test("strangers and pending-request partners learn nothing of each other's presence, either way", async () => {
  const [a, stranger, outgoing, incoming, witness] = (await accounts(5)) as [Account, Account, Account, Account, Account];
  await a.client.http.sendFriendRequest(a.client.accessToken, outgoing.username);
  await incoming.client.http.sendFriendRequest(incoming.client.accessToken, a.username);
  for (const x of [a, stranger, outgoing, incoming]) await befriend(x, witness);
  const watching = await connect(witness);

  const conn = await connect(a);
  const others = await Promise.all([stranger, outgoing, incoming].map((x) => connect(x)));
  expect(conn.session.presence.friends.map((f) => f.accountId)).toEqual([witness.id]);
  for (const other of others) expect(other.session.presence.friends.map((f) => f.accountId)).toEqual([witness.id]);

  for (const other of others) await liveActivity(other, watching);
  const reopened = await Promise.all([stranger, outgoing, incoming].map((x) => connect(x)));
  await liveActivity(conn, watching);

  await settle(...reopened);
  for (const x of [stranger, outgoing, incoming]) expect(updatesAbout(conn, x)).toEqual([]);
  for (const other of reopened) expect(updatesAbout(other, a)).toEqual([]);
  await leave(watching, ...reopened);
});

describe.each([
  ["the mover blocks the other", true],
  ["the other blocks the mover", false],
])("a block between two online friends (%s)", (_label, moverBlocks) => {
  test("ends the friendship for both (friends.update null) and no presence flows either way after it", async () => {
    const [mover, other, witness] = (await accounts(3)) as [Account, Account, Account];
    await befriend(mover, other);
    await befriend(mover, witness);
    await befriend(other, witness);
    const watching = await connect(witness);
    const moverConn = await connect(mover);
    const otherConn = await connect(other);
    await presenceUpdate(moverConn, other, isStatus("online"));

    const [blocker, blocked] = moverBlocks ? [mover, other] : [other, mover];
    const fromMover = moverConn.log.mark;
    const fromOther = otherConn.log.mark;
    await blocker.client.http.block(blocker.client.accessToken, blocked.id);
    await friendsUpdate(moverConn, other, null);
    await friendsUpdate(otherConn, mover, null);

    await liveActivity(moverConn, watching);
    const moverAgain = await connect(mover);
    expect(inSnapshot(moverAgain, other)).toBeUndefined();
    await liveActivity(otherConn, watching);
    const otherAgain = await connect(other);
    expect(inSnapshot(otherAgain, mover)).toBeUndefined();
    await setPresence(moverAgain, { status: "away" });
    await presenceUpdate(watching, mover, isStatus("away"));

    await settle(moverAgain, otherAgain);
    expect(updatesAbout(moverConn, other, fromMover)).toEqual([]);
    expect(updatesAbout(otherConn, mover, fromOther)).toEqual([]);
    expect(updatesAbout(moverAgain, other)).toEqual([]);
    expect(updatesAbout(otherAgain, mover)).toEqual([]);
    await leave(watching, moverAgain, otherAgain);
  });
});

test("a block survives unblocking: the two are not friends again and still see nothing", async () => {
  const [a, b, witness] = (await accounts(3)) as [Account, Account, Account];
  await befriend(a, b);
  await befriend(b, witness);
  await a.client.http.block(a.client.accessToken, b.id);
  await a.client.http.unblock(a.client.accessToken, b.id);
  const watching = await connect(witness);
  const aConn = await connect(a);
  const bConn = await connect(b);
  expect(inSnapshot(aConn, b)).toBeUndefined();
  expect(inSnapshot(bConn, a)).toBeUndefined();
  await liveActivity(bConn, watching);
  await settle(aConn);
  expect(updatesAbout(aConn, b)).toEqual([]);
  await leave(watching, aConn);
});

test("two online players who become friends each get the other's presence right away, after friends.update", async () => {
  const [a, b] = (await accounts(2)) as [Account, Account];
  const aConn = await connect(a);
  const bConn = await connect(b);
  await setPresence(bConn, { status: "away", text: "hi" });

  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await friendsUpdate(bConn, a, "incoming");
  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);

  expect(await presenceUpdate(aConn, b)).toEqual({ accountId: b.id, username: b.username, displayName: b.username, status: "away", activity: { kind: "lobby" }, text: "hi" });
  expect(await presenceUpdate(bConn, a)).toEqual({ accountId: a.id, username: a.username, displayName: a.username, status: "online", activity: { kind: "lobby" } });
  for (const [conn, other] of [[aConn, b], [bConn, a]] as const) {
    const types = conn.log.types();
    const friendIndex = conn.log.messages.findIndex((m) => m.type === "friends.update" && (m.payload as { state: string }).state === "friend");
    expect(friendIndex).toBeGreaterThanOrEqual(0);
    expect(types.indexOf("presence.update")).toBeGreaterThan(friendIndex);
    expect(updatesAbout(conn, other)).toHaveLength(1);
  }
  await leave(aConn, bConn);
});

test("friends removed and made again while online see each other's (unchanged) presence again", async () => {
  const [a, b] = (await accounts(2)) as [Account, Account];
  await befriend(a, b);
  const aConn = await connect(a);
  const bConn = await connect(b);
  await presenceUpdate(aConn, b, isStatus("online"));

  await a.client.http.removeFriend(a.client.accessToken, b.id);
  await friendsUpdate(bConn, a, null);
  const fromA = aConn.log.mark;
  const fromB = bConn.log.mark;
  await befriend(b, a);

  expect(await presenceUpdate(aConn, b, () => true, fromA)).toMatchObject({ status: "online" });
  expect(await presenceUpdate(bConn, a, () => true, fromB)).toMatchObject({ status: "online" });
  await leave(aConn, bConn);
});
