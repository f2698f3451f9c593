import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { normalizePartyCode, PARTY_CODE_ALPHABET } from "../../../shared/party-codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { PartyJoinCode, PartyView } from "../../../shared/schemas/party";
import { newPlayers } from "../../helpers/factories";
import { befriendAll, formParty, hasMembers, latestParty, memberIds, ok, PARTY_TEST_ENV, partyUpdate, refusal, refusedCode } from "../../helpers/parties";
import { connect, leave } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Party join codes: the leader makes one, anyone not blocked by a member joins with it (no
// friendship needed) while the party has room; codes expire, are replaced and revoked, and codes
// that open nothing are limited per player.
const TTL_SECONDS = 600;
const GUESSES = 3;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    { ...PARTY_TEST_ENV, PARTY_MAX_SIZE: "3", PARTY_CODE_TTL_SECONDS: String(TTL_SECONDS), PARTY_CODE_GUESSES: String(GUESSES) },
    { clock },
  );
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);
const withCode = (code: string) => (p: PartyView) => p.joinCode?.code === code;

test("the leader's code: readable, a link, seen by the party; a stranger joins with it typed loosely", async () => {
  const [a, b, stranger] = await accounts(3);
  await befriendAll(a!, b!);
  const [ca, cb, cs] = await Promise.all([connect(a!), connect(b!), connect(stranger!)]);
  await formParty(ca, cb);

  const code = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  expect(code.code).toMatch(new RegExp(`^[${PARTY_CODE_ALPHABET}]{4}-[${PARTY_CODE_ALPHABET}]{4}$`));
  expect(code.link).toBe(`/play?party=${code.code}`);
  expect(Date.parse(code.expiresAt)).toBe(clock.now() + TTL_SECONDS * 1000);
  // Every member's view carries it.
  await Promise.all([partyUpdate(ca, withCode(code.code)), partyUpdate(cb, withCode(code.code))]);

  const joined = await ok<PartyView>(cs, M.PartyJoinByCode, { code: ` ${code.code.replace("-", "").toLowerCase()} ` });
  expect(memberIds(joined)).toEqual([a!.id, b!.id, stranger!.id]);
  await Promise.all([ca, cb, cs].map((c) => partyUpdate(c, hasMembers(a!, b!, stranger!))));
  // Joining again is refused as for an invite.
  expect(await refusedCode(cs, M.PartyJoinByCode, { code: code.code })).toBe(ErrorCode.AlreadyInParty);
  await leave(ca, cb, cs);
});

test("only the leader makes or revokes a code; a full party refuses joins", async () => {
  const [a, b, c, d] = await accounts(4);
  await befriendAll(a!, b!);
  const [ca, cb, cc, cd] = await Promise.all([connect(a!), connect(b!), connect(c!), connect(d!)]);
  expect(await refusedCode(ca, M.PartyCodeCreate)).toBe(ErrorCode.NotInParty);
  await formParty(ca, cb);
  expect(await refusedCode(cb, M.PartyCodeCreate)).toBe(ErrorCode.NotPartyLeader);
  expect(await refusedCode(cb, M.PartyCodeRevoke)).toBe(ErrorCode.NotPartyLeader);

  const { code } = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  await ok(cc, M.PartyJoinByCode, { code });
  // PARTY_MAX_SIZE 3.
  expect(await refusedCode(cd, M.PartyJoinByCode, { code })).toBe(ErrorCode.PartyFull);
  await leave(ca, cb, cc, cd);
});

test("a new code replaces the old one; a revoked or expired code opens nothing", async () => {
  const [a, b, c] = await accounts(3);
  const [ca, cb, cc] = await Promise.all([connect(a!), connect(b!), connect(c!)]);
  await ok(ca, M.PartyCreate);
  const first = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  const second = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  expect(second.code).not.toBe(first.code);
  expect((await refusal(cb, M.PartyJoinByCode, { code: first.code })).code).toBe(ErrorCode.PartyCodeInvalid);

  await ok(ca, M.PartyCodeRevoke);
  await partyUpdate(ca, (p) => p.joinCode === null);
  expect(await refusedCode(cb, M.PartyJoinByCode, { code: second.code })).toBe(ErrorCode.PartyCodeInvalid);

  const third = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  clock.advance(TTL_SECONDS * 1000);
  expect(await refusedCode(cc, M.PartyJoinByCode, { code: third.code })).toBe(ErrorCode.PartyCodeInvalid);
  await leave(ca, cb, cc);
});

test.each([
  ["a member blocked the joiner", "member"],
  ["the joiner blocked a member", "joiner"],
] as const)("a block either way closes the code, with the answer a wrong code gets (%s)", async (_name, blocker) => {
  const [a, b, joiner] = await accounts(3);
  await befriendAll(a!, b!);
  if (blocker === "member") await b!.client.http.block(b!.client.accessToken, joiner!.id);
  else await joiner!.client.http.block(joiner!.client.accessToken, b!.id);
  const [ca, cb, cj] = await Promise.all([connect(a!), connect(b!), connect(joiner!)]);
  await formParty(ca, cb);
  const { code } = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);

  const refused = await refusal(cj, M.PartyJoinByCode, { code });
  expect(refused.code).toBe(ErrorCode.PartyCodeInvalid);
  expect(refused.message).toBe((await refusal(cj, M.PartyJoinByCode, { code: "ZZZZ-ZZZZ" })).message);
  expect(memberIds(latestParty(ca)!)).toEqual([a!.id, b!.id]);
  await leave(ca, cb, cj);
});

test("codes that open nothing are limited per player; the limit then also holds for a right code", async () => {
  const [a, guesser] = await accounts(2);
  const [ca, cg] = await Promise.all([connect(a!), connect(guesser!)]);
  await ok(ca, M.PartyCreate);
  const { code } = await ok<PartyJoinCode>(ca, M.PartyCodeCreate);
  // Malformed input spends a guess too (it is a guess); none of them is a 500 or a silent drop.
  const wrong = ["2222-2222", "not a code", "3333-3333"];
  for (const w of wrong) expect(await refusedCode(cg, M.PartyJoinByCode, { code: w })).toBe(ErrorCode.PartyCodeInvalid);
  const limited = await refusal(cg, M.PartyJoinByCode, { code });
  expect(limited.code).toBe(ErrorCode.RateLimited);
  expect(limited.details?.retryAfterMs).toEqual(expect.any(Number));
  await leave(ca, cg);
});

test("normalizePartyCode: case, spaces and dashes do not matter; other characters are not a code", () => {
  expect(normalizePartyCode("abcd-efgh")).toBe("ABCDEFGH");
  expect(normalizePartyCode(" AB CD EF GH ")).toBe("ABCDEFGH");
  for (const bad of ["ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI", "ABCD-EFGO", "ABCD-EFGL", "ABCD-EFGU", ""]) expect(normalizePartyCode(bad)).toBeUndefined();
});
