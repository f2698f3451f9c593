import { ManualClock } from "../../../server/lib/clock";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../../../shared/schemas/match";
import { seatedMatch } from "../../helpers/factories-match";
import { befriendAll, closeCode, freshRegion, matchesOf, ok, PARTY_TEST_ENV, roomState, type MatchStateView } from "../../helpers/parties";
import { connect, leave, newAccount, presenceUpdate } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// The match room: a dropped player keeps the seat within MATCH_RECONNECT_SECONDS, a team that
// leaves for good forfeits, and friends see the player's activity go queue -> match -> lobby.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    { ...PARTY_TEST_ENV, MATCH_TARGET_SCORE: "2", MATCH_SCORE_COOLDOWN_MS: "0", MATCH_RECONNECT_SECONDS: "30" },
    { clock },
  );
});
afterAll(() => t.close());

test("a player who drops keeps the seat within the window and plays on; friends follow queue -> match -> lobby", async () => {
  const [a, b, friend] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await befriendAll(a, friend);
  const [ca, cb, cf] = await Promise.all([connect(a), connect(b), connect(friend)]);
  const from = cf.log.mark;

  const [sa, sb] = await seatedMatch(t, [ca, cb]);
  const inQueue = await presenceUpdate(cf, a, (p) => p.activity?.kind === "queue", from);
  expect(inQueue.activity).toEqual({ kind: "queue", mode: "duel" });
  const inMatch = await presenceUpdate(cf, a, (p) => p.activity?.kind === "match", from);
  expect(inMatch.activity).toEqual({ kind: "match", mode: "duel", matchId: sa.found.matchId, joinable: true });

  // a's match connection drops (network loss); the seat is held and the reconnect gets it back.
  const token = sa.room.reconnectionToken;
  sa.room.reconnection.enabled = false;
  sa.room.connection.close(CloseCode.MayTryReconnect);
  await roomState<MatchStateView>(sb.room, (s) => s.players.get(a.id)?.connected === false);
  const back = await a.client.colyseus.reconnect(token);
  expect(back.sessionId).toBe(sa.room.sessionId);
  await roomState<MatchStateView>(sb.room, (s) => s.players.get(a.id)?.connected === true);
  const result = new Promise<MatchResultMessage>((resolve) => back.onMessage(MatchServerMessage.Result, resolve));
  const closed = closeCode(back);

  back.send(MatchClientMessage.Score, {});
  back.send(MatchClientMessage.Score, {});
  const r = await result;
  expect(r).toMatchObject({ matchId: sa.found.matchId, winnerTeam: sa.found.team, reason: "target_reached" });
  expect(await sb.result).toEqual(r);
  expect(await closed).toBe(CloseCode.MatchFinished);
  expect(await sb.closed).toBe(CloseCode.MatchFinished);
  expect(await presenceUpdate(cf, a, (p) => p.activity?.kind === "lobby", from)).toMatchObject({ status: "online" });
  expect(await matchesOf(t.db.url, a.id)).toEqual([{ id: sa.found.matchId, status: "FINISHED" }]);

  // Back in the lobby, the player can queue again.
  await ok(ca, M.QueueJoin, { mode: "duel", region: freshRegion() });
  await leave(ca, cb, cf);
});

test("a team that leaves for good forfeits: the other team wins, both connections close 4202", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  const [sa, sb] = await seatedMatch(t, [ca, cb]);
  sa.room.send(MatchClientMessage.Score, {});
  await roomState<MatchStateView>(sb.room, (s) => s.players.get(a.id)?.score === 1);

  await sb.room.leave();
  const r = await sa.result;
  expect(r).toMatchObject({ winnerTeam: sa.found.team, reason: "forfeit" });
  expect(r.ratings.find((x) => x.accountId === a.id)!.after).toBeGreaterThan(r.ratings.find((x) => x.accountId === a.id)!.before);
  expect(await sa.closed).toBe(CloseCode.MatchFinished);
  expect(await matchesOf(t.db.url, b.id)).toEqual([{ id: sa.found.matchId, status: "FINISHED" }]);
  await leave(ca, cb);
});
