import { MatchmakeErrorCode } from "../../shared/codes";
import { MatchMakeError } from "@colyseus/sdk";
import { LobbyClientMessage as M } from "../../shared/schemas/lobby";
import { attempt } from "../helpers/chat";
import { freshRegion, hasMembers, matchFound, ok, partyInvite, partyUpdate, formParty } from "../helpers/parties";
import { call, expectUnavailable, internalErrors, notUnavailable, startPgFaultServer, unexpectedFailures, type PgFault, type PgFaultServer } from "../helpers/pg-outage";
import { newPlayers } from "../helpers/factories";
import { befriend, connect, leave, newAccount, notification, type Connection } from "../helpers/presence";
import { GOOD_PASSWORD, uniqueUsername } from "../helpers/test-server";

// Notifications, parties, matchmaking and the rate-limited HTTP routes while PostgreSQL is cut or
// blackholed (Redis up, holding the rate limits), then back: every request is answered (503 or
// service_unavailable, never 500 / internal_error, never left waiting) and works again after.
let s: PgFaultServer;
const opened: Connection[] = [];

beforeAll(async () => {
  s = await startPgFaultServer();
}, 30_000);
afterAll(async () => {
  await leave(...opened);
  await s.close();
});

async function players(n: number, friends = false): Promise<Connection[]> {
  const accounts = await newPlayers(s.t.url, n);
  if (friends) for (let i = 1; i < n; i++) await befriend(accounts[0]!, accounts[i]!);
  const conns: Connection[] = [];
  for (const account of accounts) conns.push(await connect(account));
  opened.push(...conns);
  return conns;
}

/** A join that should have been refused: closed again, and reported as what it is. */
async function leaveAgain(conn: Connection): Promise<string> {
  await leave(conn);
  return "joined";
}

describe.each<PgFault>(["blackhole", "cut"])("PostgreSQL %s", (kind) => {
  test("a friend request during the outage: 503 service_unavailable; after it, the request works and its notification arrives", async () => {
    const [ca, cc] = await players(2);
    const a = ca!.account;
    const c = cc!.account;
    const during = await s.outage(kind, () => call(s.t.url, "POST", "/friends/requests", { token: a.client.accessToken, body: { username: c.username } }));
    expectUnavailable(during);
    const from = cc!.log.mark;
    await a.client.http.sendFriendRequest(a.client.accessToken, c.username);
    expect(await notification(cc!, "friend_request", a, from)).toMatchObject({ type: "friend_request" });
    expect(internalErrors(ca!, cc!)).toEqual([]);
  }, 30_000);

  test("a party invite during the outage is refused with service_unavailable or works; after it, a party forms", async () => {
    const [cl, cm] = await players(2, true);
    const at = cm!.log.mark;
    const during = await s.outage(kind, () => attempt(cl!, M.PartyInvite, { accountId: cm!.account.id }));
    expect(notUnavailable(during.errors)).toEqual([]);
    if (during.errors.length === 0) {
      const invite = await partyInvite(cm!, cl!.account, at);
      await ok(cm!, M.PartyAccept, { partyId: invite.partyId });
      await Promise.all([cl!, cm!].map((c) => partyUpdate(c, hasMembers(cl!.account, cm!.account))));
    } else {
      await formParty(cl!, cm!);
    }
    expect(internalErrors(cl!, cm!)).toEqual([]);
  }, 30_000);

  test("a queue join during the outage is refused with service_unavailable or works; after it, two players are matched", async () => {
    const [c1, c2] = await players(2);
    const region = freshRegion();
    const during = await s.outage(kind, () => attempt(c1!, M.QueueJoin, { mode: "duel", region }));
    expect(notUnavailable(during.errors)).toEqual([]);
    if (during.errors.length > 0) await ok(c1!, M.QueueJoin, { mode: "duel", region });
    await ok(c2!, M.QueueJoin, { mode: "duel", region });
    expect(await s.t.server.services.matchmaking.tick()).toHaveLength(1);
    const [f1, f2] = await Promise.all([matchFound(c1!), matchFound(c2!)]);
    expect(f1.matchId).toBe(f2.matchId);
    expect(internalErrors(c1!, c2!)).toEqual([]);
  }, 30_000);

  test("joining the lobby during the outage is refused (not left waiting); after it, joining works", async () => {
    const x = await newAccount(s.t.url);
    const refusal = await s.outage(kind, () => connect(x).then(leaveAgain, (err: unknown) => err));
    expect(refusal).toBeInstanceOf(MatchMakeError);
    // A store outage, not a bad token: 503 (retry with jitter), never 525 AUTH_FAILED.
    expect((refusal as MatchMakeError).code).toBe(MatchmakeErrorCode.ServerBusy);
    const conn = await connect(x);
    opened.push(conn);
    expect(conn.room.connection.isOpen).toBe(true);
  }, 30_000);

  test("registration and login during the outage: 503 service_unavailable; after it, both work", async () => {
    const known = await newAccount(s.t.url);
    const username = uniqueUsername("r");
    const [registered, loggedIn] = await s.outage(kind, async () => [
      await call(s.t.url, "POST", "/auth/register", { body: { username, password: GOOD_PASSWORD } }),
      await call(s.t.url, "POST", "/auth/login", { body: { username: known.username, password: GOOD_PASSWORD } }),
    ]);
    expectUnavailable(registered!);
    expectUnavailable(loggedIn!);
    expect((await call(s.t.url, "POST", "/auth/register", { body: { username, password: GOOD_PASSWORD } })).status).toBe(201);
    expect((await call(s.t.url, "POST", "/auth/login", { body: { username: known.username, password: GOOD_PASSWORD } })).status).toBe(200);
    expect((await call(s.t.url, "GET", "/friends", { token: known.client.accessToken })).status).toBe(200);
  }, 30_000);
});

test("the outages' refused requests were logged as the database being unavailable; none as an unexpected failure", () => {
  expect(s.logs.lines().filter((l) => l.msg === "database unavailable").length).toBeGreaterThan(0);
  expect(unexpectedFailures(s.logs)).toEqual([]);
});
