import type { Room } from "@colyseus/sdk";
import { ManualClock } from "../../../server/lib/clock";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { MatchClientMessage } from "../../../shared/schemas/match";
import { onlinePlayer, type Connection } from "../../helpers/factories";
import { scorePoints, seatedMatch, takeSeat, type Seat } from "../../helpers/factories-match";
import { backfillSeats, participantOf, storedRating } from "../../helpers/matches";
import { freshRegion, isState, matchCancelled, matchesFound, matchFound, ok, PARTY_TEST_ENV, queueUpdate, roomState, storedTicket, type MatchStateView } from "../../helpers/parties";
import { leave, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { until } from "../../helpers/until";

// Backfill over real SDK connections: a squad player who leaves a match being played is replaced
// from the queue, on their team, until the backfill point; blocks, no-shows, the match's end and
// modes without backfill.
const clock = new ManualClock(Date.now());
const JOIN_DEADLINE_SECONDS = 20;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    {
      ...PARTY_TEST_ENV,
      MATCH_TARGET_SCORE: "4",
      MATCH_SCORE_COOLDOWN_MS: "0",
      // Colyseus times the reconnect window in real time: one second keeps the drop test short.
      MATCH_RECONNECT_SECONDS: "1",
      MATCH_JOIN_DEADLINE_SECONDS: String(JOIN_DEADLINE_SECONDS),
      // squad backfills while the leading team has under 2 of 4 points; ffa never does.
      MATCH_BACKFILL: "squad:50",
    },
    { clock },
  );
});
afterAll(() => t.close());

const tick = () => t.server.services.matchmaking.tick();
const backfills = (matchId: string) => backfillSeats(t.server.db.prisma, matchId);
const participant = (matchId: string, accountId: string) => participantOf(t.server.db.prisma, matchId, accountId);

/** A 2v2 being played; `leaver` is a player of team 0, `mate` their teammate; `others` team 1. */
async function squadInPlay(): Promise<{ region: string; seats: Seat[]; leaver: Seat; mate: Seat; others: Seat[] }> {
  const region = freshRegion();
  const lobbies = await Promise.all(Array.from({ length: 4 }, () => onlinePlayer(t.url)));
  const seats = await seatedMatch(t, lobbies, { mode: "squad", region });
  const team0 = seats.filter((s) => s.found.team === 0);
  return { region, seats, leaver: team0[0]!, mate: team0[1]!, others: seats.filter((s) => s.found.team === 1) };
}

/** The leaver leaves for good (consented); resolves once the others see it. */
async function leaveForGood(leaver: Seat, watcher: Seat): Promise<void> {
  await leaver.room.leave();
  await roomState<MatchStateView>(watcher.room, (s) => s.players.get(leaver.account.id)?.left === true);
}

async function queueSquad(region: string): Promise<Connection> {
  const c = await onlinePlayer(t.url);
  await ok(c, M.QueueJoin, { mode: "squad", region });
  return c;
}

const closeAll = async (seats: Seat[], ...lobbies: Connection[]) => leave(...seats.map((s) => s.lobby), ...lobbies);

test("a player who leaves is replaced from the queue on their team; the result records who played which part", async () => {
  const { region, seats, leaver, mate, others } = await squadInPlay();
  const matchId = leaver.found.matchId;
  mate.room.send(MatchClientMessage.Score, {});
  await roomState<MatchStateView>(mate.room, (s) => s.teamScores[0] === 1);
  await leaveForGood(leaver, mate);
  expect(await backfills(matchId)).toEqual([{ status: "OPEN", team: 0, replaces: leaver.account.id, accountId: null }]);
  expect((await participant(matchId, leaver.account.id))!.leftAt).not.toBeNull();
  // The leaver is out of the match: free to queue again at once (here in another region).
  await ok(leaver.lobby, M.QueueJoin, { mode: "squad", region: freshRegion() });
  await ok(leaver.lobby, M.QueueLeave);

  const newcomer = await queueSquad(region);
  expect(await tick()).toEqual([]);
  const found = await matchFound(newcomer);
  expect(found).toMatchObject({ matchId, mode: "squad", region, team: 0, backfill: true });
  await queueUpdate(newcomer, isState("matched"));
  const seat = await takeSeat(newcomer);
  const seen = await roomState<MatchStateView>(mate.room, (s) => s.players.get(newcomer.account.id)?.connected === true);
  expect(seen.players.get(newcomer.account.id)).toMatchObject({ team: 0, backfill: true, left: false, score: 0 });
  expect([...seen.teamScores]).toEqual([1, 0]);
  await until(async () => (await backfills(matchId))[0]?.status === "JOINED");
  expect(await storedTicket(t.db.url, newcomer.account.id)).toBeNull();
  expect((await participant(matchId, newcomer.account.id))).toMatchObject({ team: 0, backfillFor: leaver.account.id });

  // The newcomer scores the team's last three points.
  const result = await scorePoints(seat, 3);
  expect(result).toMatchObject({ matchId, winnerTeam: 0, scores: [4, 0], reason: "target_reached" });
  const entry = (id: string) => result.ratings.find((r) => r.accountId === id)!;
  expect(entry(newcomer.account.id)).toMatchObject({ team: 0, backfillFor: leaver.account.id, left: false });
  expect(entry(newcomer.account.id).after).toBe(entry(newcomer.account.id).before);
  expect(entry(leaver.account.id)).toMatchObject({ team: 0, backfillFor: null, left: true });
  expect(entry(leaver.account.id).after).toBeLessThan(entry(leaver.account.id).before);
  expect(entry(mate.account.id).after).toBeGreaterThan(entry(mate.account.id).before);
  expect(await seat.closed).toBe(CloseCode.MatchFinished);
  expect(await participant(matchId, newcomer.account.id)).toMatchObject({ score: 3, backfillFor: leaver.account.id });
  expect(await storedRating(t.server.db.prisma, newcomer.account.id, "squad")).toBeNull();
  for (const o of others) expect(await o.result).toEqual(result);

  // Each step is counted on /metrics (this is the file's first backfill).
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  for (const outcome of ["offered", "filled", "joined"]) expect(metrics).toContain(`lobby_backfills_total{mode="squad",outcome="${outcome}"} 1`);
  expect(metrics).not.toContain('outcome="no_show"');

  // Back in the lobby, the newcomer can queue again.
  await ok(newcomer, M.QueueJoin, { mode: "squad", region: freshRegion() });
  await closeAll(seats, newcomer);
});

test("a player who drops and is not back within the reconnect window is replaced too", async () => {
  const { region, seats, leaver, mate } = await squadInPlay();
  leaver.room.reconnection.enabled = false;
  leaver.room.connection.close(CloseCode.MayTryReconnect);
  await roomState<MatchStateView>(mate.room, (s) => s.players.get(leaver.account.id)?.connected === false);
  await roomState<MatchStateView>(mate.room, (s) => s.players.get(leaver.account.id)?.left === true);
  const newcomer = await queueSquad(region);
  await tick();
  expect(await matchFound(newcomer)).toMatchObject({ matchId: leaver.found.matchId, team: 0, backfill: true });
  const seat = await takeSeat(newcomer);
  await roomState<MatchStateView>(mate.room, (s) => s.players.get(newcomer.account.id)?.connected === true);
  await seat.room.leave();
  await closeAll(seats, newcomer);
});

test("a queued player blocked by (or blocking) anyone in the match is never backfilled into it; the next one is", async () => {
  const { region, seats, leaver, mate, others } = await squadInPlay();
  await leaveForGood(leaver, mate);
  // Waiting longest, nearest in rating, but blocked by a player of the other team.
  const blocked = await queueSquad(region);
  await others[0]!.account.client.http.block(others[0]!.account.client.accessToken, blocked.account.id);
  // Waiting next, and blocking the mate.
  const blocker = await queueSquad(region);
  await blocker.account.client.http.block(blocker.account.client.accessToken, mate.account.id);
  const free = await queueSquad(region);

  await tick();
  expect((await matchFound(free)).matchId).toBe(leaver.found.matchId);
  await settle(blocked, blocker);
  expect(matchesFound(blocked)).toEqual([]);
  expect(matchesFound(blocker)).toEqual([]);
  expect(await storedTicket(t.db.url, blocked.account.id)).toMatchObject({ status: "WAITING" });
  expect(await storedTicket(t.db.url, blocker.account.id)).toMatchObject({ status: "WAITING" });
  await ok(blocked, M.QueueLeave);
  await ok(blocker, M.QueueLeave);
  await closeAll(seats, blocked, blocker, free);
});

test("past the backfill point a leaver's seat is not offered", async () => {
  const { region, seats, leaver, mate } = await squadInPlay();
  mate.room.send(MatchClientMessage.Score, {});
  mate.room.send(MatchClientMessage.Score, {});
  await roomState<MatchStateView>(mate.room, (s) => s.teamScores[0] === 2);
  await leaveForGood(leaver, mate);
  await until(async () => (await participant(leaver.found.matchId, leaver.account.id))?.leftAt != null);
  expect(await backfills(leaver.found.matchId)).toEqual([]);
  const waiting = await queueSquad(region);
  await tick();
  await settle(waiting);
  expect(matchesFound(waiting)).toEqual([]);
  await ok(waiting, M.QueueLeave);
  await closeAll(seats, waiting);
});

test("a picked player who does not join in time loses their place, and the seat goes to the next one", async () => {
  const { region, seats, leaver, mate } = await squadInPlay();
  const matchId = leaver.found.matchId;
  await leaveForGood(leaver, mate);
  const noShow = await queueSquad(region);
  await tick();
  await matchFound(noShow);
  const from = noShow.log.mark;
  clock.advance(JOIN_DEADLINE_SECONDS * 1000);
  expect(await matchCancelled(noShow, from)).toEqual({ matchId, requeued: false });
  await queueUpdate(noShow, (u) => u.state === "idle" && u.reason === "match_cancelled", from);
  expect(await storedTicket(t.db.url, noShow.account.id)).toBeNull();
  expect(await participant(matchId, noShow.account.id)).toBeNull();
  expect(await backfills(matchId)).toMatchObject([{ status: "OPEN", accountId: null }]);

  const next = await queueSquad(region);
  await tick();
  const seat = await takeSeat(next);
  await roomState<MatchStateView>(mate.room, (s) => s.players.get(next.account.id)?.backfill === true);
  // The no-show's reservation no longer admits them.
  await expect(noShow.account.client.colyseus.consumeSeatReservation((await matchFound(noShow)).reservation as never)).rejects.toThrow();
  await seat.room.leave();
  await closeAll(seats, noShow, next);
});

test("when the match ends with a seat held, the player picked goes back to the queue", async () => {
  const { region, seats, leaver, mate, others } = await squadInPlay();
  const matchId = leaver.found.matchId;
  await leaveForGood(leaver, mate);
  const picked = await queueSquad(region);
  const since = (await storedTicket(t.db.url, picked.account.id))!.enqueuedAt;
  await tick();
  await matchFound(picked);
  const from = picked.log.mark;
  // Team 1 leaves: team 0 wins by forfeit before the picked player joins.
  for (const o of others) await o.room.leave();
  expect(await mate.result).toMatchObject({ winnerTeam: 0, reason: "forfeit" });
  expect((await mate.result).ratings.map((r) => r.accountId)).not.toContain(picked.account.id);
  expect(await matchCancelled(picked, from)).toEqual({ matchId, requeued: true });
  expect(await queueUpdate(picked, isState("searching"), from)).toMatchObject({ mode: "squad", region, since: since.toISOString() });
  expect(await storedTicket(t.db.url, picked.account.id)).toMatchObject({ status: "WAITING" });
  expect(await participant(matchId, picked.account.id)).toBeNull();
  // The first of team 1 to leave opened a seat too: both close with the match.
  expect((await backfills(matchId)).map((b) => [b.team, b.status])).toEqual([
    [0, "CANCELLED"],
    [1, "CANCELLED"],
  ]);
  await ok(picked, M.QueueLeave);
  await closeAll(seats, picked);
});

test("a mode not in MATCH_BACKFILL never offers a seat; the leaver is still on the record", async () => {
  const region = freshRegion();
  const lobbies = await Promise.all(Array.from({ length: 4 }, () => onlinePlayer(t.url)));
  const seats = await seatedMatch(t, lobbies, { mode: "ffa", region });
  const [gone, watcher] = [seats[0]!, seats[1]!];
  await gone.room.leave();
  await roomState<MatchStateView>(watcher.room, (s) => s.players.get(gone.account.id)?.left === true);
  await until(async () => (await participant(gone.found.matchId, gone.account.id))?.leftAt != null);
  expect(await backfills(gone.found.matchId)).toEqual([]);
  const waiting = await onlinePlayer(t.url);
  await ok(waiting, M.QueueJoin, { mode: "ffa", region });
  await tick();
  await settle(waiting);
  expect(matchesFound(waiting)).toEqual([]);
  await ok(waiting, M.QueueLeave);
  for (const s of seats.slice(1)) await (s.room as Room).leave();
  await closeAll(seats, waiting);
});
