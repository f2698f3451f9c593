import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { PartyJoinFriendReply, PartyJoinRequestResultMessage, PartyView } from "../../../shared/schemas/party";
import { befriendAll } from "../../helpers/factories";
import { hasMembers, memberIds, ok, PARTY_TEST_ENV, partyUpdate, refusal } from "../../helpers/parties";
import { connect, leave, newAccount, presenceUpdate, type Account } from "../../helpers/presence";
import { twoProcessSides } from "../../helpers/two-process-sides";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// Joining from presence across processes: the party's activity reaches a friend on the other
// process, a request filed there reaches the leader here, the answers travel back, and the rate
// limit counts on both processes together (Redis).
const PER_MINUTE = 2;
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...PARTY_TEST_ENV, PARTY_MAX_SIZE: "4", PARTY_JOIN_REQUESTS_PER_MINUTE: String(PER_MINUTE), LOBBY_RECONNECT_SECONDS: "0" });
}, 60_000);
afterAll(() => procs?.close());

const { url, connectOn } = twoProcessSides(() => procs);

test("a friend on p1 sees the p2 party in presence, asks, is declined, asks again and is let in", async () => {
  const [leader, member, asker] = [await newAccount(url("p2")), await newAccount(url("p2")), await newAccount(url("p1"))];
  await befriendAll(leader, member);
  await befriendAll(member, asker);
  const [cl, cm, ca] = [await connectOn("p2", leader), await connectOn("p2", member), await connectOn("p1", asker)];
  const from = ca.log.mark;
  await ok(cl, M.PartyInvite, { accountId: member.id });
  const party = await ok<PartyView>(cm, M.PartyAccept, { partyId: (await partyUpdate(cl)).id });
  const seen = await presenceUpdate(ca, member, (p) => p.activity?.kind === "party" && p.activity.size === 2, from);
  expect(seen.activity).toEqual({ kind: "party", partyId: party.id, size: 2, maxSize: party.maxSize, joinable: true, joinBy: "request" });

  expect((await ok<PartyJoinFriendReply>(ca, M.PartyJoinFriend, { accountId: member.id })).outcome).toBe("requested");
  await partyUpdate(cl, (p) => p.joinRequests.some((r) => r.from.id === asker.id && r.via.id === member.id));
  let mark = ca.log.mark;
  await ok(cl, M.PartyJoinRequestDecline, { accountId: asker.id });
  expect(await ca.log.waitFor<PartyJoinRequestResultMessage>(LobbyServerMessage.PartyJoinRequestResult, () => true, mark)).toEqual({ partyId: party.id, outcome: "declined" });

  await ok(ca, M.PartyJoinFriend, { accountId: member.id });
  await partyUpdate(cl, (p) => p.joinRequests.length === 1);
  mark = ca.log.mark;
  const joined = await ok<PartyView>(cl, M.PartyJoinRequestAccept, { accountId: asker.id });
  expect(memberIds(joined)).toEqual([leader.id, member.id, asker.id]);
  await partyUpdate(ca, hasMembers(leader, member, asker), mark);

  // Both attempts of the minute were spent on p1; the limit holds on the other process too.
  await ok(ca, M.PartyLeave);
  const cOther = await connectOn("p2", asker);
  expect((await refusal(cOther, M.PartyJoinFriend, { accountId: member.id })).code).toBe(ErrorCode.RateLimited);
  await leave(cl, cm, ca, cOther);
});
