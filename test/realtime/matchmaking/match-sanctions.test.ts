import { matchMaker } from "@colyseus/core";
import { accountChannel } from "../../../server/backplane/presence-account-event-bus";
import type { AccountEvent } from "../../../server/modules/events/account-events";
import { CloseCode } from "../../../shared/codes";
import { leave } from "../../helpers/factories";
import { duelInPlay } from "../../helpers/factories-match";
import { PARTY_TEST_ENV } from "../../helpers/parties";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// A ban (or kick, or account deletion) ends every session of the player: their match seat goes
// too, without a reconnect window, and their team forfeits.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, MATCH_RECONNECT_SECONDS: "60" });
});
afterAll(() => t.close());

test("a player banned mid-match is removed from the match room and their team forfeits", async () => {
  const [sa, sb] = await duelInPlay(t);
  const [a, cb] = [sa.account, sb.lobby];
  const [fa, fb] = [sa.found, sb.found];
  const [banned, result] = [sa.closed, sb.result];

  // What AdminService.ban publishes on every process.
  const event: AccountEvent = { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Banned, reason: "banned" };
  await matchMaker.presence.publish(accountChannel(a.id), event);

  expect(await banned).toBe(CloseCode.Banned);
  expect(await result).toMatchObject({ matchId: fa.matchId, winnerTeam: fb.team, reason: "forfeit" });
  await leave(cb);
});
