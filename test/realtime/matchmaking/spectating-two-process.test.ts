import { matchMaker } from "@colyseus/core";
import type { Room } from "@colyseus/sdk";
import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { MatchClientMessage } from "../../../shared/schemas/match";
import type { MatchSpectateReply } from "../../../shared/schemas/matchmaking";
import { befriend } from "../../helpers/factories";
import { seatedMatch } from "../../helpers/factories-match";
import { closeCode, ok, PARTY_TEST_ENV, roomState } from "../../helpers/parties";
import { createLobbyOn } from "../../helpers/placement";
import { connect, leave, newAccount, type Account } from "../../helpers/presence";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// The spectate room lives with its match room, on whichever process the driver chose; a friend
// whose lobby connection is on the other process gets a seat there and watches to the end.
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({
    ...PARTY_TEST_ENV,
    LOBBY_RECONNECT_SECONDS: "0",
    MATCH_TARGET_SCORE: "2",
    MATCH_SCORE_COOLDOWN_MS: "0",
    MATCH_JOIN_DEADLINE_SECONDS: "300",
    MATCH_SPECTATOR_DELAY_SECONDS: "0",
  });
}, 60_000);
afterAll(() => procs?.close());

const connectOn = async (onThisProcess: boolean, account: Account) => connect(account, { roomId: await createLobbyOn(onThisProcess ? undefined : procs.childProcessId) });

test("a friend on the other process than the match watches it and is closed at its end", async () => {
  const [a, b] = [await newAccount(procs.t.url), await newAccount(procs.t.url)];
  const [ca, cb] = [await connectOn(true, a), await connectOn(true, b)];
  const [sa] = await seatedMatch(procs.t, [ca, cb]);
  const matchHere = Boolean(matchMaker.getLocalRoomById(sa.found.reservation.roomId));

  const fanAccount = await newAccount(matchHere ? procs.child.url : procs.t.url);
  await befriend(fanAccount, a);
  const fan = await connectOn(!matchHere, fanAccount);
  expect(Boolean(matchMaker.getLocalRoomById(fan.room.roomId))).toBe(!matchHere);
  const reply = await ok<MatchSpectateReply>(fan, M.MatchSpectate, { accountId: a.id });
  const room: Room = await fanAccount.client.watchMatch(reply);
  const closed = closeCode(room);
  await roomState<{ phase: string }>(room, (s) => s.phase === "playing");

  sa.room.send(MatchClientMessage.Score, {});
  sa.room.send(MatchClientMessage.Score, {});
  await roomState<{ phase: string; teamScores: number[] }>(room, (s) => s.phase === "finished" && s.teamScores[sa.found.team] === 2);
  expect(await closed).toBe(CloseCode.MatchFinished);
  await leave(ca, cb, fan);
});
