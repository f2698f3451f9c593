import { matchMaker } from "@colyseus/core";
import { accountChannel } from "../../../server/realtime/account-channel";
import type { AccountEvent } from "../../../server/modules/events/account-events";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { MatchServerMessage, type MatchResultMessage } from "../../../shared/schemas/match";
import { closeCode, freshRegion, matchFound, ok, PARTY_TEST_ENV, phaseIs, roomState } from "../../helpers/parties";
import { connect, leave, newAccount } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// A ban (or kick, or account deletion) ends every session of the player: their match seat goes
// too, without a reconnect window, and their team forfeits.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, MATCH_RECONNECT_SECONDS: "60" });
});
afterAll(() => t.close());

test("a player banned mid-match is removed from the match room and their team forfeits", async () => {
  const region = freshRegion();
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  await ok(ca, M.QueueJoin, { mode: "duel", region });
  await ok(cb, M.QueueJoin, { mode: "duel", region });
  expect(await t.server.services.matchmaking.tick()).toHaveLength(1);
  const [fa, fb] = await Promise.all([matchFound(ca), matchFound(cb)]);
  const ra = await a.client.colyseus.consumeSeatReservation(fa.reservation as never);
  const rb = await b.client.colyseus.consumeSeatReservation(fb.reservation as never);
  await roomState(rb, phaseIs("playing"));
  const banned = closeCode(ra);
  const result = new Promise<MatchResultMessage>((resolve) => rb.onMessage(MatchServerMessage.Result, resolve));

  // What AdminService.ban publishes on every process.
  const event: AccountEvent = { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Banned, reason: "banned" };
  await matchMaker.presence.publish(accountChannel(a.id), event);

  expect(await banned).toBe(CloseCode.Banned);
  expect(await result).toMatchObject({ matchId: fa.matchId, winnerTeam: fb.team, reason: "forfeit" });
  await leave(cb);
});
