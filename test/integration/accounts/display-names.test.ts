import crypto from "node:crypto";
import type { FriendListResponse } from "../../../shared/schemas/social";
import type { GameLobbyListResponse, GameLobbyUpdateMessage, GameLobbyView } from "../../../shared/schemas/game-lobby";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { MeResponseSchema } from "../../../shared/schemas/auth";
import { dm, join, say, GENERAL, CHAT_TEST_ENV } from "../../helpers/chat";
import { befriend, connect, newPlayer, ok, onlinePlayer } from "../../helpers/factories";
import { formParty } from "../../helpers/factories-match";
import { Api, authBody, failure, type HttpResponse } from "../../helpers/http";
import { freshRegion, partyUpdate, PARTY_TEST_ENV } from "../../helpers/parties";
import { presenceUpdate } from "../../helpers/presence";
import { startTestServer, uniqueUsername, GOOD_PASSWORD, type TestServer } from "../../helpers/test-server";
import { ADMIN_TEST_ENV, operators, type Operators } from "../admin/admin-fixture";

// Display names (PATCH /me): cleaned like chat text, 1–32 code points, not unique, limited per
// account; shown wherever a player is shown to others, live, while the username stays the handle.
const CHANGES_PER_HOUR = 3;
let t: TestServer;
let api: Api;
let ops: Operators;
beforeAll(async () => {
  t = await startTestServer({
    ...PARTY_TEST_ENV,
    ...CHAT_TEST_ENV,
    ...ADMIN_TEST_ENV,
    LOBBY_SESSION_SWEEP_SECONDS: "3600",
    DISPLAY_NAME_CHANGES_PER_HOUR: String(CHANGES_PER_HOUR),
  });
  api = new Api(t.url);
  ops = await operators(t);
});
afterAll(() => t.close());

const rename = (token: string, body: unknown): Promise<HttpResponse> => api.send("PATCH", "/me", { token, json: body });
const me = async (token: string) => MeResponseSchema.strict().parse((await api.me(token)).body).account;
/** A name no other test uses (display names need not be unique; this keeps searches exact). */
const freshName = (prefix: string) => `${prefix} ${crypto.randomBytes(3).toString("hex")}`;

test("an account starts as its username; PATCH /me sets a cleaned name that /me, login and friends show, and the username still logs in", async () => {
  const [p, friend] = [await newPlayer(t.url), await newPlayer(t.url)];
  expect((await me(p.token)).displayName).toBe(p.username);

  // A tab, a zero-width space, a right-to-left override and a decomposed é, with ragged spaces.
  const res = await rename(p.token, { displayName: "  Zoe\u0301\u200B  the\tGreat\u202E  " });
  expect(res.status).toBe(200);
  expect(MeResponseSchema.strict().parse(res.body).account).toEqual({ id: p.id, username: p.username, displayName: "Zoé the Great", createdAt: expect.any(String), guest: false });
  expect(await me(p.token)).toMatchObject({ username: p.username, displayName: "Zoé the Great" });

  const login = authBody(await api.login(p.username, GOOD_PASSWORD));
  expect(login.account).toMatchObject({ id: p.id, username: p.username, displayName: "Zoé the Great" });

  await befriend(p, friend);
  const friends = (await api.get("/friends", { token: friend.token })).body as FriendListResponse;
  expect(friends.items.map((f) => f.account)).toEqual([{ id: p.id, username: p.username, displayName: "Zoé the Great" }]);
  // Not unique: a second player may take the same name.
  const other = await newPlayer(t.url);
  expect((await rename(other.token, { displayName: "Zoé the Great" })).status).toBe(200);
});

test("refused with 400 and nothing changed: empty after cleaning, over 32 code points, not a string, other keys; 401 without a token", async () => {
  const p = await newPlayer(t.url);
  for (const body of [
    { displayName: " \u200B\u2060\u202E " },
    { displayName: "a".repeat(33) },
    { displayName: "😀".repeat(33) },
    { displayName: 42 },
    { displayName: "Fine", username: "takeover" },
    {},
  ]) {
    expect([JSON.stringify(body), ...failure(await rename(p.token, body))]).toEqual([JSON.stringify(body), 400, "invalid_request"]);
  }
  expect((await me(p.token)).displayName).toBe(p.username);
  expect(failure(await api.send("PATCH", "/me", { json: { displayName: "Nobody" } }))).toEqual([401, "unauthorized"]);

  // 32 emoji are 32 code points (64 UTF-16 units): allowed.
  const ok32 = await rename(p.token, { displayName: "😀".repeat(32) });
  expect(ok32.status).toBe(200);
  expect((await me(p.token)).displayName).toBe("😀".repeat(32));
});

test(`at most ${CHANGES_PER_HOUR} changes an hour: the next is 429 with Retry-After and changes nothing; the current name again and bad input never count`, async () => {
  const p = await newPlayer(t.url);
  expect(failure(await rename(p.token, { displayName: "" }))).toEqual([400, "invalid_request"]);
  for (let i = 1; i <= CHANGES_PER_HOUR; i++) expect((await rename(p.token, { displayName: `Name ${i}` })).status).toBe(200);
  expect((await rename(p.token, { displayName: `Name ${CHANGES_PER_HOUR}` })).status).toBe(200);
  const limited = await rename(p.token, { displayName: "One too many" });
  expect(failure(limited)).toEqual([429, "rate_limited"]);
  expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
  expect((await me(p.token)).displayName).toBe(`Name ${CHANGES_PER_HOUR}`);
});

test("a rename reaches at once: the friend's presence, the party, and chat (new messages and history)", async () => {
  const [a, b] = [await newPlayer(t.url), await newPlayer(t.url)];
  await befriend(a, b);
  const [aConn, bConn] = [await connect(a), await connect(b)];
  await formParty(aConn, bConn);
  await join(aConn, GENERAL);
  const before = await dm(aConn, b, "before the rename");
  expect(before.sender).toEqual({ id: a.id, username: a.username, displayName: a.username });

  const mark = bConn.log.mark;
  const name = freshName("Captain");
  expect((await rename(a.token, { displayName: name })).status).toBe(200);
  const seen = await presenceUpdate(bConn, a, (p) => p.displayName === name, mark);
  expect(seen).toMatchObject({ accountId: a.id, username: a.username, status: "online" });
  const party = await partyUpdate(bConn, (p) => p.members.some((m) => m.id === a.id && m.displayName === name), mark);
  expect(party.members.find((m) => m.id === a.id)).toMatchObject({ username: a.username, displayName: name });

  // Sent from the connection opened before the rename.
  expect((await dm(aConn, b, "after")).sender).toEqual({ id: a.id, username: a.username, displayName: name });
  expect((await say(aConn, GENERAL, "hello all")).sender.displayName).toBe(name);
  const history = await b.client.api.chatHistory(before.channelId, { limit: 10 });
  // Newest first; each sender by their current name.
  expect(history.messages.map((m) => [m.text, m.sender.displayName])).toEqual([
    ["after", name],
    ["before the rename", name],
  ]);
});

test("a rename reaches the custom game lobby's players and the lobby browser", async () => {
  const host = await onlinePlayer(t.url);
  const guest = await onlinePlayer(t.url);
  const lobby = await ok<GameLobbyView>(host, M.GameLobbyCreate, { name: "Renamers", mode: "duel", region: freshRegion() });
  await ok(guest, M.GameLobbyJoin, { lobbyId: lobby.id });
  const mark = guest.log.mark;
  const name = freshName("Host");
  expect((await rename(host.account.token, { displayName: name })).status).toBe(200);
  const update = await guest.log.waitFor<GameLobbyUpdateMessage>(
    LobbyServerMessage.GameLobbyUpdate,
    (u) => u.lobby?.members.some((m) => m.id === host.account.id && m.displayName === name) === true,
    mark,
  );
  expect(update.lobby!.version).toBeGreaterThan(lobby.version);
  const listed = (await api.get(`/lobbies?region=${lobby.region}`, { token: guest.account.token })).body as GameLobbyListResponse;
  expect(listed.items.find((l) => l.id === lobby.id)?.host).toEqual({ id: host.account.id, username: host.account.username, displayName: name });
});

test("operators see and search by display name; LIKE wildcards in a search match only themselves", async () => {
  const p = await newPlayer(t.url);
  const name = freshName("Searchable");
  await rename(p.token, { displayName: name });
  const search = async (q: string) =>
    ((await api.get(`/admin/api/players?q=${encodeURIComponent(q)}`, { token: ops.viewer })).body as { items: { id: string; username: string; displayName: string }[] }).items;
  expect((await search(name.toUpperCase())).map((i) => [i.id, i.displayName])).toEqual([[p.id, name]]);
  expect((await search(p.username)).map((i) => i.id)).toEqual([p.id]);
  expect(await search("%")).toEqual([]);
  // "_" is allowed in usernames: as a wildcard, "p_" would match "p1_…" (any second character).
  expect(p.username.startsWith("p_")).toBe(false);
  expect(await search("p_")).toEqual([]);
  const detail = (await api.get(`/admin/api/players/${p.id}`, { token: ops.viewer })).body as { account: { displayName: string } };
  expect(detail.account.displayName).toBe(name);
});

describe("guests", () => {
  const device = (deviceId: string) => api.from("127.0.0.7").post("/auth/device", { deviceId });

  test("a guest's name follows its upgrade to a username; a name it chose stays", async () => {
    const plain = authBody(await device(crypto.randomBytes(32).toString("base64url")), 201);
    expect(plain.account.displayName).toBe(plain.account.username);
    const username = uniqueUsername("up");
    expect((await api.post("/me/upgrade", { username, password: GOOD_PASSWORD }, { token: plain.accessToken })).status).toBe(200);
    expect(authBody(await api.login(username, GOOD_PASSWORD)).account).toMatchObject({ username, displayName: username });

    const named = authBody(await device(crypto.randomBytes(32).toString("base64url")), 201);
    await rename(named.accessToken, { displayName: "Lucky" });
    const other = uniqueUsername("up");
    expect((await api.post("/me/upgrade", { username: other, password: GOOD_PASSWORD }, { token: named.accessToken })).status).toBe(200);
    expect(authBody(await api.login(other, GOOD_PASSWORD)).account).toMatchObject({ username: other, displayName: "Lucky" });
  });
});
