import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { PartyView } from "../../../shared/schemas/party";
import { befriendAll, ok, PARTY_TEST_ENV, partyInvite, partyUpdate, refusedCode } from "../../helpers/parties";
import { newPlayers } from "../../helpers/factories";
import { connect, leave, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Only friends are invited; a block either way refuses the invite, and a block made after the
// invite went out makes accepting it fail.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);

test("only friends can be invited: strangers and pending requests are refused, and nothing reaches them", async () => {
  const [a, stranger, pending] = await accounts(3);
  await a!.client.http.sendFriendRequest(a!.client.accessToken, pending!.username);
  const [ca, cs, cp] = await Promise.all([connect(a!), connect(stranger!), connect(pending!)]);

  expect(await refusedCode(ca, M.PartyInvite, { accountId: stranger!.id })).toBe(ErrorCode.PartyInviteNotAllowed);
  expect(await refusedCode(ca, M.PartyInvite, { accountId: pending!.id })).toBe(ErrorCode.PartyInviteNotAllowed);
  expect(await refusedCode(ca, M.PartyInvite, { accountId: a!.id })).toBe(ErrorCode.CannotTargetSelf);
  await settle(cs, cp);
  expect(cs.log.of(M.PartyInvite)).toEqual([]);
  expect(cp.log.of(M.PartyInvite)).toEqual([]);
  // A refused invite does not leave a party behind.
  expect(await refusedCode(ca, M.PartyLeave)).toBe(ErrorCode.NotInParty);
  await leave(ca, cs, cp);
});

test.each([
  ["the inviter blocked the invitee", "inviter"],
  ["the invitee blocked the inviter", "invitee"],
] as const)("a block either way refuses the invite (%s)", async (_name, blocker) => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  if (blocker === "inviter") await a!.client.http.block(a!.client.accessToken, b!.id);
  else await b!.client.http.block(b!.client.accessToken, a!.id);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);

  expect(await refusedCode(ca, M.PartyInvite, { accountId: b!.id })).toBe(ErrorCode.PartyInviteNotAllowed);
  expect(await refusedCode(cb, M.PartyInvite, { accountId: a!.id })).toBe(ErrorCode.PartyInviteNotAllowed);
  await settle(ca, cb);
  expect([...ca.log.of(M.PartyInvite), ...cb.log.of(M.PartyInvite)]).toEqual([]);
  await leave(ca, cb);
});

test.each([
  ["the inviter blocks", "inviter"],
  ["the invitee blocks", "invitee"],
] as const)("a block after the invite makes accepting it fail (%s)", async (_name, blocker) => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const view = await ok<PartyView>(ca, M.PartyInvite, { accountId: b!.id });
  await partyInvite(cb, a!);

  if (blocker === "inviter") await a!.client.http.block(a!.client.accessToken, b!.id);
  else await b!.client.http.block(b!.client.accessToken, a!.id);

  expect(await refusedCode(cb, M.PartyAccept, { partyId: view.id })).toBe(ErrorCode.PartyInviteNotFound);
  await settle(ca);
  expect((await partyUpdate(ca, () => true)).members.map((m) => m.id)).toEqual([a!.id]);
  expect(await refusedCode(cb, M.PartyLeave)).toBe(ErrorCode.NotInParty);
  await leave(ca, cb);
});
