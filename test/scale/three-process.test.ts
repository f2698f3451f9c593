import crypto from "node:crypto";
import { matchMaker } from "@colyseus/core";
import type { Room } from "@colyseus/sdk";
import { CloseCode } from "../../shared/codes";
import { dmChannelId } from "../../shared/schemas/chat";
import { LobbyClientMessage as M } from "../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchHistoryResponse, type MatchResultMessage } from "../../shared/schemas/match";
import type { PartyView } from "../../shared/schemas/party";
import { CHAT_TEST_ENV, dm, join, range, received, receivedSeq, say, seqs } from "../helpers/chat";
import { freePort, startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { request } from "../helpers/http";
import { closeCode, formParty, freshRegion, hasMembers, matchFound, ok, PARTY_TEST_ENV, partyUpdate, roomState } from "../helpers/parties";
import { createLobbyOn, otherProcessIds } from "../helpers/placement";
import { connect, friendsUpdate, inSnapshot, isStatus, leave, newAccount, presenceUpdate, type Account, type Connection } from "../helpers/presence";
import { testRedisUrl } from "../helpers/redis";
import { startTestServer, testSecret, type TestServer } from "../helpers/test-server";

// Three server processes share one PostgreSQL database and one Redis: this one ("p1") and two
// children ("p2", "p3"). Four players spread over them go from registration to a match result:
// friends, presence, a public channel, a DM, a party across processes, the queue (this process
// ticks: MATCH_TICK_MS is an hour everywhere, and the lease makes it the queue owner), and the
// match room, wherever the driver created it. Each player's HTTP calls go to their own process.
type Side = "p1" | "p2" | "p3";
interface Proc {
  url: string;
  processId: string;
  /** PUBLIC_ADDRESS: what seat reservations and room listings name. */
  address: string;
}

// Chat topics are namespaced by the Redis database index (backplane/presence-chat-topics.ts), and each test process
// leases its own index; the run's own channel name keeps it apart even from a second run that
// happened to lease the same index.
const CHANNEL_NAME = `e2e-${crypto.randomBytes(4).toString("hex")}`;
const PUBLIC = `public:${CHANNEL_NAME}`;

const at = (port: number) => ({ PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}` });
/**
 * A child server on a port freePort() found free. Another process can bind that port before the
 * child (tsx takes a moment to start), so a bind failure retries on a fresh port.
 */
async function startChild(env: Record<string, string>): Promise<ChildServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startChildServer({ ...env, ...at(await freePort()) });
    } catch (err) {
      if (attempt === 3 || !String(err).includes("EADDRINUSE")) throw err;
    }
  }
}

let db: TestDatabase;
let t: TestServer;
let children: ChildServer[] = [];
const procs = {} as Record<Side, Proc>;

beforeAll(async () => {
  const redisUrl = await testRedisUrl();
  db = await createTestDatabase();
  const shared = {
    ...CHAT_TEST_ENV,
    ...PARTY_TEST_ENV,
    CHAT_CHANNELS: `general,${CHANNEL_NAME}`,
    LOBBY_RECONNECT_SECONDS: "0",
    MATCH_TARGET_SCORE: "3",
    MATCH_SCORE_COOLDOWN_MS: "0",
    // The match room may run on a child while the deadline comes from this process' tick.
    MATCH_JOIN_DEADLINE_SECONDS: "300",
    REDIS_URL: redisUrl,
    JWT_SECRET: testSecret(),
  };
  const p1Port = await freePort();
  t = await startTestServer({ ...shared, ...at(p1Port) }, { db });
  // Both children at once; every one that started is stopped in afterAll, even if the other failed.
  const started = await Promise.allSettled([0, 1].map(() => startChild({ ...shared, DATABASE_URL: db.url })));
  children = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  for (const s of started) if (s.status === "rejected") throw s.reason;

  // Which child is which process: a lobby created on each process is listed with its address.
  const others = await otherProcessIds();
  expect(others).toHaveLength(2);
  const byAddress = new Map<string, string>();
  for (const processId of others) {
    const [listing] = await matchMaker.query({ roomId: await createLobbyOn(processId) });
    byAddress.set(listing!.publicAddress!, processId);
  }
  procs.p1 = { url: t.url, processId: matchMaker.processId, address: at(p1Port).PUBLIC_ADDRESS };
  (["p2", "p3"] as const).forEach((side, i) => {
    const address = at(children[i]!.port).PUBLIC_ADDRESS;
    procs[side] = { url: children[i]!.url, processId: byAddress.get(address)!, address };
  });
  expect(new Set(Object.values(procs).map((p) => p.processId)).size).toBe(3);
}, 90_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await t?.close();
  await db?.drop();
});

const home = new Map<string, Side>();
async function player(side: Side): Promise<Account> {
  const account = await newAccount(procs[side].url);
  home.set(account.id, side);
  return account;
}
/** A lobby connection of `account` on its own process. */
async function online(account: Account): Promise<Connection> {
  const side = home.get(account.id)!;
  const conn = await connect(account, { roomId: await createLobbyOn(procs[side].processId) });
  expect(Boolean(matchMaker.getLocalRoomById(conn.room.roomId))).toBe(side === "p1");
  return conn;
}

/** Friend request over HTTP from `x` (on its process), accepted by `y` (on its own); both see it live. */
async function befriendLive(x: Connection, y: Connection): Promise<void> {
  const [a, b] = [x.account, y.account];
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await Promise.all([friendsUpdate(x, b, "outgoing"), friendsUpdate(y, a, "incoming")]);
  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);
  await Promise.all([friendsUpdate(x, b, "friend"), friendsUpdate(y, a, "friend")]);
  expect(await presenceUpdate(x, b, isStatus("online"))).toMatchObject({ activity: { kind: "lobby" } });
  expect(await presenceUpdate(y, a, isStatus("online"))).toMatchObject({ activity: { kind: "lobby" } });
}

interface MatchView {
  phase: string;
  teamScores: number[];
}

test("four players on three processes: friends, presence, chat, a cross-process party, matchmaking and a played match", async () => {
  // A leads a party (p1) with B (p2); C (p3) and D (p2) queue solo.
  const [a, b, c, d] = await Promise.all([player("p1"), player("p2"), player("p3"), player("p2")]);
  const [ca, cb, cc] = [await online(a), await online(b), await online(c)];

  // Friends across every pair of processes, with presence live both ways.
  await befriendLive(ca, cb); // p1 - p2
  await befriendLive(ca, cc); // p1 - p3
  await befriendLive(cb, cc); // p2 - p3
  // D befriends A and C while offline, then comes online: a snapshot, and updates to the others.
  for (const friend of [ca, cc]) {
    await d.client.http.sendFriendRequest(d.client.accessToken, friend.account.username);
    await friend.account.client.http.acceptFriendRequest(friend.account.client.accessToken, d.id);
  }
  const cd = await online(d);
  for (const friend of [ca, cc]) {
    expect(inSnapshot(cd, friend.account)).toMatchObject({ status: "online" });
    await presenceUpdate(friend, d, isStatus("online"));
  }
  const everyone = [ca, cb, cc, cd];

  // A public channel with members on all three processes: messages sent on p2 reach everyone once, in seq order.
  for (const conn of everyone) await join(conn, PUBLIC);
  const sent = [await say(cb, PUBLIC, "from p2 #1"), await say(cb, PUBLIC, "from p2 #2"), await say(cd, PUBLIC, "from p2 #3")];
  const marker = await say(ca, PUBLIC, "from p1, last");
  expect(seqs([...sent, marker])).toEqual(range(sent[0]!.seq, sent[0]!.seq + 3));
  await Promise.all(everyone.map((conn) => receivedSeq(conn, PUBLIC, marker.seq)));
  for (const conn of everyone) expect(received(conn, PUBLIC)).toEqual([...sent, marker]);

  // A DM from C (p3) to A (p1).
  const direct = await dm(cc, a, "hello from p3");
  expect(direct.channelId).toBe(dmChannelId(a.id, c.id));
  await receivedSeq(ca, direct.channelId, direct.seq);
  expect(received(ca, direct.channelId)).toEqual([direct]);

  // A party across processes: A (p1) invites B (p2), B accepts, both ready.
  const party = await formParty(ca, cb);
  expect(party.leaderId).toBe(a.id);
  await ok(cb, M.PartyReady, { ready: true }); // the leader is ready from the start
  const allReady = (p: PartyView) => hasMembers(a, b)(p) && p.members.every((m) => m.ready);
  await Promise.all([partyUpdate(ca, allReady), partyUpdate(cb, allReady)]);

  // All queue for squad (2v2) in one fresh region; one tick in p1 forms exactly one match.
  const region = freshRegion();
  for (const conn of [ca, cc, cd]) await ok(conn, M.QueueJoin, { mode: "squad", region });
  const formed = await t.server.services.matchmaking.tick();
  expect(formed).toHaveLength(1);
  const found = await Promise.all(everyone.map((conn) => matchFound(conn)));
  expect(new Set(found.map((f) => f.matchId))).toEqual(new Set([formed[0]!.id]));
  expect(new Set(found.map((f) => f.reservation.roomId)).size).toBe(1);
  const [fa, fb, fc, fd] = found as [(typeof found)[0], (typeof found)[0], (typeof found)[0], (typeof found)[0]];
  expect(fb.team).toBe(fa.team);
  expect(fd.team).toBe(fc.team);
  expect(fc.team).not.toBe(fa.team);
  const host = (Object.keys(procs) as Side[]).find((side) => procs[side].processId === fa.reservation.processId)!;
  expect(host).toBeDefined();
  for (const f of found) expect(f.reservation).toMatchObject({ processId: procs[host].processId, publicAddress: procs[host].address });

  // Everyone joins the one match room with their reservation, wherever it runs.
  const rooms: Room[] = await Promise.all(everyone.map((conn, i) => conn.account.client.colyseus.consumeSeatReservation(found[i]!.reservation as never)));
  const results = rooms.map((room) => new Promise<MatchResultMessage>((resolve) => room.onMessage(MatchServerMessage.Result, resolve)));
  const closed = rooms.map(closeCode);
  await Promise.all(rooms.map((room) => roomState<MatchView>(room, (s) => s.phase === "playing")));
  const [ra, rb, rc] = rooms as [Room, Room, Room, Room];

  // C scores once (seen by all), then A and B take their team to the target of 3.
  rc.send(MatchClientMessage.Score, {});
  await Promise.all(rooms.map((room) => roomState<MatchView>(room, (s) => s.teamScores[fc.team] === 1)));
  ra.send(MatchClientMessage.Score, {});
  rb.send(MatchClientMessage.Score, {});
  ra.send(MatchClientMessage.Score, {});
  const all = await Promise.all(results);
  for (const result of all) expect(result).toEqual(all[0]);
  const result = all[0]!;
  expect(result).toMatchObject({ matchId: fa.matchId, winnerTeam: fa.team, reason: "target_reached" });
  expect(result.scores[fa.team]).toBe(3);
  expect(result.scores[fc.team]).toBe(1);
  expect(result.ratings.map((r) => r.accountId).sort()).toEqual([a.id, b.id, c.id, d.id].sort());
  for (const r of result.ratings) {
    if (r.team === fa.team) expect(r.after).toBeGreaterThan(r.before);
    else expect(r.after).toBeLessThan(r.before);
  }
  expect(await Promise.all(closed)).toEqual(rooms.map(() => CloseCode.MatchFinished));

  // Match history, asked of each player's own process wherever that is not the match's host.
  const askers = everyone.filter((conn) => home.get(conn.account.id) !== host);
  expect(askers.length).toBeGreaterThan(0);
  for (const conn of askers) {
    const { account } = conn;
    const res = await request(procs[home.get(account.id)!].url, "GET", "/matches/history", { token: account.client.accessToken });
    expect(res.status).toBe(200);
    const mine = found[everyone.indexOf(conn)]!;
    expect((res.body as MatchHistoryResponse).items).toEqual([
      expect.objectContaining({
        id: mine.matchId,
        mode: "squad",
        region,
        status: "finished",
        winnerTeam: fa.team,
        you: expect.objectContaining({ team: mine.team, won: mine.team === fa.team }),
      }),
    ]);
  }
  await leave(...everyone);
}, 90_000);
