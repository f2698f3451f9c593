import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { PartyJoinCode, PartyView } from "../../../shared/schemas/party";
import { hasMembers, memberIds, ok, PARTY_TEST_ENV, partyUpdate, refusedCode } from "../../helpers/parties";
import { connect, leave, newAccount, type Account } from "../../helpers/presence";
import { twoProcessSides } from "../../helpers/two-process-sides";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// A code made on one process opens the party to a player on another, and the guesses a player
// spends count on every process (the limiter is in Redis).
const GUESSES = 2;
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...PARTY_TEST_ENV, PARTY_CODE_GUESSES: String(GUESSES), LOBBY_RECONNECT_SECONDS: "0" });
}, 60_000);
afterAll(() => procs?.close());

const { url, connectOn } = twoProcessSides(() => procs);

test("a code made on p2 lets a player on p1 in; both processes' members see it", async () => {
  const [leader, joiner] = [await newAccount(url("p2")), await newAccount(url("p1"))];
  const [cl, cj] = [await connectOn("p2", leader), await connectOn("p1", joiner)];
  await ok(cl, M.PartyCreate);
  const { code } = await ok<PartyJoinCode>(cl, M.PartyCodeCreate);

  const joined = await ok<PartyView>(cj, M.PartyJoinByCode, { code });
  expect(memberIds(joined)).toEqual([leader.id, joiner.id]);
  expect(joined.joinCode?.code).toBe(code);
  await partyUpdate(cl, hasMembers(leader, joiner));
  await leave(cl, cj);
});

test("guesses spent on p1 are spent on p2 too", async () => {
  const [leader, guesser] = [await newAccount(url("p2")), await newAccount(url("p1"))];
  const cl = await connectOn("p2", leader);
  await ok(cl, M.PartyCreate);
  const { code } = await ok<PartyJoinCode>(cl, M.PartyCodeCreate);

  const onP1 = await connectOn("p1", guesser);
  for (let i = 0; i < GUESSES; i++) expect(await refusedCode(onP1, M.PartyJoinByCode, { code: "2222-2222" })).toBe(ErrorCode.PartyCodeInvalid);
  await leave(onP1);
  const onP2 = await connectOn("p2", guesser);
  expect(await refusedCode(onP2, M.PartyJoinByCode, { code })).toBe(ErrorCode.RateLimited);
  await leave(cl, onP2);
});
