import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { befriend, onlinePlayer } from "../../helpers/factories";
import { scorePoints, seatedMatch } from "../../helpers/factories-match";
import { PARTY_TEST_ENV, refusal } from "../../helpers/parties";
import { leave, presenceUpdate } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// MATCH_SPECTATORS=off: nobody watches, and friends' presence says so.
const ENV = { ...PARTY_TEST_ENV, MATCH_TARGET_SCORE: "1", MATCH_SCORE_COOLDOWN_MS: "0" };
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...ENV, MATCH_SPECTATORS: "off" });
});
afterAll(() => t.close());

test("off: a friend's presence shows the match as not watchable, and match.spectate is refused", async () => {
  const [a, b] = await seatedMatch(t, [await onlinePlayer(t.url), await onlinePlayer(t.url)]);
  const fan = await onlinePlayer(t.url);
  await befriend(fan.account, a.account);
  expect((await presenceUpdate(fan, a.account, (p) => p.activity?.kind === "match")).activity).toMatchObject({ kind: "match", joinable: false });
  expect((await refusal(fan, M.MatchSpectate, { accountId: a.account.id })).code).toBe(ErrorCode.SpectateNotAllowed);
  await scorePoints(a, 1);
  await leave(fan, a.lobby, b.lobby);
});

