import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { PartyView } from "../../../shared/schemas/party";
import {
  befriendAll,
  formParty,
  hasMembers,
  ok,
  PARTY_TEST_ENV,
  partyGone,
  partyInvite,
  partyUpdate,
  partyUpdates,
  refusedCode,
  snapshotOf,
} from "../../helpers/parties";
import { newPlayers } from "../../helpers/factories";
import { connect, leave, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Party lifecycle over real lobby connections: create, invite (live and in the join snapshot),
// accept, decline, expiry on the injected clock, leave, kick, promote, disband, the size limit.
const TTL_SECONDS = 60;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, PARTY_INVITE_TTL_SECONDS: String(TTL_SECONDS) }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);

test("create: the creator leads a party of one, sees it live and in a later snapshot; a second create is refused", async () => {
  const [a] = await accounts(1);
  const ca = await connect(a!);
  expect((await snapshotOf(ca)).party).toBeNull();

  const view = await ok<PartyView>(ca, M.PartyCreate);
  expect(view).toMatchObject({ leaderId: a!.id, maxSize: 2, channelId: `party:${view.id}`, queue: null, invites: [] });
  expect(view.members).toEqual([{ id: a!.id, username: a!.username, displayName: a!.username, ready: true, status: "online" }]);
  await partyUpdate(ca, (p) => p.id === view.id);
  expect(await refusedCode(ca, M.PartyCreate)).toBe(ErrorCode.AlreadyInParty);

  const second = await connect(a!);
  expect((await snapshotOf(second)).party).toMatchObject({ id: view.id, leaderId: a!.id });
  await leave(ca, second);
});

test("invite: arrives live, is listed in the invitee's later snapshot and in the party; accept joins both", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);

  // Inviting without a party creates one.
  const view = await ok<PartyView>(ca, M.PartyInvite, { accountId: b!.id });
  expect(view.invites).toEqual([{ to: { id: b!.id, username: b!.username, displayName: b!.username }, expiresAt: new Date(clock.now() + TTL_SECONDS * 1000).toISOString() }]);
  const invite = await partyInvite(cb, a!);
  expect(invite).toEqual({ partyId: view.id, from: { id: a!.id, username: a!.username, displayName: a!.username }, expiresAt: view.invites[0]!.expiresAt, size: 1 });

  const later = await connect(b!);
  expect((await snapshotOf(later)).invites).toEqual([invite]);

  await ok(cb, M.PartyAccept, { partyId: view.id });
  for (const c of [ca, cb, later]) {
    const p = await partyUpdate(c, hasMembers(a!, b!));
    expect(p.members.map((m) => [m.id, m.ready])).toEqual([
      [a!.id, true],
      [b!.id, false],
    ]);
    expect(p.invites).toEqual([]);
  }
  expect(await refusedCode(cb, M.PartyAccept, { partyId: view.id })).toBe(ErrorCode.PartyInviteNotFound);
  await leave(ca, cb, later);
});

test("decline: the invite is gone for the invitee and from the party's view", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const view = await ok<PartyView>(ca, M.PartyInvite, { accountId: b!.id });
  await partyInvite(cb, a!);

  const from = ca.log.mark;
  await ok(cb, M.PartyDecline, { partyId: view.id });
  expect((await partyUpdate(ca, (p) => p.invites.length === 0, from)).members).toHaveLength(1);
  expect(await refusedCode(cb, M.PartyAccept, { partyId: view.id })).toBe(ErrorCode.PartyInviteNotFound);
  expect(await refusedCode(cb, M.PartyDecline, { partyId: view.id })).toBe(ErrorCode.PartyInviteNotFound);
  const later = await connect(b!);
  expect((await snapshotOf(later)).invites).toEqual([]);
  await leave(ca, cb, later);
});

test("an invite expires on the injected clock: gone from snapshots and the party, accept refused", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const view = await ok<PartyView>(ca, M.PartyInvite, { accountId: b!.id });
  await partyInvite(cb, a!);

  clock.advance((TTL_SECONDS - 1) * 1000);
  const stillThere = await connect(b!);
  expect((await snapshotOf(stillThere)).invites.map((i) => i.partyId)).toEqual([view.id]);

  clock.advance(1000);
  const afterExpiry = await connect(b!);
  expect((await snapshotOf(afterExpiry)).invites).toEqual([]);
  expect(await refusedCode(cb, M.PartyAccept, { partyId: view.id })).toBe(ErrorCode.PartyInviteNotFound);
  const leaderView = await connect(a!);
  expect((await snapshotOf(leaderView)).party).toMatchObject({ id: view.id, invites: [] });
  await leave(ca, cb, stillThere, afterExpiry, leaderView);
});

test("leave: the leaver gets party null (left), the rest see them gone; leaving again is refused", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);

  const from = ca.log.mark;
  await ok(cb, M.PartyLeave);
  expect(await partyGone(cb, party.id)).toEqual({ partyId: party.id, party: null, reason: "left" });
  expect((await partyUpdate(ca, hasMembers(a!), from)).leaderId).toBe(a!.id);
  expect(await refusedCode(cb, M.PartyLeave)).toBe(ErrorCode.NotInParty);
  // The last member leaving ends the party.
  await ok(ca, M.PartyLeave);
  expect(await partyGone(ca, party.id)).toMatchObject({ party: null });
  const later = await connect(a!);
  expect((await snapshotOf(later)).party).toBeNull();
  await leave(ca, cb, later);
});

test("kick: only the leader kicks; the kicked member gets party null (kicked)", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);

  expect(await refusedCode(cb, M.PartyKick, { accountId: a!.id })).toBe(ErrorCode.NotPartyLeader);
  expect(await refusedCode(ca, M.PartyKick, { accountId: a!.id })).toBe(ErrorCode.CannotTargetSelf);
  const from = ca.log.mark;
  await ok(ca, M.PartyKick, { accountId: b!.id });
  expect(await partyGone(cb, party.id)).toEqual({ partyId: party.id, party: null, reason: "kicked" });
  await partyUpdate(ca, hasMembers(a!), from);
  expect(await refusedCode(ca, M.PartyKick, { accountId: b!.id })).toBe(ErrorCode.NotPartyMember);
  await leave(ca, cb);
});

test("promote: the lead moves to the member (ready), the old leader loses leader rights", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  await formParty(ca, cb);

  expect(await refusedCode(cb, M.PartyPromote, { accountId: b!.id })).toBe(ErrorCode.NotPartyLeader);
  await ok(ca, M.PartyPromote, { accountId: b!.id });
  for (const c of [ca, cb]) {
    const p = await partyUpdate(c, (v) => v.leaderId === b!.id);
    expect(p.members.find((m) => m.id === b!.id)!.ready).toBe(true);
  }
  expect(await refusedCode(ca, M.PartyKick, { accountId: b!.id })).toBe(ErrorCode.NotPartyLeader);
  expect(await refusedCode(ca, M.PartyDisband)).toBe(ErrorCode.NotPartyLeader);
  await leave(ca, cb);
});

test("disband: every member gets party null (disbanded); the party is gone", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);

  expect(await refusedCode(cb, M.PartyDisband)).toBe(ErrorCode.NotPartyLeader);
  await ok(ca, M.PartyDisband);
  for (const c of [ca, cb]) expect(await partyGone(c, party.id)).toEqual({ partyId: party.id, party: null, reason: "disbanded" });
  await settle(ca, cb);
  // Nothing after the farewell.
  for (const c of [ca, cb]) expect(partyUpdates(c).at(-1)).toMatchObject({ party: null });
  expect(await refusedCode(ca, M.PartyLeave)).toBe(ErrorCode.NotInParty);
  const later = await connect(b!);
  expect((await snapshotOf(later)).party).toBeNull();
  await leave(ca, cb, later);
});

test("size limit: a full party refuses invites and accepts (party_full)", async () => {
  const [a, b, c] = await accounts(3);
  await befriendAll(a!, b!, c!);
  const [ca, cb, cc] = await Promise.all([connect(a!), connect(b!), connect(c!)]);
  // Two invites out while there is room; the second accept finds the party full.
  const view = await ok<PartyView>(ca, M.PartyInvite, { accountId: b!.id });
  await ok(ca, M.PartyInvite, { accountId: c!.id });
  await Promise.all([partyInvite(cb, a!), partyInvite(cc, a!)]);
  await ok(cb, M.PartyAccept, { partyId: view.id });
  expect(await refusedCode(cc, M.PartyAccept, { partyId: view.id })).toBe(ErrorCode.PartyFull);
  expect(await refusedCode(ca, M.PartyInvite, { accountId: c!.id })).toBe(ErrorCode.PartyFull);
  await partyUpdate(ca, hasMembers(a!, b!));
  expect(await refusedCode(cc, M.PartyLeave)).toBe(ErrorCode.NotInParty);
  await leave(ca, cb, cc);
});
