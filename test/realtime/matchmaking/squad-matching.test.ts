import { ManualClock } from "../../../server/lib/clock";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import {
  allReady,
  befriendAll,
  formParty,
  freshRegion,
  isState,
  matchesFound,
  matchesOf,
  matchFound,
  ok,
  PARTY_TEST_ENV,
  queueUpdate,
  storedTicket,
} from "../../helpers/parties";
import { connect, leave, newAccount, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// The matcher over real tickets: a party stays on one team; concurrent ticks never place a player
// in two matches.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...PARTY_TEST_ENV }, { clock });
});
afterAll(() => t.close());

test("squad 2v2: a party of two and two solos make one match, the party on one team", async () => {
  const [a, b, c, d] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await befriendAll(a, b);
  const [ca, cb, cc, cd] = await Promise.all([connect(a), connect(b), connect(c), connect(d)]);
  await formParty(ca, cb);
  await allReady(ca, cb);
  const region = freshRegion();
  await ok(ca, M.QueueJoin, { mode: "squad", region });
  await ok(cc, M.QueueJoin, { mode: "squad", region });
  await ok(cd, M.QueueJoin, { mode: "squad", region });

  const formed = await t.server.services.matchmaking.tick();
  expect(formed).toHaveLength(1);
  const found = await Promise.all([ca, cb, cc, cd].map((x) => matchFound(x)));
  expect(new Set(found.map((f) => f.matchId))).toEqual(new Set([formed[0]!.id]));
  const teamOf = new Map([a, b, c, d].map((x, i) => [x.id, found[i]!.team]));
  expect(teamOf.get(a.id)).toBe(teamOf.get(b.id));
  expect(teamOf.get(c.id)).toBe(teamOf.get(d.id));
  expect(teamOf.get(a.id)).not.toBe(teamOf.get(c.id));
  expect(formed[0]!.teams.map((team) => team.map((p) => p.accountId).sort())).toContainEqual([a.id, b.id].sort());
  for (const x of [ca, cb, cc, cd]) await queueUpdate(x, isState("matched"));
  await leave(ca, cb, cc, cd);
});

test("two ticks at once form one match: nobody is placed twice", async () => {
  const players = await Promise.all(Array.from({ length: 4 }, () => newAccount(t.url)));
  const conns = await Promise.all(players.map((p) => connect(p)));
  const region = freshRegion();
  for (const c of conns) await ok(c, M.QueueJoin, { mode: "duel", region });

  const ticks = await Promise.all([t.server.services.matchmaking.tick(), t.server.services.matchmaking.tick(), t.server.services.matchmaking.tick()]);
  const formed = ticks.flat();
  // Two duels from four players, each player in exactly one.
  const placed = formed.flatMap((m) => m.teams.flat().map((p) => p.accountId));
  expect(placed.sort()).toEqual(players.map((p) => p.id).sort());
  expect(formed).toHaveLength(2);
  await Promise.all(conns.map((c) => matchFound(c)));
  await settle(...conns);
  for (const [i, c] of conns.entries()) {
    expect(matchesFound(c)).toHaveLength(1);
    expect(await matchesOf(t.db.url, players[i]!.id)).toHaveLength(1);
    expect(await storedTicket(t.db.url, players[i]!.id)).toMatchObject({ status: "MATCHED" });
  }
  await leave(...conns);
});
