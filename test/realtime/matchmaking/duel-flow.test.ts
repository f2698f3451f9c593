import { ManualClock } from "../../../server/lib/clock";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../../../shared/schemas/match";
import type { MatchFoundMessage, QueueUpdateMessage } from "../../../shared/schemas/matchmaking";
import { connect, leave, newAccount } from "../../helpers/presence";
import { REALTIME_TEST_ENV } from "../../helpers/realtime";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// From login to a match result: two solo players queue for a duel, are matched, join the match
// room with their seat reservations, play it to the target score and see their ratings change.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, MATCH_TICK_MS: "600000", MATCH_TARGET_SCORE: "3", MATCH_SCORE_COOLDOWN_MS: "0" }, { clock });
});
afterAll(() => t.close());

const metricsText = async (): Promise<string> => (await fetch(`${t.url}/metrics`)).text();

test("two solo players are matched into a duel, play it, and their ratings move", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  const qa = (await ca.room.request(LobbyClientMessage.QueueJoin, { mode: "duel", region: "eu" })) as QueueUpdateMessage;
  expect(qa).toMatchObject({ state: "searching", mode: "duel", region: "eu" });
  await cb.room.request(LobbyClientMessage.QueueJoin, { mode: "duel", region: "eu" });

  // Queue statistics on /metrics: read from the store at scrape time.
  expect(await metricsText()).toContain('lobby_queue_waiting_players{mode="duel",region="eu"} 2');

  const formed = await t.server.services.matchmaking.tick();
  expect(formed).toHaveLength(1);
  const metrics = await metricsText();
  expect(metrics).toContain('lobby_matches_formed_total{mode="duel"} 1');
  expect(metrics).not.toContain('lobby_queue_waiting_players{mode="duel",region="eu"}');
  const [fa, fb] = await Promise.all([
    ca.log.waitFor<MatchFoundMessage>(LobbyServerMessage.MatchFound),
    cb.log.waitFor<MatchFoundMessage>(LobbyServerMessage.MatchFound),
  ]);
  expect(fa.matchId).toBe(fb.matchId);
  expect(new Set([fa.team, fb.team])).toEqual(new Set([0, 1]));

  const ma = await a.client.colyseus.consumeSeatReservation(fa.reservation as never);
  const mb = await b.client.colyseus.consumeSeatReservation(fb.reservation as never);
  const results = [ma, mb].map((room) => new Promise<MatchResultMessage>((resolve) => room.onMessage(MatchServerMessage.Result, resolve)));
  const closed = [ma, mb].map((room) => new Promise<number>((resolve) => room.onLeave(resolve)));
  await new Promise<void>((resolve) => {
    const check = () => (ma.state as { phase?: string }).phase === "playing" && resolve();
    ma.onStateChange(check);
    check();
  });
  for (let i = 0; i < 3; i++) {
    ma.send(MatchClientMessage.Score, {});
    clock.advance(10);
  }
  const [ra, rb] = (await Promise.all(results)) as [MatchResultMessage, MatchResultMessage];
  expect(ra).toEqual(rb);
  expect(ra.winnerTeam).toBe(fa.team);
  const mine = ra.ratings.find((r) => r.accountId === a.id)!;
  const theirs = ra.ratings.find((r) => r.accountId === b.id)!;
  expect(mine.after).toBeGreaterThan(mine.before);
  expect(theirs.after).toBeLessThan(theirs.before);
  expect(await Promise.all(closed)).toEqual([CloseCode.MatchFinished, CloseCode.MatchFinished]);

  const ratings = await t.server.services.ratings.ratings(a.id);
  expect(ratings.ratings.find((r) => r.mode === "duel")).toMatchObject({ games: 1 });
  await leave(ca, cb);
});
