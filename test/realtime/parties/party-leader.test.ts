import { ErrorCode as ColyseusErrorCode } from "@colyseus/sdk";
import { ManualClock } from "../../../server/lib/clock";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import type { PartyView } from "../../../shared/schemas/party";
import { dropConnection, reconnect } from "../../helpers/chat";
import { befriendAll, hasMembers, ok, PARTY_TEST_ENV, partyGone, partyInvite, partyUpdate, refusedCode, snapshotOf } from "../../helpers/parties";
import { newPlayers } from "../../helpers/factories";
import { connect, leave, type Account, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Losing the leader: the longest-standing member takes over when the leader leaves or is gone
// for good (past LOBBY_RECONNECT_SECONDS on the injected clock); a member back within the window
// never left.
const WINDOW_SECONDS = 30;
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV, PARTY_MAX_SIZE: "4", LOBBY_RECONNECT_SECONDS: String(WINDOW_SECONDS) }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);

/** A party led by `leader`, members joining in the given order (1 s apart on the clock). */
async function partyInOrder(leader: Connection, ...members: Connection[]): Promise<PartyView> {
  const created = await ok<PartyView>(leader, M.PartyCreate);
  for (const m of members) {
    clock.advance(1000);
    const at = m.log.mark;
    await ok(leader, M.PartyInvite, { accountId: m.account.id });
    await partyInvite(m, leader.account, at);
    await ok(m, M.PartyAccept, { partyId: created.id });
  }
  const everyone: Account[] = [leader, ...members].map((c) => c.account);
  await Promise.all([leader, ...members].map((c) => partyUpdate(c, hasMembers(...everyone))));
  return created;
}

test("the leader leaves: the oldest member leads (and is ready); the next leaves in turn", async () => {
  const [a, b, c] = await accounts(3);
  await befriendAll(a!, b!, c!);
  const [ca, cb, cc] = await Promise.all([connect(a!), connect(b!), connect(c!)]);
  const party = await partyInOrder(ca, cb, cc);

  await ok(ca, M.PartyLeave);
  expect(await partyGone(ca, party.id)).toMatchObject({ reason: "left" });
  for (const conn of [cb, cc]) {
    const p = await partyUpdate(conn, (v) => v.leaderId === b!.id);
    expect(p.members.map((m) => m.id)).toEqual([b!.id, c!.id]);
    expect(p.members[0]!.ready).toBe(true);
  }
  expect(await refusedCode(cc, M.PartyKick, { accountId: b!.id })).toBe("not_party_leader");
  await ok(cb, M.PartyLeave);
  expect((await partyUpdate(cc, (v) => v.leaderId === c!.id)).members.map((m) => m.id)).toEqual([c!.id]);
  await leave(ca, cb, cc);
});

test("the leader drops for good (past the reconnect window): a new leader, and the leader is out", async () => {
  const [a, b, c] = await accounts(3);
  await befriendAll(a!, b!, c!);
  const [ca, cb, cc] = await Promise.all([connect(a!), connect(b!), connect(c!)]);
  await partyInOrder(ca, cb, cc);

  // Each connection's own place in its own log (the logs differ in length).
  const from = cb.log.mark;
  const fromC = cc.log.mark;
  const token = await dropConnection(ca, cb);
  // While the seat is held the leader is still the leader, shown offline.
  const held = await partyUpdate(cb, (p) => p.members.find((m) => m.id === a!.id)?.status === "offline", from);
  expect(held.leaderId).toBe(a!.id);

  clock.advance(WINDOW_SECONDS * 1000);
  const refused = await a!.client.colyseus.reconnect(token).then(
    () => null,
    (err: { code?: number }) => err.code,
  );
  expect(refused).toBe(ColyseusErrorCode.MATCHMAKE_EXPIRED);
  for (const [conn, mark] of [[cb, from], [cc, fromC]] as const) {
    const p = await partyUpdate(conn, (v) => v.leaderId === b!.id, mark);
    expect(p.members.map((m) => m.id)).toEqual([b!.id, c!.id]);
  }
  const back = await connect(a!);
  expect((await snapshotOf(back)).party).toBeNull();
  expect(ca.log.of(M.PartyInvite)).toEqual([]);
  await leave(cb, cc, back);
});

test("a member who drops and reconnects within the window is still in the party and gets its state", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await partyInOrder(ca, cb);

  const from = ca.log.mark;
  const token = await dropConnection(cb, ca);
  await partyUpdate(ca, (p) => p.members.find((m) => m.id === b!.id)?.status === "offline", from);

  clock.advance((WINDOW_SECONDS - 1) * 1000);
  const snapshotsBefore = cb.log.of("party.snapshot").length;
  const back = await reconnect(cb, token);
  const again = await partyUpdate(ca, (p) => p.members.find((m) => m.id === b!.id)?.status === "online", from);
  expect(again).toMatchObject({ id: party.id, leaderId: a!.id });
  expect(again.members.map((m) => m.id)).toEqual([a!.id, b!.id]);
  await back.log.waitFor("party.snapshot", () => back.log.of("party.snapshot").length > snapshotsBefore);
  expect(back.log.of<{ party: PartyView | null }>("party.snapshot").at(-1)!.party).toMatchObject({ id: party.id, leaderId: a!.id });
  // Still a member: it can act in the party.
  await ok(back, M.PartyReady, { ready: true });
  await partyUpdate(ca, (p) => p.members.every((m) => m.ready));
  await leave(ca, back);
});
