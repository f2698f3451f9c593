import { ManualClock } from "../../../server/lib/clock";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { QueueUpdateMessage } from "../../../shared/schemas/matchmaking";
import {
  closeCode,
  freshRegion,
  isState,
  matchCancelled,
  matchesOf,
  matchFound,
  ok,
  PARTY_TEST_ENV,
  queueUpdate,
  roomState,
  storedTicket,
  type MatchStateView,
} from "../../helpers/parties";
import { connect, leave, newAccount } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// All or nothing: a match whose players do not all join by the deadline (on the injected clock)
// is called off; those who joined go back to the front of the queue, the no-shows lose their place.
const DEADLINE_SECONDS = 15;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, MATCH_JOIN_DEADLINE_SECONDS: String(DEADLINE_SECONDS) }, { clock });
});
afterAll(() => t.close());

test("a no-show: the joined player's room closes 4201, they search again from their old place; the no-show is idle", async () => {
  const [a, b, c] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  const [ca, cb, cc] = await Promise.all([connect(a), connect(b), connect(c)]);
  const region = freshRegion();
  const queuedA = await ok<QueueUpdateMessage>(ca, M.QueueJoin, { mode: "duel", region });
  clock.advance(1000);
  await ok(cb, M.QueueJoin, { mode: "duel", region });

  expect(await t.server.services.matchmaking.tick()).toHaveLength(1);
  const [fa, fb] = await Promise.all([matchFound(ca), matchFound(cb)]);
  expect(fa.matchId).toBe(fb.matchId);
  expect(fa.deadline).toBe(new Date(clock.now() + DEADLINE_SECONDS * 1000).toISOString());
  await Promise.all([queueUpdate(ca, isState("matched")), queueUpdate(cb, isState("matched"))]);

  const room = await a.client.colyseus.consumeSeatReservation(fa.reservation as never);
  const closed = closeCode(room);
  await roomState<MatchStateView>(room, (s) => s.phase === "waiting" && s.players?.get(a.id)?.connected === true);

  // Just before the deadline nothing happens; at it, the match is called off.
  const fromA = ca.log.mark;
  const fromB = cb.log.mark;
  clock.advance(DEADLINE_SECONDS * 1000 - 1);
  clock.advance(1);
  expect(await closed).toBe(CloseCode.MatchCancelled);
  expect(await matchCancelled(ca, fromA)).toEqual({ matchId: fa.matchId, requeued: true });
  expect(await queueUpdate(ca, isState("searching"), fromA)).toEqual(queuedA);
  expect(await matchCancelled(cb, fromB)).toEqual({ matchId: fa.matchId, requeued: false });
  expect(await queueUpdate(cb, isState("idle"), fromB)).toEqual({ state: "idle", reason: "match_cancelled" });

  // The no-show's reservation died with the match.
  const late = await b.client.colyseus.consumeSeatReservation(fb.reservation as never).then(
    (r) => r,
    (err: Error) => err,
  );
  expect(late).toBeInstanceOf(Error);

  const ticketA = await storedTicket(t.db.url, a.id);
  expect(ticketA).toMatchObject({ status: "WAITING" });
  expect(ticketA!.enqueuedAt.toISOString()).toBe(queuedA.since);
  expect(await storedTicket(t.db.url, b.id)).toBeNull();
  expect(await matchesOf(t.db.url, a.id)).toEqual([{ id: fa.matchId, status: "CANCELLED" }]);

  // The no-show may queue again (at the back); the requeued player is matched with the next one.
  const fromB2 = cb.log.mark;
  await ok(cb, M.QueueJoin, { mode: "duel", region });
  expect(await queueUpdate(cb, isState("searching"), fromB2)).toMatchObject({ since: new Date(clock.now()).toISOString() });
  await ok(cc, M.QueueJoin, { mode: "duel", region });
  const [again] = await t.server.services.matchmaking.tick();
  // a waited longest: a is in the new match whoever the opponent is.
  expect(again!.teams.flat().map((p) => p.accountId)).toContain(a.id);
  await matchFound(ca, fromA);
  await leave(ca, cb, cc);
});

test("nobody joins: every ticket is dropped and each player is told", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  const region = freshRegion();
  await ok(ca, M.QueueJoin, { mode: "duel", region });
  await ok(cb, M.QueueJoin, { mode: "duel", region });
  const [match] = await t.server.services.matchmaking.tick();
  await Promise.all([matchFound(ca), matchFound(cb)]);

  clock.advance(DEADLINE_SECONDS * 1000);
  for (const c of [ca, cb]) {
    expect(await matchCancelled(c)).toEqual({ matchId: match!.id, requeued: false });
    expect(await queueUpdate(c, isState("idle"))).toMatchObject({ reason: "match_cancelled" });
  }
  expect(await storedTicket(t.db.url, a.id)).toBeNull();
  expect(await storedTicket(t.db.url, b.id)).toBeNull();
  await leave(ca, cb);
});
