import { LobbyServerMessage, type FriendsUpdateMessage } from "../../shared/schemas/lobby";
import { connect, friendsUpdate, leave, newAccount, settle, type Account, type Connection } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// `friends.update` on both players' lobby connections for every relationship change.
let t: TestServer;
let a: Account;
let b: Account;
let aConn: Connection;
let bConn: Connection;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
beforeEach(async () => {
  [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  [aConn, bConn] = await Promise.all([connect(a), connect(b)]);
});
afterEach(() => leave(aConn, bConn));
afterAll(() => t.close());

const pub = (x: Account) => ({ id: x.id, username: x.username, displayName: x.username });
/** Both sides' friends.update messages so far, as [about, state]. */
async function updates(): Promise<{ a: FriendsUpdateMessage[]; b: FriendsUpdateMessage[] }> {
  await settle(aConn, bConn);
  return { a: aConn.log.of(LobbyServerMessage.FriendsUpdate), b: bConn.log.of(LobbyServerMessage.FriendsUpdate) };
}

test("request sent / received, then declined: outgoing/incoming, then null for both", async () => {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  expect(await friendsUpdate(aConn, b, "outgoing")).toEqual({ account: pub(b), state: "outgoing" });
  expect(await friendsUpdate(bConn, a, "incoming")).toEqual({ account: pub(a), state: "incoming" });

  await b.client.http.declineFriendRequest(b.client.accessToken, a.id);
  expect(await updates()).toEqual({
    a: [{ account: pub(b), state: "outgoing" }, { account: pub(b), state: null }],
    b: [{ account: pub(a), state: "incoming" }, { account: pub(a), state: null }],
  });
});

test("request cancelled by the sender: null for both", async () => {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await a.client.http.cancelFriendRequest(a.client.accessToken, b.id);
  expect(await updates()).toEqual({
    a: [{ account: pub(b), state: "outgoing" }, { account: pub(b), state: null }],
    b: [{ account: pub(a), state: "incoming" }, { account: pub(a), state: null }],
  });
});

test("request accepted, then the friend removed: friend for both, then null for both", async () => {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);
  await friendsUpdate(aConn, b, "friend");
  await b.client.http.removeFriend(b.client.accessToken, a.id);
  expect(await updates()).toEqual({
    a: [{ account: pub(b), state: "outgoing" }, { account: pub(b), state: "friend" }, { account: pub(b), state: null }],
    b: [{ account: pub(a), state: "incoming" }, { account: pub(a), state: "friend" }, { account: pub(a), state: null }],
  });
});

test("two players asking each other become friends: the second request reports friend to both", async () => {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await b.client.http.sendFriendRequest(b.client.accessToken, a.username);
  expect(await updates()).toEqual({
    a: [{ account: pub(b), state: "outgoing" }, { account: pub(b), state: "friend" }],
    b: [{ account: pub(a), state: "incoming" }, { account: pub(a), state: "friend" }],
  });
});

test("a repeated request tells nobody anything new", async () => {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  expect(await updates()).toEqual({ a: [{ account: pub(b), state: "outgoing" }], b: [{ account: pub(a), state: "incoming" }] });
});
