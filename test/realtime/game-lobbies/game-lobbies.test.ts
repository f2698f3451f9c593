import { ErrorCode } from "../../../shared/codes";
import type { GameLobbyListingMessage, GameLobbyListResponse, GameLobbySnapshotMessage, GameLobbyStartReply, GameLobbySummary, GameLobbyUpdateMessage, GameLobbyView } from "../../../shared/schemas/game-lobby";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { connect, newPlayers, onlinePlayer, type Connection } from "../../helpers/factories";
import { scorePoints, takeSeat } from "../../helpers/factories-match";
import { request } from "../../helpers/http";
import { storedRating } from "../../helpers/matches";
import { freshRegion, ok, PARTY_TEST_ENV, refusedCode } from "../../helpers/parties";
import { befriend } from "../../helpers/factories";
import { leave, presenceUpdate, updatesAbout } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { until } from "../../helpers/until";

// Custom game lobbies over real SDK connections: the browser (HTTP list and live listing), seats,
// the host's controls, privacy (codes, passwords, blocks), and the start into a match room.
const FAILED_JOINS = 4;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    ...PARTY_TEST_ENV,
    MATCH_TARGET_SCORE: "1",
    MATCH_SCORE_COOLDOWN_MS: "0",
    GAME_LOBBY_RATED_MODES: "squad",
    GAME_LOBBY_CREATES_PER_MINUTE: "100",
    GAME_LOBBY_FAILED_JOINS_PER_MINUTE: String(FAILED_JOINS),
  });
});
afterAll(() => t.close());

const lobbyUpdate = (c: Connection, where: (l: GameLobbyView) => boolean = () => true, from = 0) =>
  c.log.waitFor<GameLobbyUpdateMessage>(LobbyServerMessage.GameLobbyUpdate, (u) => u.lobby !== null && where(u.lobby), from).then((u) => u.lobby!);
const lobbyGone = (c: Connection, lobbyId: string, from = 0) =>
  c.log.waitFor<GameLobbyUpdateMessage>(LobbyServerMessage.GameLobbyUpdate, (u) => u.lobbyId === lobbyId && u.lobby === null, from);
const listing = (c: Connection, where: (m: GameLobbyListingMessage) => boolean, from = 0) => c.log.waitFor<GameLobbyListingMessage>(LobbyServerMessage.GameLobbyListing, where, from);
const browse = async (c: Connection, query = ""): Promise<GameLobbyListResponse> => {
  const res = await request(t.url, "GET", `/lobbies${query}`, { token: c.account.token });
  expect(res.status).toBe(200);
  return res.body as GameLobbyListResponse;
};
const create = (host: Connection, extra: Record<string, unknown> = {}) =>
  ok<GameLobbyView>(host, M.GameLobbyCreate, { name: `Lobby ${host.account.username}`, mode: "duel", region: freshRegion(), ...extra });
const seatsOf = (l: GameLobbyView) => l.members.map((m) => `${m.username}@${m.team}.${m.slot}${m.ready ? "+" : ""}`);

test("a public lobby is listed, filtered and paged; a watcher sees it fill live; joiners take the first free slot", async () => {
  const [host, joiner, watcher] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url), onlinePlayer(t.url)]);
  const region = freshRegion();
  const lobby = await create(host, { name: "Friday Night Brawl", region, teamCount: 2, teamSize: 2, settings: { map: "canyon", timeLimit: 10, friendlyFire: false } });
  expect(lobby).toMatchObject({ hostId: host.account.id, visibility: "public", hasPassword: false, teamCount: 2, teamSize: 2, canStart: false, settings: { map: "canyon", timeLimit: 10, friendlyFire: false } });
  expect(lobby.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  expect(seatsOf(lobby)).toEqual([`${host.account.username}@0.0+`]);

  // Filters: region and mode match, text search is case-insensitive, hasRoom, paging.
  const other = await create(joiner, { name: "Quiet duel", region, mode: "squad" });
  expect((await browse(watcher, `?region=${region}`)).items.map((i) => i.id)).toEqual([other.id, lobby.id]);
  expect((await browse(watcher, `?region=${region}&mode=duel`)).items.map((i) => i.id)).toEqual([lobby.id]);
  expect((await browse(watcher, `?region=${region}&q=friday%20NIGHT`)).items.map((i) => i.id)).toEqual([lobby.id]);
  const first = await browse(watcher, `?region=${region}&limit=1`);
  expect(first.items.map((i) => i.id)).toEqual([other.id]);
  const second = await browse(watcher, `?region=${region}&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
  expect(second.items.map((i) => i.id)).toEqual([lobby.id]);
  expect(second.nextCursor).toBeUndefined();
  expect((await request(t.url, "GET", "/lobbies?cursor=forged.cursor", { token: watcher.account.token })).status).toBe(400);
  expect((await request(t.url, "GET", "/lobbies")).status).toBe(401);
  await ok(joiner, M.GameLobbyLeave);

  // The watcher's page: the reply lists it now, then every change arrives as it happens.
  const watched = await ok<{ lobbies: GameLobbySummary[] }>(watcher, M.GameLobbyWatch, { lobbyIds: [lobby.id] });
  expect(watched.lobbies).toMatchObject([{ id: lobby.id, players: 1, maxPlayers: 4, host: { id: host.account.id } }]);
  const mark = watcher.log.mark;
  const joined = await ok<GameLobbyView>(joiner, M.GameLobbyJoin, { lobbyId: lobby.id });
  expect(seatsOf(joined)).toEqual([`${host.account.username}@0.0+`, `${joiner.account.username}@0.1`]);
  expect((await listing(watcher, (m) => m.lobby?.players === 2, mark)).lobby).toMatchObject({ id: lobby.id, players: 2 });
  await lobbyUpdate(host, (l) => l.members.length === 2);

  // Full lobbies drop out of hasRoom=true.
  const [c, d] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  await ok(c, M.GameLobbyJoin, { lobbyId: lobby.id });
  await ok(d, M.GameLobbyJoin, { lobbyId: lobby.id });
  expect((await browse(watcher, `?region=${region}&hasRoom=true`)).items).toEqual([]);
  expect(await refusedCode(watcher, M.GameLobbyJoin, { lobbyId: lobby.id })).toBe(ErrorCode.GameLobbyFull);
  expect(await refusedCode(c, M.GameLobbyJoin, { lobbyId: lobby.id })).toBe(ErrorCode.AlreadyInGameLobby);

  // Invalid input is refused with the schema's error, nothing created.
  expect(await refusedCode(watcher, M.GameLobbyCreate, { name: "x", mode: "duel", region })).toBe(ErrorCode.InvalidMessage);
  expect(await refusedCode(watcher, M.GameLobbyCreate, { name: "Okay name", mode: "duel", region, settings: { "Bad Key": 1 } })).toBe(ErrorCode.InvalidMessage);
  expect(await refusedCode(watcher, M.GameLobbyCreate, { name: "Okay name", mode: "nope", region })).toBe(ErrorCode.UnknownMode);

  // Everyone out: the host hands over to the longest-seated player; the last out closes it.
  const before = watcher.log.mark;
  const handOver = joiner.log.mark;
  await ok(host, M.GameLobbyLeave);
  expect((await lobbyUpdate(joiner, (l) => l.members.length === 3, handOver)).hostId).toBe(joiner.account.id);
  await Promise.all([joiner, c, d].map((x) => ok(x, M.GameLobbyLeave)));
  await listing(watcher, (m) => m.lobbyId === lobby.id && m.lobby === null, before);
  expect((await browse(watcher, `?region=${region}`)).items).toEqual([]);
  await leave(host, joiner, watcher, c, d);
});

test("slots, ready, the host's move, kick, settings and hand-over, and the start rules", async () => {
  const [host, a, b] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url), onlinePlayer(t.url)]);
  const lobby = await create(host, { teamSize: 2 });
  await ok(a, M.GameLobbyJoin, { lobbyId: lobby.id });
  // One team with players: no start.
  expect(await refusedCode(host, M.GameLobbyStart)).toBe(ErrorCode.GameLobbyNotReady);
  let view = await ok<GameLobbyView>(a, M.GameLobbySlot, { team: 1, slot: 0 });
  expect(seatsOf(view)).toEqual([`${host.account.username}@0.0+`, `${a.account.username}@1.0`]);
  expect(await refusedCode(a, M.GameLobbySlot, { team: 0, slot: 0 })).toBe(ErrorCode.GameLobbySlotTaken);
  expect(await refusedCode(a, M.GameLobbySlot, { team: 5, slot: 0 })).toBe(ErrorCode.GameLobbySlotTaken);
  expect(view.canStart).toBe(false);
  expect(await refusedCode(host, M.GameLobbyStart)).toBe(ErrorCode.GameLobbyNotReady);
  view = await ok<GameLobbyView>(a, M.GameLobbyReady, { ready: true });
  expect(view.canStart).toBe(true);

  // Only the host runs the lobby.
  expect(await refusedCode(a, M.GameLobbyKick, { accountId: host.account.id })).toBe(ErrorCode.NotGameLobbyHost);
  expect(await refusedCode(a, M.GameLobbyConfigure, { name: "Mine now" })).toBe(ErrorCode.NotGameLobbyHost);
  expect(await refusedCode(a, M.GameLobbyStart)).toBe(ErrorCode.NotGameLobbyHost);

  // A settings change asks everyone to confirm again.
  view = await ok<GameLobbyView>(host, M.GameLobbyConfigure, { name: "Renamed", settings: { map: "docks" } });
  expect(view).toMatchObject({ name: "Renamed", settings: { map: "docks" }, canStart: false });
  expect((await lobbyUpdate(a, (l) => l.name === "Renamed")).members.find((m) => m.id === a.account.id)?.ready).toBe(false);

  // Move swaps with whoever sits in the slot.
  await ok(b, M.GameLobbyJoin, { lobbyId: lobby.id });
  view = await ok<GameLobbyView>(host, M.GameLobbyMove, { accountId: b.account.id, team: 1, slot: 0 });
  expect(seatsOf(view).sort()).toEqual([`${host.account.username}@0.0+`, `${a.account.username}@0.1`, `${b.account.username}@1.0`].sort());

  // Kick: the kicked player hears why and is out; hand-over: the new host is ready by definition.
  const mark = b.log.mark;
  await ok(host, M.GameLobbyKick, { accountId: b.account.id });
  expect((await lobbyGone(b, lobby.id, mark)).reason).toBe("kicked");
  expect(await refusedCode(host, M.GameLobbyKick, { accountId: b.account.id })).toBe(ErrorCode.NotGameLobbyMember);
  view = await ok<GameLobbyView>(host, M.GameLobbyPromote, { accountId: a.account.id });
  expect(view.hostId).toBe(a.account.id);
  expect(view.members.find((m) => m.id === a.account.id)?.ready).toBe(true);
  expect(await refusedCode(host, M.GameLobbyStart)).toBe(ErrorCode.NotGameLobbyHost);
  await ok(host, M.GameLobbyLeave);
  await ok(a, M.GameLobbyLeave);
  await leave(host, a, b);
});

test("private lobbies are found only by code; passwords are checked and failed joins are rate-limited", async () => {
  const [host, friendly, guesser] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url), onlinePlayer(t.url)]);
  const region = freshRegion();
  const lobby = await create(host, { visibility: "private", password: "open-sesame", region });
  expect(lobby).toMatchObject({ visibility: "private", hasPassword: true });
  expect((await browse(friendly, `?region=${region}`)).items).toEqual([]);
  expect(await refusedCode(friendly, M.GameLobbyJoin, { lobbyId: lobby.id, password: "open-sesame" })).toBe(ErrorCode.GameLobbyNotFound);
  expect(await refusedCode(friendly, M.GameLobbyJoin, { code: lobby.code })).toBe(ErrorCode.GameLobbyPasswordWrong);
  // Codes are typed loosely: lower case, no dash.
  const joined = await ok<GameLobbyView>(friendly, M.GameLobbyJoin, { code: lobby.code.replace("-", "").toLowerCase(), password: "open-sesame" });
  expect(joined.members.map((m) => m.id)).toEqual([host.account.id, friendly.account.id]);

  // Guessing: FAILED_JOINS wrong answers (codes or passwords) are answered; past them, even the right one waits.
  for (let i = 0; i < FAILED_JOINS - 1; i++) expect(await refusedCode(guesser, M.GameLobbyJoin, { code: "ZZZZ-ZZZZ" })).toBe(ErrorCode.GameLobbyNotFound);
  expect(await refusedCode(guesser, M.GameLobbyJoin, { code: lobby.code, password: "wrong" })).toBe(ErrorCode.GameLobbyPasswordWrong);
  expect(await refusedCode(guesser, M.GameLobbyJoin, { code: lobby.code, password: "wrong again" })).toBe(ErrorCode.RateLimited);
  expect(await refusedCode(guesser, M.GameLobbyJoin, { code: lobby.code, password: "open-sesame" })).toBe(ErrorCode.RateLimited);

  // Removing the password and going public lists it.
  await ok(host, M.GameLobbyConfigure, { password: null, visibility: "public" });
  expect((await browse(guesser, `?region=${region}`)).items).toMatchObject([{ id: lobby.id, hasPassword: false, players: 2 }]);
  await ok(host, M.GameLobbyLeave);
  await ok(friendly, M.GameLobbyLeave);
  await leave(host, friendly, guesser);
});

test.each(["host", "joiner"] as const)("a block (by the %s) hides the lobby and refuses the join, by id and by code", async (blocker) => {
  const [host, joiner] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  const region = freshRegion();
  const lobby = await create(host, { region });
  if (blocker === "host") await host.account.client.http.block(host.account.client.accessToken, joiner.account.id);
  else await joiner.account.client.http.block(joiner.account.client.accessToken, host.account.id);
  expect((await browse(joiner, `?region=${region}`)).items).toEqual([]);
  expect(await refusedCode(joiner, M.GameLobbyJoin, { lobbyId: lobby.id })).toBe(ErrorCode.GameLobbyNotFound);
  expect(await refusedCode(joiner, M.GameLobbyJoin, { code: lobby.code })).toBe(ErrorCode.GameLobbyNotFound);
  const watched = await ok<{ lobbies: GameLobbySummary[] }>(joiner, M.GameLobbyWatch, { lobbyIds: [lobby.id] });
  expect(watched.lobbies).toEqual([]);
  await ok(host, M.GameLobbyLeave);
  await leave(host, joiner);
});

test("a lobby player cannot queue, a searching player cannot take a seat; leaving the server for good frees the seat", async () => {
  const [host, queued] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  const lobby = await create(host);
  expect(await refusedCode(host, M.QueueJoin, { mode: "duel", region: freshRegion() })).toBe(ErrorCode.AlreadyInGameLobby);
  await ok(queued, M.QueueJoin, { mode: "duel", region: freshRegion() });
  expect(await refusedCode(queued, M.GameLobbyJoin, { lobbyId: lobby.id })).toBe(ErrorCode.InMatch);
  expect(await refusedCode(queued, M.GameLobbyCreate, { name: "Not now", mode: "duel", region: freshRegion() })).toBe(ErrorCode.InMatch);
  await ok(queued, M.QueueLeave);

  // The lobby is in the join snapshot of a second connection; closing every connection leaves it.
  const second = await connect(host.account);
  expect((await second.log.waitFor<GameLobbySnapshotMessage>(LobbyServerMessage.GameLobbySnapshot)).lobby?.id).toBe(lobby.id);
  await leave(host, second);
  await until(async () => (await t.server.services.gameLobbies.browser.list(undefined, { limit: 50 })).items.every((i) => i.id !== lobby.id));
  await leave(queued);
});

test.each([
  ["duel", false],
  ["squad", true],
] as const)("start: every player gets a seat reservation; a %s result is recorded, rated: %s (GAME_LOBBY_RATED_MODES)", async (mode, rated) => {
  const [host, guest] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  const lobby = await create(host, { mode, teamSize: 1, settings: { map: "arena" } });
  await ok(guest, M.GameLobbyJoin, { lobbyId: lobby.id });
  await ok(guest, M.GameLobbyReady, { ready: true });
  const marks = [host.log.mark, guest.log.mark];
  const { matchId } = await ok<GameLobbyStartReply>(host, M.GameLobbyStart);
  expect((await lobbyGone(guest, lobby.id, marks[1])).reason).toBe("started");
  const [hs, gs] = await Promise.all([takeSeat(host, marks[0]), takeSeat(guest, marks[1])]);
  expect([hs.found.matchId, gs.found.matchId]).toEqual([matchId, matchId]);
  expect([hs.found.team, gs.found.team]).toEqual([0, 1]);
  expect(await refusedCode(host, M.GameLobbyLeave)).toBe(ErrorCode.NotInGameLobby);
  const result = await scorePoints(gs, 1);
  expect(result).toMatchObject({ matchId, winnerTeam: 1, reason: "target_reached" });
  const stored = await t.server.db.prisma.match.findUniqueOrThrow({ where: { id: matchId }, select: { status: true, rated: true, lobbyId: true } });
  expect(stored).toEqual({ status: "FINISHED", rated, lobbyId: lobby.id });
  const rating = await storedRating(t.server.db.prisma, guest.account.id, mode);
  if (rated) expect(rating?.games).toBe(1);
  else expect(rating).toBeNull();
  await leave(host, guest);
});

test("a lobby is at most one per player, and invalid joins leave nothing behind", async () => {
  const [p] = await newPlayers(t.url, 1);
  const conn = await connect(p!);
  await create(conn);
  expect(await refusedCode(conn, M.GameLobbyCreate, { name: "Second one", mode: "duel", region: freshRegion() })).toBe(ErrorCode.AlreadyInGameLobby);
  expect(await refusedCode(conn, M.GameLobbyJoin, { lobbyId: crypto.randomUUID(), code: "ABCD-EFGH" })).toBe(ErrorCode.InvalidMessage);
  await ok(conn, M.GameLobbyLeave);
  expect(await refusedCode(conn, M.GameLobbyLeave)).toBe(ErrorCode.NotInGameLobby);
  await leave(conn);
});

test("friends see the lobby in presence: joinable while public, passwordless and with room; private shows no name; leaving shows the lobby again", async () => {
  const [host, friend, other] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url), onlinePlayer(t.url)]);
  await befriend(friend.account, host.account);
  let mark = friend.log.mark;
  const lobby = await create(host, { name: "Open doors", teamSize: 1 });
  expect((await presenceUpdate(friend, host.account, (p) => p.activity?.kind === "gameLobby", mark)).activity).toEqual({
    kind: "gameLobby",
    lobbyId: lobby.id,
    name: "Open doors",
    mode: "duel",
    size: 1,
    maxSize: 2,
    joinable: true,
  });
  await ok(other, M.GameLobbyJoin, { lobbyId: lobby.id });
  expect((await presenceUpdate(friend, host.account, (p) => p.activity?.kind === "gameLobby" && p.activity.size === 2, mark)).activity).toMatchObject({ joinable: false });
  mark = friend.log.mark;
  await ok(other, M.GameLobbyReady, { ready: true });
  await ok(host, M.GameLobbyConfigure, { visibility: "private" });
  expect((await presenceUpdate(friend, host.account, (p) => p.activity?.kind === "gameLobby" && p.activity.name === undefined, mark)).activity).toEqual({
    kind: "gameLobby",
    mode: "duel",
    size: 2,
    maxSize: 2,
    joinable: false,
  });
  // A ready flag changes nothing friends see: the only update since is the one for going private.
  expect(updatesAbout(friend, host.account, mark)).toHaveLength(1);
  mark = friend.log.mark;
  await ok(host, M.GameLobbyLeave);
  expect((await presenceUpdate(friend, host.account, (p) => p.activity?.kind !== "gameLobby", mark)).activity).toEqual({ kind: "lobby" });
  await ok(other, M.GameLobbyLeave);
  await leave(host, friend, other);
});
