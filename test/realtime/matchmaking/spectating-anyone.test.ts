import { CloseCode, ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { MatchSpectateReply } from "../../../shared/schemas/matchmaking";
import { onlinePlayer } from "../../helpers/factories";
import { scorePoints, seatedMatch } from "../../helpers/factories-match";
import { closeCode, ok, PARTY_TEST_ENV, refusal, roomState } from "../../helpers/parties";
import { leave } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// MATCH_SPECTATORS=anyone: no friendship needed to watch; a block still closes the door.
const ENV = { ...PARTY_TEST_ENV, MATCH_TARGET_SCORE: "1", MATCH_SCORE_COOLDOWN_MS: "0" };
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...ENV, MATCH_SPECTATORS: "anyone" });
});
afterAll(() => t.close());

test("anyone: a stranger watches; one blocked by a player does not", async () => {
  const [a, b] = await seatedMatch(t, [await onlinePlayer(t.url), await onlinePlayer(t.url)]);
  const [stranger, blocked] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  await b.account.client.http.block(b.account.client.accessToken, blocked.account.id);
  const reply = await ok<MatchSpectateReply>(stranger, M.MatchSpectate, { accountId: a.account.id });
  const room = await stranger.account.client.watchMatch(reply);
  const closed = closeCode(room);
  await roomState<{ phase: string }>(room, (s) => s.phase === "playing");
  expect((await refusal(blocked, M.MatchSpectate, { accountId: a.account.id })).code).toBe(ErrorCode.SpectateNotAllowed);
  await scorePoints(a, 1);
  await roomState<{ phase: string }>(room, (s) => s.phase === "finished");
  expect(await closed).toBe(CloseCode.MatchFinished);
  await leave(stranger, blocked, a.lobby, b.lobby);
});
