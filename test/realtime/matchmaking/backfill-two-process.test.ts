import { matchMaker } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { scorePoints, seatedMatch, takeSeat, type Seat } from "../../helpers/factories-match";
import { backfillSeats, participantOf, storedRating } from "../../helpers/matches";
import { freshRegion, isState, matchesFound, matchFound, ok, PARTY_TEST_ENV, queueUpdate, roomState, storedTicket, type MatchStateView } from "../../helpers/parties";
import { createLobbyOn } from "../../helpers/placement";
import { connect, leave, newAccount, settle, type Connection } from "../../helpers/presence";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";
import { until } from "../../helpers/until";

// Backfill across two server processes: the match room runs on the child, the queue owner (this
// process) fills the leaver's seat on its tick, asking the room to hold it over Colyseus' room IPC
// (Redis), and the newcomer, whose lobby connection is on this process, joins the room there.
// Both processes run on the real clock. The child's own matcher loop first ticks MATCH_TICK_MS
// (an hour) after it starts (background-tasks.ts `chained`), so only this file's tick() runs.
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({
    ...PARTY_TEST_ENV,
    LOBBY_RECONNECT_SECONDS: "0",
    MATCH_TARGET_SCORE: "2",
    MATCH_SCORE_COOLDOWN_MS: "0",
    MATCH_JOIN_DEADLINE_SECONDS: "300",
    // squad backfills while the leading team has under 1 of 2 points.
    MATCH_BACKFILL: "squad:50",
  });
}, 60_000);
afterAll(() => procs?.close());

const tick = () => procs.t.server.services.matchmaking.tick();
const prisma = () => procs.t.server.db.prisma;
const backfills = (matchId: string) => backfillSeats(prisma(), matchId);
const participant = (matchId: string, accountId: string) => participantOf(prisma(), matchId, accountId);

/** A new player whose lobby connection is on this (the Jest) process: a lobby instance of its own here. */
async function playerHere(): Promise<Connection> {
  const conn = await connect(await newAccount(procs.t.url), { roomId: await createLobbyOn() });
  expect(matchMaker.getLocalRoomById(conn.room.roomId)?.roomId).toBe(conn.room.roomId);
  return conn;
}

/**
 * matchMaker.createRoom puts a room on the process with the fewest rooms (Colyseus' default
 * selector: this process' count live, the child's as it last persisted it). Every lobby connection
 * of this file is on this process, in an instance of its own, and the child only ever holds match
 * rooms (and their spectate rooms), so once the child's count is below the `held` lobby instances
 * kept open here, the next match room is created on the child.
 */
async function childHasFewerRoomsThan(held: number): Promise<void> {
  const childCount = async () => (await matchMaker.stats.fetchAll()).find((s) => s.processId === procs.childProcessId)?.roomCount;
  expect(matchMaker.stats.local.roomCount).toBeGreaterThanOrEqual(held);
  try {
    await until(async () => ((await childCount()) ?? Infinity) < held, { timeoutMs: 10_000 });
  } catch {
    throw new Error(`the child kept ${await childCount()} rooms, not fewer than the ${held} lobbies here: the match room would not go there`);
  }
}

const hostOf = async (roomId: string) => (await matchMaker.getRoomById(roomId))?.processId;

/** A 2v2 being played in a match room on the child; `leaver` and `mate` are team 0, `others` team 1. */
async function squadOnChild(): Promise<{ region: string; seats: Seat[]; leaver: Seat; mate: Seat; others: Seat[]; roomId: string }> {
  const region = freshRegion();
  const lobbies = await Promise.all(Array.from({ length: 4 }, () => playerHere()));
  await childHasFewerRoomsThan(lobbies.length);
  const seats = await seatedMatch(procs.t, lobbies, { mode: "squad", region });
  const roomId = seats[0]!.found.reservation.roomId;
  // Listed as the child's, and not a room of this process.
  expect(await hostOf(roomId)).toBe(procs.childProcessId);
  expect(matchMaker.getLocalRoomById(roomId)?.roomId).toBeUndefined();
  const team0 = seats.filter((s) => s.found.team === 0);
  return { region, seats, leaver: team0[0]!, mate: team0[1]!, others: seats.filter((s) => s.found.team === 1), roomId };
}

/** The leaver leaves for good (consented); resolves once the match room has offered the seat. */
async function leaveForGood(leaver: Seat, watcher: Seat): Promise<void> {
  await leaver.room.leave();
  await roomState<MatchStateView>(watcher.room, (s) => s.players.get(leaver.account.id)?.left === true);
  await until(async () => (await backfills(leaver.found.matchId)).some((b) => b.replaces === leaver.account.id && b.status === "OPEN"));
}

async function queueSquad(region: string): Promise<Connection> {
  const c = await playerHere();
  await ok(c, M.QueueJoin, { mode: "squad", region });
  return c;
}

test("a leaver's seat in a match on the child is filled by this process' tick; the newcomer joins there and the result records the part they played", async () => {
  const { region, seats, leaver, mate, others, roomId } = await squadOnChild();
  const matchId = leaver.found.matchId;
  await leaveForGood(leaver, mate);
  expect(await backfills(matchId)).toEqual([{ status: "OPEN", team: 0, replaces: leaver.account.id, accountId: null }]);

  const newcomer = await queueSquad(region);
  // Nothing fills the seat on its own (the child's matcher loop is an hour away).
  await settle(newcomer);
  expect(matchesFound(newcomer)).toEqual([]);
  expect(await storedTicket(procs.db.url, newcomer.account.id)).toMatchObject({ status: "WAITING" });

  // The fill (claim, hold through the child's room, reservation) is done when the tick resolves.
  expect(await tick()).toEqual([]);
  expect(await backfills(matchId)).toEqual([{ status: "FILLED", team: 0, replaces: leaver.account.id, accountId: newcomer.account.id }]);
  const found = await matchFound(newcomer);
  expect(found).toMatchObject({ matchId, mode: "squad", region, team: 0, backfill: true });
  expect(found.reservation.roomId).toBe(roomId);
  await queueUpdate(newcomer, isState("matched"));

  const seat = await takeSeat(newcomer);
  for (const watcher of [mate, ...others]) {
    const seen = await roomState<MatchStateView>(watcher.room, (s) => s.players.get(newcomer.account.id)?.connected === true);
    expect(seen.players.get(newcomer.account.id)).toMatchObject({ team: 0, backfill: true, left: false, score: 0 });
    expect(seen.phase).toBe("playing");
  }
  await until(async () => (await backfills(matchId))[0]?.status === "JOINED");
  expect(await storedTicket(procs.db.url, newcomer.account.id)).toBeNull();
  expect(await participant(matchId, newcomer.account.id)).toMatchObject({ team: 0, backfillFor: leaver.account.id });

  const result = await scorePoints(seat, 2);
  expect(result).toMatchObject({ matchId, winnerTeam: 0, scores: [2, 0], reason: "target_reached" });
  const entry = (id: string) => result.ratings.find((r) => r.accountId === id);
  expect(entry(newcomer.account.id)).toMatchObject({ team: 0, backfillFor: leaver.account.id, left: false });
  expect(entry(newcomer.account.id)!.after).toBe(entry(newcomer.account.id)!.before);
  expect(entry(leaver.account.id)).toMatchObject({ team: 0, backfillFor: null, left: true });
  expect(entry(mate.account.id)!.after).toBeGreaterThan(entry(mate.account.id)!.before);
  expect(await seat.closed).toBe(CloseCode.MatchFinished);
  for (const o of others) expect(await o.result).toEqual(result);
  expect(await storedRating(prisma(), newcomer.account.id, "squad")).toBeNull();
  await leave(...seats.map((s) => s.lobby), newcomer);
});

test("across processes too, a queued player blocked by one in the match is passed over for the next one", async () => {
  const { region, seats, leaver, mate, others } = await squadOnChild();
  const matchId = leaver.found.matchId;
  await leaveForGood(leaver, mate);
  // Waiting longest, but blocked by a player of the other team.
  const blocked = await queueSquad(region);
  await others[0]!.account.client.http.block(others[0]!.account.client.accessToken, blocked.account.id);
  const free = await queueSquad(region);

  await tick();
  // The tick resolves once the offer is sent: by the settle marker, it has arrived.
  await settle(blocked, free);
  expect(matchesFound(blocked)).toEqual([]);
  expect(matchesFound(free)).toMatchObject([{ matchId, team: 0, backfill: true }]);
  expect(await storedTicket(procs.db.url, blocked.account.id)).toMatchObject({ status: "WAITING" });
  const seat = await takeSeat(free);
  await roomState<MatchStateView>(mate.room, (s) => s.players.get(free.account.id)?.backfill === true && s.players.get(free.account.id)?.connected === true);
  await ok(blocked, M.QueueLeave);
  await seat.room.leave();
  await leave(...seats.map((s) => s.lobby), blocked, free);
});
