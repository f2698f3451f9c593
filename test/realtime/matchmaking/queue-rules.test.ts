import { ErrorCode as ColyseusErrorCode } from "@colyseus/sdk";
import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { QueueUpdateMessage } from "../../../shared/schemas/matchmaking";
import { dropConnection, reconnect } from "../../helpers/chat";
import {
  allReady,
  befriendAll,
  formParty,
  freshRegion,
  isState,
  ok,
  PARTY_TEST_ENV,
  partyUpdate,
  queueUpdate,
  queueUpdates,
  refusedCode,
  storedTicket,
} from "../../helpers/parties";
import { newPlayers } from "../../helpers/factories";
import { connect, leave, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Who may queue, what a party needs to queue, one ticket per player, and every way a search
// ends: queue.leave by any member, a member leaving the party, a player gone for good.
const WINDOW_SECONDS = 30;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, LOBBY_RECONNECT_SECONDS: String(WINDOW_SECONDS) }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);

async function pair() {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);
  return { a: a!, b: b!, ca, cb, party };
}

test("a party queues only through its leader, all ready, and only for a mode its size fits", async () => {
  const { ca, cb } = await pair();
  const region = freshRegion();
  expect(await refusedCode(ca, M.QueueJoin, { mode: "squad", region })).toBe(ErrorCode.PartyNotReady);
  await allReady(ca, cb);
  expect(await refusedCode(cb, M.QueueJoin, { mode: "squad", region })).toBe(ErrorCode.NotPartyLeader);
  expect(await refusedCode(ca, M.QueueJoin, { mode: "duel", region })).toBe(ErrorCode.PartyTooLarge);
  expect(await refusedCode(ca, M.QueueJoin, { mode: "ffa", region })).toBe(ErrorCode.PartyTooLarge);
  await settle(ca, cb);
  expect([...queueUpdates(ca), ...queueUpdates(cb)]).toEqual([]);
  await leave(ca, cb);
});

test("unknown modes and regions are refused; one ticket per player", async () => {
  const [a] = await accounts(1);
  const ca = await connect(a!);
  const region = freshRegion();
  expect(await refusedCode(ca, M.QueueJoin, { mode: "chess", region })).toBe(ErrorCode.UnknownMode);
  expect(await refusedCode(ca, M.QueueJoin, { mode: "duel", region: "mars" })).toBe(ErrorCode.UnknownRegion);
  expect(await refusedCode(ca, M.QueueJoin, { mode: "Duel!", region })).toBe(ErrorCode.InvalidMessage);
  expect(await refusedCode(ca, M.QueueLeave)).toBe(ErrorCode.NotQueued);

  const first = await ok<QueueUpdateMessage>(ca, M.QueueJoin, { mode: "duel", region });
  expect(first).toEqual({ state: "searching", mode: "duel", region, since: new Date(clock.now()).toISOString() });
  expect(await refusedCode(ca, M.QueueJoin, { mode: "duel", region })).toBe(ErrorCode.AlreadyQueued);
  expect(await refusedCode(ca, M.QueueJoin, { mode: "ffa", region })).toBe(ErrorCode.AlreadyQueued);
  // Another connection of the same account is the same player.
  const other = await connect(a!);
  expect(await refusedCode(other, M.QueueJoin, { mode: "squad", region })).toBe(ErrorCode.AlreadyQueued);
  expect((await storedTicket(t.db.url, a!.id))?.players).toEqual([a!.id]);
  await ok(other, M.QueueLeave);
  await queueUpdate(ca, isState("idle", "cancelled"));
  expect(await storedTicket(t.db.url, a!.id)).toBeNull();
  await leave(ca, other);
});

test("every member hears the search start and the party shows it; any member's queue.leave ends it", async () => {
  const { a, b, ca, cb, party } = await pair();
  await allReady(ca, cb);
  const region = freshRegion();
  const reply = await ok<QueueUpdateMessage>(ca, M.QueueJoin, { mode: "squad", region });
  for (const c of [ca, cb]) {
    expect(await queueUpdate(c, isState("searching"))).toEqual(reply);
    expect((await partyUpdate(c, (p) => p.queue !== null)).queue).toEqual({ mode: "squad", region, since: reply.since });
  }
  const ticket = await storedTicket(t.db.url, b.id);
  expect(ticket?.players.sort()).toEqual([a.id, b.id].sort());

  // A searching party does not change members.
  expect(await refusedCode(cb, M.QueueJoin, { mode: "squad", region })).toBe(ErrorCode.NotPartyLeader);
  expect(await refusedCode(ca, M.PartyPromote, { accountId: b.id })).toBe(ErrorCode.PartyBusy);

  await ok(cb, M.QueueLeave);
  for (const c of [ca, cb]) {
    expect(await queueUpdate(c, isState("idle"))).toEqual({ state: "idle", reason: "cancelled" });
    await partyUpdate(c, (p) => p.id === party.id && p.queue === null && p.version > party.version);
  }
  expect(await storedTicket(t.db.url, a.id)).toBeNull();
  await leave(ca, cb);
});

test("a member leaving the party cancels its ticket (member_left) for everyone", async () => {
  const { a, b, ca, cb } = await pair();
  await allReady(ca, cb);
  await ok(ca, M.QueueJoin, { mode: "squad", region: freshRegion() });
  await Promise.all([queueUpdate(ca, isState("searching")), queueUpdate(cb, isState("searching"))]);

  await ok(cb, M.PartyLeave);
  for (const c of [ca, cb]) expect(await queueUpdate(c, isState("idle"))).toEqual({ state: "idle", reason: "member_left" });
  expect(await storedTicket(t.db.url, a.id)).toBeNull();
  expect(await storedTicket(t.db.url, b.id)).toBeNull();
  await leave(ca, cb);
});

test("a kicked member also ends the search (member_left)", async () => {
  const { ca, cb } = await pair();
  await allReady(ca, cb);
  await ok(ca, M.QueueJoin, { mode: "squad", region: freshRegion() });
  await queueUpdate(cb, isState("searching"));
  await ok(ca, M.PartyKick, { accountId: cb.account.id });
  for (const c of [ca, cb]) expect(await queueUpdate(c, isState("idle"))).toMatchObject({ reason: "member_left" });
  await leave(ca, cb);
});

test("a solo player who drops keeps searching within the window, and loses the ticket once gone for good", async () => {
  const [a, friend] = await accounts(2);
  await befriendAll(a!, friend!);
  const [ca, cf] = await Promise.all([connect(a!), connect(friend!)]);
  await ok(ca, M.QueueJoin, { mode: "duel", region: freshRegion() });

  let token = await dropConnection(ca, cf);
  clock.advance((WINDOW_SECONDS - 1) * 1000);
  const back = await reconnect(ca, token);
  expect((await storedTicket(t.db.url, a!.id))?.status).toBe("WAITING");

  token = await dropConnection(back, cf);
  expect((await storedTicket(t.db.url, a!.id))?.status).toBe("WAITING");
  clock.advance(WINDOW_SECONDS * 1000);
  // The refusal comes once the server has finished with the connection.
  const refused = await a!.client.colyseus.reconnect(token).then(
    () => null,
    (err: { code?: number }) => err.code,
  );
  expect(refused).toBe(ColyseusErrorCode.MATCHMAKE_EXPIRED);
  expect(await storedTicket(t.db.url, a!.id)).toBeNull();
  await leave(cf);
});

test("a party member gone for good ends the party's search (disconnected) and leaves the party", async () => {
  const { a, b, ca, cb, party } = await pair();
  await allReady(ca, cb);
  await ok(ca, M.QueueJoin, { mode: "squad", region: freshRegion() });
  await queueUpdate(ca, isState("searching"));

  const token = await dropConnection(cb, ca);
  clock.advance(WINDOW_SECONDS * 1000);
  await b.client.colyseus.reconnect(token).catch(() => undefined);
  expect(await queueUpdate(ca, isState("idle"))).toEqual({ state: "idle", reason: "disconnected" });
  const left = await partyUpdate(ca, (p) => p.members.length === 1);
  expect(left).toMatchObject({ id: party.id, leaderId: a.id, queue: null });
  expect(await storedTicket(t.db.url, a.id)).toBeNull();
  await leave(ca);
});
