import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { PartyJoinFriendReply, PartyJoinRequestResultMessage, PartyView } from "../../../shared/schemas/party";
import type { FriendPresence, JoinPolicy } from "../../../shared/schemas/presence";
import { newPlayers, type Player } from "../../helpers/factories";
import { befriendAll, formParty, freshRegion, hasMembers, latestParty, memberIds, ok, PARTY_TEST_ENV, partyInvite, partyUpdate, queueUpdate, refusal, refusedCode } from "../../helpers/parties";
import { connect, leave, presenceUpdate, settle, updatesAbout, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Joining a friend's party from their presence: the presence says whether (and how) friends can
// join; the stricter of the friend's and the leader's join policy decides between joining at once,
// a request the leader answers, and nothing; blocks refuse with the answer a closed party gets.
const TTL_SECONDS = 120;
const PER_MINUTE = 6;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    { ...PARTY_TEST_ENV, PARTY_MAX_SIZE: "3", PARTY_JOIN_REQUEST_TTL_SECONDS: String(TTL_SECONDS), PARTY_JOIN_REQUESTS_PER_MINUTE: String(PER_MINUTE) },
    { clock },
  );
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);
const setPolicy = (p: Player, joinPolicy: JoinPolicy) => p.client.http.updateSettings(p.client.accessToken, { joinPolicy });
const inParty = (partyId: string, size: number) => (p: FriendPresence) => p.activity?.kind === "party" && p.activity.partyId === partyId && p.activity.size === size;
const withRequests = (...from: Player[]) => (p: PartyView) => p.joinRequests.map((r) => r.from.id).join() === from.map((f) => f.id).join();
const latestPresence = (conn: Connection, subject: Player) => updatesAbout(conn, subject).at(-1);
const result = (conn: Connection, partyId: string, from = 0) =>
  conn.log.waitFor<PartyJoinRequestResultMessage>(LobbyServerMessage.PartyJoinRequestResult, (m) => m.partyId === partyId, from);

test("presence shows the party, its room and how to join; full, searching and closed parties are not joinable", async () => {
  const [leader, member, friend, third] = await accounts(4);
  await befriendAll(leader!, member!, friend!);
  const [cl, cm, cf, ct] = await Promise.all([connect(leader!), connect(member!), connect(friend!), connect(third!)]);
  const from = cf.log.mark;
  const party = await ok<PartyView>(cl, M.PartyCreate);
  // The default policy is ask: a request to the leader.
  expect((await presenceUpdate(cf, leader!, inParty(party.id, 1), from)).activity).toEqual({ kind: "party", partyId: party.id, size: 1, maxSize: 3, joinable: true, joinBy: "request" });

  await formParty(cl, cm);
  const both = await Promise.all([presenceUpdate(cf, leader!, inParty(party.id, 2)), presenceUpdate(cf, member!, inParty(party.id, 2))]);
  expect(both.map((p) => p.activity)).toEqual([0, 1].map(() => ({ kind: "party", partyId: party.id, size: 2, maxSize: 3, joinable: true, joinBy: "request" })));

  // The leader lets friends in: their own friends join at once; the member still asks (the stricter policy).
  let mark = cf.log.mark;
  await setPolicy(leader!, "friends");
  expect((await presenceUpdate(cf, leader!, (p) => p.activity?.kind === "party" && p.activity.joinBy === "join", mark)).activity).toMatchObject({ joinable: true });
  expect(latestPresence(cf, member!)?.activity).toMatchObject({ joinable: true, joinBy: "request" });
  mark = cf.log.mark;
  await setPolicy(member!, "friends");
  expect((await presenceUpdate(cf, member!, (p) => p.activity?.kind === "party" && p.activity.joinBy === "join", mark)).activity).toMatchObject({ joinable: true });
  // A member who says nobody closes their own presence, whatever the leader allows.
  mark = cf.log.mark;
  await setPolicy(member!, "nobody");
  expect((await presenceUpdate(cf, member!, (p) => p.activity?.kind === "party" && !p.activity.joinable, mark)).activity).toEqual({ kind: "party", partyId: party.id, size: 2, maxSize: 3, joinable: false });
  expect(await refusedCode(cf, M.PartyJoinFriend, { accountId: member!.id })).toBe(ErrorCode.PartyJoinNotAllowed);

  // A search shows instead of the party, and the party is busy; leaving the queue shows it again.
  await ok(cm, M.PartyReady, { ready: true });
  mark = cf.log.mark;
  await ok(cl, M.QueueJoin, { mode: "squad", region: freshRegion() });
  expect((await presenceUpdate(cf, leader!, (p) => p.activity?.kind === "queue", mark)).activity).toEqual({ kind: "queue", mode: "squad" });
  expect(await refusedCode(cf, M.PartyJoinFriend, { accountId: leader!.id })).toBe(ErrorCode.PartyBusy);
  mark = cf.log.mark;
  await ok(cl, M.QueueLeave);
  await queueUpdate(cl, (u) => u.state === "idle");
  // The first update that shows the party again already says it is joinable (never a stale "full").
  expect((await presenceUpdate(cf, leader!, (p) => p.activity?.kind === "party", mark)).activity).toMatchObject({ partyId: party.id, joinable: true, joinBy: "join" });

  // Full (PARTY_MAX_SIZE 3): joinable no more.
  await befriendAll(leader!, third!);
  mark = cf.log.mark;
  await ok(cl, M.PartyInvite, { accountId: third!.id });
  await ok(ct, M.PartyAccept, { partyId: (await partyInvite(ct, leader!)).partyId });
  expect((await presenceUpdate(cf, leader!, inParty(party.id, 3), mark)).activity).toEqual({ kind: "party", partyId: party.id, size: 3, maxSize: 3, joinable: false });
  await leave(cl, cm, cf, ct);
});

test("cost: an invite changes nothing friends see; a join sends each friend exactly one update per member", async () => {
  const [leader, member, watcher] = await accounts(3);
  await befriendAll(leader!, member!);
  await befriendAll(leader!, watcher!);
  const [cl, cm, cw] = await Promise.all([connect(leader!), connect(member!), connect(watcher!)]);
  const party = await ok<PartyView>(cl, M.PartyCreate);
  await presenceUpdate(cw, leader!, inParty(party.id, 1));
  await settle(cw);
  const mark = cw.log.mark;
  await ok(cl, M.PartyInvite, { accountId: member!.id });
  await ok(cm, M.PartyAccept, { partyId: (await partyInvite(cm, leader!)).partyId });
  await presenceUpdate(cw, leader!, inParty(party.id, 2), mark);
  await settle(cw);
  expect(updatesAbout(cw, leader!, mark).map((p) => p.activity)).toEqual([{ kind: "party", partyId: party.id, size: 2, maxSize: 3, joinable: true, joinBy: "request" }]);
  await leave(cl, cm, cw);
});

test("a party open to friends: a friend joins at once, leaving their own party; not friends or self are refused", async () => {
  const [leader, friend, buddy, stranger] = await accounts(4);
  await befriendAll(leader!, friend!);
  await befriendAll(friend!, buddy!);
  await setPolicy(leader!, "friends");
  const [cl, cf, cb, cs] = await Promise.all([connect(leader!), connect(friend!), connect(buddy!), connect(stranger!)]);
  // A friend in no party has nothing to join.
  expect(await refusedCode(cf, M.PartyJoinFriend, { accountId: leader!.id })).toBe(ErrorCode.PartyJoinNotAllowed);
  const party = await ok<PartyView>(cl, M.PartyCreate);
  const old = await formParty(cf, cb);

  const reply = await ok<PartyJoinFriendReply>(cf, M.PartyJoinFriend, { accountId: leader!.id });
  expect(reply.outcome).toBe("joined");
  expect(reply.outcome === "joined" && memberIds(reply.party)).toEqual([leader!.id, friend!.id]);
  await partyUpdate(cl, hasMembers(leader!, friend!));
  await partyUpdate(cb, (p) => p.id === old.id && memberIds(p).join() === buddy!.id);

  expect(await refusedCode(cs, M.PartyJoinFriend, { accountId: leader!.id })).toBe(ErrorCode.PartyJoinNotAllowed);
  expect(await refusedCode(cf, M.PartyJoinFriend, { accountId: leader!.id })).toBe(ErrorCode.AlreadyInParty);
  expect(await refusedCode(cf, M.PartyJoinFriend, { accountId: friend!.id })).toBe(ErrorCode.CannotTargetSelf);
  expect(latestParty(cl)?.id).toBe(party.id);
  await leave(cl, cf, cb, cs);
});

test("asking: the leader sees who asked through whom, declines (the asker is told), then accepts", async () => {
  const [leader, member, asker] = await accounts(3);
  await befriendAll(leader!, member!);
  await befriendAll(member!, asker!);
  const [cl, cm, ca] = await Promise.all([connect(leader!), connect(member!), connect(asker!)]);
  const party = await formParty(cl, cm);

  const reply = await ok<PartyJoinFriendReply>(ca, M.PartyJoinFriend, { accountId: member!.id });
  expect(reply).toEqual({ outcome: "requested", partyId: party.id, expiresAt: new Date(clock.now() + TTL_SECONDS * 1000).toISOString() });
  const seen = await partyUpdate(cl, withRequests(asker!));
  expect(seen.joinRequests).toEqual([{ from: { id: asker!.id, username: asker!.username, displayName: asker!.username }, via: { id: member!.id, username: member!.username, displayName: member!.username }, expiresAt: reply.outcome === "requested" ? reply.expiresAt : "" }]);
  await partyUpdate(cm, withRequests(asker!));
  // Only the leader answers.
  expect(await refusedCode(cm, M.PartyJoinRequestAccept, { accountId: asker!.id })).toBe(ErrorCode.NotPartyLeader);

  let mark = ca.log.mark;
  await ok(cl, M.PartyJoinRequestDecline, { accountId: asker!.id });
  expect(await result(ca, party.id, mark)).toEqual({ partyId: party.id, outcome: "declined" });
  await partyUpdate(cl, withRequests());
  expect(await refusedCode(cl, M.PartyJoinRequestAccept, { accountId: asker!.id })).toBe(ErrorCode.PartyJoinRequestNotFound);

  mark = ca.log.mark;
  await ok(ca, M.PartyJoinFriend, { accountId: member!.id });
  await partyUpdate(cl, withRequests(asker!));
  const accepted = await ok<PartyView>(cl, M.PartyJoinRequestAccept, { accountId: asker!.id });
  expect(memberIds(accepted)).toEqual([leader!.id, member!.id, asker!.id]);
  expect(accepted.joinRequests).toEqual([]);
  expect(memberIds(await partyUpdate(ca, (p) => p.id === party.id, mark))).toEqual([leader!.id, member!.id, asker!.id]);
  await leave(cl, cm, ca);
});

test("requests end: withdrawn, expired, stale (the asker moved to another party), closed when the party disbands", async () => {
  const [leader, asker, other] = await accounts(3);
  await befriendAll(leader!, asker!, other!);
  const [cl, ca, co] = await Promise.all([connect(leader!), connect(asker!), connect(other!)]);
  const party = await ok<PartyView>(cl, M.PartyCreate);

  await ok(ca, M.PartyJoinFriend, { accountId: leader!.id });
  await partyUpdate(cl, withRequests(asker!));
  await ok(ca, M.PartyJoinRequestCancel, { partyId: party.id });
  await partyUpdate(cl, withRequests());
  expect(await refusedCode(ca, M.PartyJoinRequestCancel, { partyId: party.id })).toBe(ErrorCode.PartyJoinRequestNotFound);

  // Expired: out of the view and not acceptable.
  await ok(ca, M.PartyJoinFriend, { accountId: leader!.id });
  clock.advance(TTL_SECONDS * 1000);
  expect(await refusedCode(cl, M.PartyJoinRequestAccept, { accountId: asker!.id })).toBe(ErrorCode.PartyJoinRequestNotFound);
  // The background sweep deletes it (and any other expired one).
  expect((await t.server.services.parties.sweepExpired()).joinRequests).toBeGreaterThanOrEqual(1);

  // Stale: the asker has since joined someone else's party; accepting would pull them out of it.
  await ok(ca, M.PartyJoinFriend, { accountId: leader!.id });
  await partyUpdate(cl, withRequests(asker!));
  await formParty(co, ca);
  expect(await refusedCode(cl, M.PartyJoinRequestAccept, { accountId: asker!.id })).toBe(ErrorCode.PartyJoinRequestNotFound);
  await partyUpdate(cl, withRequests());
  expect(memberIds(latestParty(ca)!)).toEqual([other!.id, asker!.id]);

  // Disbanded with a request waiting: the asker hears it is closed.
  await ok(ca, M.PartyJoinFriend, { accountId: leader!.id });
  await partyUpdate(cl, withRequests(asker!));
  const mark = ca.log.mark;
  await ok(cl, M.PartyDisband);
  expect(await result(ca, party.id, mark)).toEqual({ partyId: party.id, outcome: "closed" });
  await leave(cl, ca, co);
});

test.each([
  ["a member blocked the asker", "member"],
  ["the asker blocked a member", "asker"],
] as const)("a block either way refuses joining and asking, with the answer a closed party gets (%s)", async (_name, blocker) => {
  const [leader, member, asker] = await accounts(3);
  await befriendAll(leader!, member!);
  await befriendAll(leader!, asker!);
  if (blocker === "member") await member!.client.http.block(member!.client.accessToken, asker!.id);
  else await asker!.client.http.block(asker!.client.accessToken, member!.id);
  const [cl, cm, ca] = await Promise.all([connect(leader!), connect(member!), connect(asker!)]);
  await formParty(cl, cm);

  const asking = await refusal(ca, M.PartyJoinFriend, { accountId: leader!.id });
  await setPolicy(leader!, "friends");
  const joining = await refusal(ca, M.PartyJoinFriend, { accountId: leader!.id });
  await setPolicy(leader!, "nobody");
  const closed = await refusal(ca, M.PartyJoinFriend, { accountId: leader!.id });
  expect([asking.code, joining.code]).toEqual([ErrorCode.PartyJoinNotAllowed, ErrorCode.PartyJoinNotAllowed]);
  expect([asking.message, joining.message]).toEqual([closed.message, closed.message]);
  expect(latestParty(cl)!.joinRequests).toEqual([]);
  expect(memberIds(latestParty(cl)!)).toEqual([leader!.id, member!.id]);
  await leave(cl, cm, ca);
});

test("joins and requests from presence are limited per player (PARTY_JOIN_REQUESTS_PER_MINUTE)", async () => {
  const [leader, asker] = await accounts(2);
  await befriendAll(leader!, asker!);
  const [cl, ca] = await Promise.all([connect(leader!), connect(asker!)]);
  const party = await ok<PartyView>(cl, M.PartyCreate);
  for (let i = 0; i < PER_MINUTE; i++) {
    await ok(ca, M.PartyJoinFriend, { accountId: leader!.id });
    await ok(ca, M.PartyJoinRequestCancel, { partyId: party.id });
  }
  const limited = await refusal(ca, M.PartyJoinFriend, { accountId: leader!.id });
  expect(limited.code).toBe(ErrorCode.RateLimited);
  expect(limited.details?.retryAfterMs).toEqual(expect.any(Number));
  expect(latestParty(cl)!.joinRequests).toEqual([]);
  await leave(cl, ca);
});

test("settings: GET and PATCH /me/settings carry the join policy; a bad value is a 400 that changes nothing", async () => {
  const [p] = await accounts(1);
  const http = p!.client.http;
  expect((await http.settings(p!.client.accessToken)).joinPolicy).toBe("ask");
  expect(await setPolicy(p!, "nobody")).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "nobody" });
  const res = await fetch(`${t.url}/me/settings`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${p!.client.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ joinPolicy: "everyone" }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.InvalidRequest);
  expect((await http.settings(p!.client.accessToken)).joinPolicy).toBe("nobody");
});
