import { LobbyClient, LobbyRefusalError, type ConnectionStatus, type LobbyConnection, type MatchConnection, type MatchOutcome } from "../../shared/client";
import { ErrorCode } from "../../shared/codes";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../shared/schemas/lobby-server-messages";
import type { MatchFoundMessage } from "../../shared/schemas/matchmaking";
import { until } from "../helpers/until";
import { TcpProxy } from "../helpers/tcp-proxy";
import { GOOD_PASSWORD, startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

/** The SDK as a game uses it (shared/client's LobbyClient, LobbyConnection, MatchConnection) against a real server. */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MATCH_TICK_MS: "100", MATCH_TARGET_SCORE: "3", MATCH_SCORE_COOLDOWN_MS: "50", LOBBY_RECONNECT_SECONDS: "20" });
});
afterAll(() => t.close());

/** Everything one lobby connection received, by type. */
class Inbox {
  readonly got: { type: LobbyServerMessageType; payload: unknown }[] = [];
  readonly statuses: ConnectionStatus[] = [];
  listen(c: LobbyConnection): void {
    for (const type of ["welcome", "presence.update", "chat.message", "party.invite", "party.update", "queue.update", "match.found", "error"] as const) {
      c.on(type, (payload) => this.got.push({ type, payload }));
    }
    c.onStatus((s) => this.statuses.push(s));
  }
  all<K extends LobbyServerMessageType>(type: K): LobbyServerMessages[K][] {
    return this.got.filter((m) => m.type === type).map((m) => m.payload as LobbyServerMessages[K]);
  }
  async next<K extends LobbyServerMessageType>(type: K, test: (p: LobbyServerMessages[K]) => boolean = () => true, from = 0): Promise<LobbyServerMessages[K]> {
    const since = () => this.got.slice(from).filter((m) => m.type === type).map((m) => m.payload as LobbyServerMessages[K]);
    await until(() => since().some(test));
    return since().find(test)!;
  }
}

async function player(url = t.url): Promise<{ client: LobbyClient; id: string; username: string }> {
  const client = new LobbyClient(url);
  const auth = await client.register({ username: uniqueUsername("sdk"), password: GOOD_PASSWORD });
  return { client, id: auth.account.id, username: auth.account.username };
}

async function online(p: { client: LobbyClient }): Promise<{ connection: LobbyConnection; inbox: Inbox }> {
  const inbox = new Inbox();
  const { connection } = await p.client.connectLobby((c) => inbox.listen(c));
  return { connection, inbox };
}

async function befriend(a: { client: LobbyClient; id: string }, b: { client: LobbyClient; username: string }): Promise<void> {
  await a.client.api.sendFriendRequest(b.username);
  await b.client.api.acceptFriendRequest(a.id);
}

test("login, presence, chat, party, queue, match result and ratings through the SDK", async () => {
  const a = await player();
  const b = await player();
  await befriend(a, b);
  expect((await a.client.api.friends()).items.map((f) => f.account.id)).toEqual([b.id]);

  const la = await online(a);
  const lb = await online(b);
  // Presence: a sees b come online.
  await la.inbox.next("presence.update", (p) => p.accountId === b.id && p.status === "online");

  // Chat: a public channel, then a DM; a refused message rejects with the server's code.
  await la.connection.joinChannel("public:general");
  const history = await lb.connection.joinChannel("public:general");
  expect(history.channelId).toBe("public:general");
  const sent = await la.connection.say("public:general", "hello from the sdk");
  expect((await lb.inbox.next("chat.message", (m) => m.id === sent.id)).text).toBe("hello from the sdk");
  await lb.connection.dm(a.id, "a direct hello");
  await la.inbox.next("chat.message", (m) => m.text === "a direct hello");
  const refused = await la.connection.say("public:nowhere", "hi").catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(LobbyRefusalError);
  expect((refused as LobbyRefusalError).local).toBe(false);

  // Party: a invites b, b accepts; a duel has teams of one, so the party is refused.
  const party = await la.connection.inviteToParty(b.id);
  const invite = await lb.inbox.next("party.invite", (i) => i.partyId === party.id);
  await lb.connection.acceptParty(invite.partyId);
  await lb.connection.setReady(true);
  const tooLarge = await la.connection.queue("duel", "eu").catch((e: unknown) => e);
  expect((tooLarge as LobbyRefusalError).code).toBe(ErrorCode.PartyTooLarge);
  await lb.connection.leaveParty();

  // Queue to result: both solo; match.found joins the match room; both score until it ends.
  const seats: Promise<MatchConnection>[] = [];
  for (const [p, l] of [[a, la], [b, lb]] as const) {
    seats.push(l.inbox.next("match.found").then((found: MatchFoundMessage) => p.client.joinMatch(found)));
  }
  const beforeMatch = lb.inbox.got.length;
  expect((await la.connection.queue("duel", "eu")).state).toBe("searching");
  await lb.connection.queue("duel", "eu");
  const matches = await Promise.all(seats);
  expect(matches[0]!.matchId).toBe(matches[1]!.matchId);
  await until(() => matches[0]!.state?.phase === "playing");
  // Only a's player scores: a wins.
  // Until the outcome: the last state patch may never arrive when the room closes right after the
  // result, and score() on a closed room rejects at once (a loop on phase alone would spin forever).
  let over = false;
  void matches[0]!.outcome.then(() => (over = true));
  while (!over && matches[0]!.state?.phase === "playing") await matches[0]!.score().catch(() => false);
  const [oa, ob] = (await Promise.all(matches.map((m) => m.outcome))) as [MatchOutcome, MatchOutcome];
  expect(oa.kind).toBe("finished");
  expect(ob.kind).toBe("finished");
  if (oa.kind !== "finished") throw new Error("unreachable");
  expect(oa.result.winnerTeam).toBe(matches[0]!.team);
  const mine = oa.result.ratings.find((r) => r.accountId === a.id)!;
  expect(mine.after).toBeGreaterThan(mine.before);

  // b (no longer in a's party, still a's friend) sees a back in their party of one, joinable again.
  const back = await lb.inbox.next("presence.update", (p) => p.accountId === a.id && p.activity?.kind === "party", beforeMatch);
  expect(back.activity).toMatchObject({ kind: "party", size: 1, joinable: true, joinBy: "request" });

  const historyA = await a.client.api.matchHistory();
  expect(historyA.items).toHaveLength(1);
  expect(historyA.items[0]!.you.won).toBe(true);
  expect((await b.client.api.ratings()).ratings.map((r) => r.mode)).toEqual(["duel"]);
  // No message the SDK sent closed the connection or failed unexpectedly.
  expect(la.inbox.all("error").map((e) => e.code)).toEqual(expect.not.arrayContaining([ErrorCode.Internal]));
  await Promise.all([la.connection.leave(), lb.connection.leave()]);
});

test("tokens: refreshed before they expire, and once after a 401", async () => {
  let now = Date.now();
  const changes: string[] = [];
  const client = new LobbyClient(t.url, { tokens: { now: () => now, onChange: (_auth, why) => changes.push(why) } });
  const first = await client.register({ username: uniqueUsername("tok"), password: GOOD_PASSWORD });
  expect((await client.api.me()).account.id).toBe(first.account.id);
  expect(client.session!.refreshToken).toBe(first.refreshToken);

  now += first.expiresIn * 1000; // the access token is (as far as the client knows) expired
  expect((await client.api.me()).account.id).toBe(first.account.id);
  const second = client.session!;
  expect(second.refreshToken).not.toBe(first.refreshToken);

  // A token the server does not take: one 401, one refresh, the call answered.
  client.resume({ ...second, accessToken: "not-a-token" });
  expect((await client.api.me()).account.id).toBe(first.account.id);
  expect(client.session!.refreshToken).not.toBe(second.refreshToken);
  expect(changes).toEqual(["login", "refresh", "login", "refresh"]);

  // A refused refresh ends the session.
  await client.logout();
  expect(client.session).toBeUndefined();
});

test("the SDK refuses locally what would close the connection or count toward a mute", async () => {
  const p = await player();
  const { connection, inbox } = await online(p);
  await connection.joinChannel("public:general");
  // 4,200 UTF-8 bytes: the frame cap (4,096) would close the connection long before the 4,000-unit input cap.
  const frame = await connection.say("public:general", "€".repeat(1400)).catch((e: unknown) => e);
  expect(frame).toMatchObject({ local: true, code: ErrorCode.PayloadTooLarge });
  const units = await connection.say("public:general", "a".repeat(4001)).catch((e: unknown) => e);
  expect(units).toMatchObject({ local: true, code: ErrorCode.InvalidMessage });
  const long = await connection.say("public:general", "€".repeat(800)).catch((e: unknown) => e);
  expect(long).toMatchObject({ local: true, code: ErrorCode.ChatMessageTooLong });
  await connection.say("public:general", "once");
  expect(await connection.say("public:general", "ONCE").catch((e: unknown) => e)).toMatchObject({ local: true, code: ErrorCode.ChatRepeated });
  // The connection is still open and the server refused nothing of it.
  await connection.say("public:general", "still here");
  expect(inbox.all("error")).toEqual([]);
  await connection.leave();
});

test("a dropped connection takes its seat back within the window and gets what it missed", async () => {
  const proxy = await TcpProxy.start({ host: "127.0.0.1", port: Number(new URL(t.url).port) });
  try {
    const a = await player(`http://127.0.0.1:${proxy.port}`);
    const b = await player();
    await befriend(a, b);
    const lb = await online(b);
    const la = await online(a);
    await la.connection.joinChannel("public:general");
    await lb.connection.joinChannel("public:general");
    await lb.inbox.next("presence.update", (p) => p.accountId === a.id && p.status === "online");
    const onlineUpdates = () => lb.inbox.all("presence.update").filter((p) => p.accountId === a.id && p.status === "online").length;
    const before = onlineUpdates();

    await proxy.cut();
    // Friends see the dropped player offline until it reconnects.
    await lb.inbox.next("presence.update", (p) => p.accountId === a.id && p.status === "offline");
    await until(() => la.inbox.statuses.some((s) => s.state === "reconnecting"));
    const missed = await lb.connection.say("public:general", "while you were away");
    await proxy.restore();

    await until(() => la.inbox.statuses.some((s) => s.state === "open" && s.resumed === "same_seat"));
    expect((await la.inbox.next("chat.message", (m) => m.id === missed.id)).text).toBe("while you were away");
    await until(() => onlineUpdates() > before);
    // No welcome after a reconnect: only the first join's.
    expect(la.inbox.all("welcome")).toHaveLength(1);
    expect(la.inbox.statuses.some((s) => s.state === "closed")).toBe(false);
    // The reconnected connection works.
    await la.connection.say("public:general", "back again");
    await lb.inbox.next("chat.message", (m) => m.text === "back again");
    await Promise.all([la.connection.leave(), lb.connection.leave()]);
  } finally {
    await proxy.close();
  }
});
