import type { GameLobbyListingMessage, GameLobbyStartReply, GameLobbyUpdateMessage, GameLobbyView } from "../../../shared/schemas/game-lobby";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { newPlayer } from "../../helpers/factories";
import { scorePoints, takeSeat } from "../../helpers/factories-match";
import { request } from "../../helpers/http";
import { freshRegion, ok, PARTY_TEST_ENV } from "../../helpers/parties";
import { leave } from "../../helpers/presence";
import { twoProcessSides } from "../../helpers/two-process-sides";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// A custom game lobby across two processes (Redis presence and driver, one PostgreSQL): the host
// on one, a joiner and a browser on the other; every change, the live listing and the start's
// seat reservations cross between them.
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...PARTY_TEST_ENV, LOBBY_RECONNECT_SECONDS: "0", MATCH_TARGET_SCORE: "1", MATCH_SCORE_COOLDOWN_MS: "0", MATCH_JOIN_DEADLINE_SECONDS: "300" });
}, 60_000);
afterAll(() => procs?.close());
const { url, connectOn } = twoProcessSides(() => procs);

test("host on p1, joiner and browser on p2: listed, joined live, started into a match both play", async () => {
  const host = await connectOn("p1", await newPlayer(url("p1")));
  const joiner = await connectOn("p2", await newPlayer(url("p2")));
  const browser = await connectOn("p2", await newPlayer(url("p2")));
  const region = freshRegion();
  const lobby = await ok<GameLobbyView>(host, M.GameLobbyCreate, { name: "Cross-process cup", mode: "duel", region });

  // p2's HTTP lists what p1 created (through the SDK's browser call); p2's browser watches it.
  const listed = await browser.account.client.api.gameLobbies({ region, hasRoom: true });
  expect(listed.items.map((i) => i.id)).toEqual([lobby.id]);
  expect((await request(url("p2"), "GET", `/lobbies?region=${region}&hasRoom=maybe`, { token: browser.account.token })).status).toBe(400);
  await ok(browser, M.GameLobbyWatch, { lobbyIds: [lobby.id] });
  const mark = browser.log.mark;
  const hostMark = host.log.mark;
  await ok(joiner, M.GameLobbyJoin, { lobbyId: lobby.id });
  await browser.log.waitFor<GameLobbyListingMessage>(LobbyServerMessage.GameLobbyListing, (m) => m.lobby?.players === 2, mark);
  await host.log.waitFor<GameLobbyUpdateMessage>(LobbyServerMessage.GameLobbyUpdate, (u) => u.lobby?.members.length === 2, hostMark);

  await ok(joiner, M.GameLobbyReady, { ready: true });
  const marks = [host.log.mark, joiner.log.mark, browser.log.mark];
  const { matchId } = await ok<GameLobbyStartReply>(host, M.GameLobbyStart);
  await browser.log.waitFor<GameLobbyListingMessage>(LobbyServerMessage.GameLobbyListing, (m) => m.lobby === null, marks[2]);
  const [hs, js] = await Promise.all([takeSeat(host, marks[0]), takeSeat(joiner, marks[1])]);
  expect([hs.found.matchId, js.found.matchId]).toEqual([matchId, matchId]);
  expect((await scorePoints(hs, 1)).winnerTeam).toBe(0);
  await leave(host, joiner, browser);
});
