import { matchMaker } from "@colyseus/core";
import { ManualClock } from "../../../server/lib/clock";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../../../shared/schemas/match";
import type { ChildServer } from "../../helpers/child-server";
import type { TestDatabase } from "../../helpers/database";
import { freshRegion, matchesFound, matchesOf, matchFound, ok, PARTY_TEST_ENV, closeCode, roomState, type MatchStateView } from "../../helpers/parties";
import { createLobbyOn } from "../../helpers/placement";
import { connect, leave, newAccount, settle, type Account } from "../../helpers/presence";
import type { TestServer } from "../../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// Two server processes share PostgreSQL and Redis: one player queues on each, this process runs
// the tick, and both reach the one match room (wherever the driver created it) with their seats.
let db: TestDatabase;
let t: TestServer;
let child: ChildServer;
let childProcessId: string;
let clock: ManualClock;
let procs: TwoProcesses;
beforeAll(async () => {
  clock = new ManualClock(Date.now());
  procs = await startTwoProcesses({
    ...PARTY_TEST_ENV,
    LOBBY_RECONNECT_SECONDS: "0",
    MATCH_TARGET_SCORE: "1",
    MATCH_SCORE_COOLDOWN_MS: "0",
    // The match room may run on the child, on the real clock, while the deadline comes from ours.
    MATCH_JOIN_DEADLINE_SECONDS: "300",
  }, { clock });
  ({ db, t, child, childProcessId } = procs);
  clock.set(Date.now());
}, 60_000);
afterAll(() => procs?.close());

const connectOn = async (side: "p1" | "p2", account: Account) => {
  const conn = await connect(account, { roomId: await createLobbyOn(side === "p1" ? undefined : childProcessId) });
  expect(Boolean(matchMaker.getLocalRoomById(conn.room.roomId))).toBe(side === "p1");
  return conn;
};

test("one player queued on each process: matched together, both join the one match room and finish it", async () => {
  const a = await newAccount(t.url);
  const b = await newAccount(child.url);
  const ca = await connectOn("p1", a);
  const cb = await connectOn("p2", b);
  const region = freshRegion();
  await ok(ca, M.QueueJoin, { mode: "duel", region });
  await ok(cb, M.QueueJoin, { mode: "duel", region });

  const formed = await t.server.services.matchmaking.tick();
  expect(formed).toHaveLength(1);
  const [fa, fb] = await Promise.all([matchFound(ca), matchFound(cb)]);
  expect(fa.matchId).toBe(fb.matchId);
  expect(fa.reservation.roomId).toBe(fb.reservation.roomId);

  const ra = await a.client.colyseus.consumeSeatReservation(fa.reservation as never);
  const rb = await b.client.colyseus.consumeSeatReservation(fb.reservation as never);
  const results = [ra, rb].map((r) => new Promise<MatchResultMessage>((resolve) => r.onMessage(MatchServerMessage.Result, resolve)));
  const closed = [ra, rb].map(closeCode);
  await Promise.all([ra, rb].map((r) => roomState<MatchStateView>(r, (s) => s.phase === "playing")));
  rb.send(MatchClientMessage.Score, {});
  const [resA, resB] = await Promise.all(results);
  expect(resA).toEqual(resB);
  expect(resA!.winnerTeam).toBe(fb.team);
  expect(await Promise.all(closed)).toEqual([CloseCode.MatchFinished, CloseCode.MatchFinished]);
  expect(await matchesOf(db.url, a.id)).toEqual([{ id: fa.matchId, status: "FINISHED" }]);
  await leave(ca, cb);
});

test("ticks at once over tickets from both processes place each player in one match only", async () => {
  const players = [await newAccount(t.url), await newAccount(child.url), await newAccount(t.url), await newAccount(child.url)];
  const conns = [await connectOn("p1", players[0]!), await connectOn("p2", players[1]!), await connectOn("p1", players[2]!), await connectOn("p2", players[3]!)];
  const region = freshRegion();
  for (const c of conns) await ok(c, M.QueueJoin, { mode: "duel", region });

  const mm = t.server.services.matchmaking;
  const formed = (await Promise.all([mm.tick(), mm.tick()])).flat();
  expect(formed.flatMap((m) => m.teams.flat().map((p) => p.accountId)).sort()).toEqual(players.map((p) => p.id).sort());
  await Promise.all(conns.map((c) => matchFound(c)));
  await settle(...conns);
  for (const [i, c] of conns.entries()) {
    expect(matchesFound(c)).toHaveLength(1);
    expect(await matchesOf(db.url, players[i]!.id)).toHaveLength(1);
  }
  await leave(...conns);
});
