import type { Room } from "@colyseus/sdk";
import { ManualClock } from "../../../server/lib/clock";
import { CloseCode, ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { MatchClientMessage } from "../../../shared/schemas/match";
import type { MatchSpectateReply } from "../../../shared/schemas/matchmaking";
import type { WsErrorMessage } from "../../../shared/schemas/lobby";
import { befriend, connect, onlinePlayer, type Connection, type Player } from "../../helpers/factories";
import { scorePoints, seatedMatch, type Seat } from "../../helpers/factories-match";
import { closeCode, ok, PARTY_TEST_ENV, refusal, refusedCode, roomState } from "../../helpers/parties";
import { leave, presenceUpdate } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { until } from "../../helpers/until";

// Spectating: a friend watches a match being played in a room of its own (read-only, never a
// player), MATCH_SPECTATOR_DELAY_SECONDS behind, up to MATCH_SPECTATORS_MAX; closed once the end
// has been shown. Blocks and a join policy of nobody close the door with one answer.
const DELAY_SECONDS = 30;
const MAX = 2;
const TARGET = 3;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    {
      ...PARTY_TEST_ENV,
      MATCH_TARGET_SCORE: String(TARGET),
      MATCH_SCORE_COOLDOWN_MS: "0",
      MATCH_SPECTATOR_DELAY_SECONDS: String(DELAY_SECONDS),
      MATCH_SPECTATORS_MAX: String(MAX),
    },
    { clock },
  );
});
afterAll(() => t.close());

interface Watched {
  phase: string;
  teamScores: number[];
  players: Map<string, { score: number }>;
}
const duel = async (): Promise<[Seat, Seat]> => seatedMatch(t, [await onlinePlayer(t.url), await onlinePlayer(t.url)]);
/** A friend of `player`, online. */
async function friendOf(player: Player): Promise<Connection> {
  const c = await onlinePlayer(t.url);
  await befriend(c.account, player);
  return c;
}
const watch = async (c: Connection, playerId: string): Promise<{ reply: MatchSpectateReply; room: Room }> => {
  const reply = await ok<MatchSpectateReply>(c, M.MatchSpectate, { accountId: playerId });
  return { reply, room: await c.account.client.watchMatch(reply) };
};

test("a friend watches the match behind its delay, sends nothing to it, is no player, and is closed at the end", async () => {
  const [a, b] = await duel();
  const fan = await friendOf(a.account);
  // a's presence says the match can be watched (policy friends, a's join policy ask).
  const seen = await presenceUpdate(fan, a.account, (p) => p.activity?.kind === "match");
  expect(seen.activity).toEqual({ kind: "match", mode: "duel", matchId: a.found.matchId, joinable: true });

  const { reply, room } = await watch(fan, a.account.id);
  expect(reply).toMatchObject({ matchId: a.found.matchId, mode: "duel", delaySeconds: DELAY_SECONDS });
  const state = await roomState<Watched>(room, (s) => s.phase === "playing");
  expect([...state.players.keys()].sort()).toEqual([a.account.id, b.account.id].sort());
  const closed = closeCode(room);
  // Nobody gets in around the seats: the room, found by its id, refuses a join without a reservation.
  await expect(fan.account.client.colyseus.joinById(`spectate-${a.found.matchId}`, {})).rejects.toMatchObject({ code: 525 });

  // Input from the spectator reaches nothing: refused here, and the match room never sees it.
  const errors: WsErrorMessage[] = [];
  room.onMessage(LobbyServerMessage.Error, (e: WsErrorMessage) => errors.push(e));
  room.send(MatchClientMessage.Score, {});
  await until(() => errors.length === 1);
  expect(errors[0]!.code).toBe(ErrorCode.UnknownMessage);
  expect([...(a.room.state as Watched).teamScores]).toEqual([0, 0]);

  // a scores a point: the players see it at once, the spectator only once the delay has passed.
  a.room.send(MatchClientMessage.Score, {});
  await roomState<Watched>(a.room, (s) => s.teamScores[a.found.team] === 1);
  await new Promise((r) => setTimeout(r, 400));
  expect((room.state as Watched).teamScores[a.found.team]).toBe(0);
  clock.advance(DELAY_SECONDS * 1000);
  await roomState<Watched>(room, (s) => s.teamScores[a.found.team] === 1);

  // The end: the players are done at once; the spectator sees "finished" after the delay, then is closed.
  await scorePoints(a, TARGET - 1, { clock });
  expect(await a.closed).toBe(CloseCode.MatchFinished);
  clock.advance(DELAY_SECONDS * 1000);
  await roomState<Watched>(room, (s) => s.phase === "finished");
  expect(await closed).toBe(CloseCode.MatchFinished);
  await leave(fan, a.lobby, b.lobby);
});

test("who may not watch: strangers (policy friends), players of the match, a player's 'nobody', a block either way, no match", async () => {
  const [a, b] = await duel();
  const stranger = await onlinePlayer(t.url);
  expect(await refusedCode(stranger, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.SpectateNotAllowed);
  expect(await refusedCode(b.lobby, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.SpectateNotAllowed);
  expect(await refusedCode(a.lobby, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.CannotTargetSelf);

  // A friend of a whom b blocked: refused with the same message as a stranger.
  const blockedByB = await friendOf(a.account);
  await b.account.client.http.block(b.account.client.accessToken, blockedByB.account.id);
  const blocked = await refusal(blockedByB, M.MatchSpectate, { accountId: a.account.id });
  expect(blocked).toMatchObject({ code: ErrorCode.SpectateNotAllowed, message: (await refusal(stranger, M.MatchSpectate, { accountId: a.account.id })).message });

  // a says nobody: their friends cannot watch through them.
  const fan = await friendOf(a.account);
  await a.account.client.http.updateSettings(a.account.client.accessToken, { joinPolicy: "nobody" });
  expect(await refusedCode(fan, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.SpectateNotAllowed);
  // A friend in the lobby, not in a match.
  expect(await refusedCode(a.lobby, M.MatchSpectate, { accountId: fan.account.id })).toBe(ErrorCode.SpectateNotAllowed);
  await scorePoints(a, TARGET, { clock });
  await leave(stranger, blockedByB, fan, a.lobby, b.lobby);
});

test("MATCH_SPECTATORS_MAX seats per match; once the match is over nobody new gets one", async () => {
  const [a, b] = await duel();
  const fans = await Promise.all([0, 1, 2].map(() => friendOf(a.account)));
  const rooms = [await watch(fans[0]!, a.account.id), await watch(fans[1]!, a.account.id)].map((w) => w.room);
  expect(await refusedCode(fans[2]!, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.SpectatorsFull);
  // Never counted as players: the match room holds its two.
  expect(a.room.connection.isOpen && [...(a.room.state as Watched).players.keys()].length).toBe(2);
  await scorePoints(a, TARGET, { clock });
  expect(await refusedCode(fans[2]!, M.MatchSpectate, { accountId: a.account.id })).toBe(ErrorCode.SpectateNotAllowed);
  clock.advance(DELAY_SECONDS * 1000);
  expect(await Promise.all(rooms.map(closeCode))).toEqual([CloseCode.MatchFinished, CloseCode.MatchFinished]);
  await leave(...fans, a.lobby, b.lobby);
});

test("direct joins of the spectate room are refused", async () => {
  const c = await connect((await onlinePlayer(t.url)).account);
  await expect(c.account.client.colyseus.joinOrCreate("spectate", {})).rejects.toMatchObject({ code: 403 });
  await leave(c);
});
