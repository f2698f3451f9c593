import type { ChatMessage } from "../../shared/schemas/chat";
import { ErrorCode } from "../../shared/codes";
import { LobbyClientMessage } from "../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, dm, GENERAL, join, received, receivedSeq, say, seqs } from "../helpers/chat";
import { captureLogs, type LogCapture } from "../helpers/log-capture";
import { befriend, connect, leave, loginAgain, newAccount, seesStatus, setPresence, type Account, type Connection } from "../helpers/presence";
import { formParty } from "../helpers/parties";
import { testRedisUrl } from "../helpers/redis";
import { until } from "../helpers/until";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Redis behind a proxy that either cuts every connection (RST, refused reconnects) or blackholes
// them (open sockets, nothing forwarded: no error ever reaches the client), then comes back.
// Acknowledged messages must all arrive, once and in order, and service must resume, without
// the process being restarted. Outages start and end on conditions, never after a fixed time.
let redis: TcpProxy;
let t: TestServer;
let logs: LogCapture;
let a: Account;
let b: Account;
let ca: Connection;
let cb: Connection;

beforeAll(async () => {
  redis = await TcpProxy.start({ host: "127.0.0.1", port: 6379 });
  logs = captureLogs("info");
  t = await startTestServer(
    { ...CHAT_TEST_ENV, REDIS_URL: redis.rewrite(await testRedisUrl()), REDIS_COMMAND_TIMEOUT_MS: "1000", LOBBY_SESSION_SWEEP_SECONDS: "3600" },
    { start: { logger: logs.logger } },
  );
  [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  ca = await connect(a);
  cb = await connect(b);
  await Promise.all([join(ca, GENERAL), join(cb, GENERAL)]);
}, 30_000);
afterAll(async () => {
  await redis.restore();
  await leave(ca, cb);
  await t.close();
  await redis.close();
});

const readyz = async (): Promise<number> => (await fetch(`${t.url}/readyz`)).status;

type Kind = "blackhole" | "cut";

/**
 * Runs `during` with Redis out (`kind`), waits until the process reports the outage (/readyz 503),
 * restores Redis and waits until it reports it healthy again.
 */
async function outage<T>(kind: Kind, during: () => Promise<T>): Promise<T> {
  if (kind === "cut") await redis.cut();
  else redis.blackhole();
  let result: T;
  try {
    result = await during();
    await until(async () => (await readyz()) === 503);
  } finally {
    await redis.restore();
  }
  await until(async () => (await readyz()) === 200);
  return result;
}

let partyChannel: string | undefined;
/** The party of a (leader) and b, formed once. */
async function party(): Promise<string> {
  partyChannel ??= (await formParty(ca, cb)).channelId;
  return partyChannel;
}

/** The seqs `conn` received on `channelId` (from `from`) are exactly `acked`'s, in order. */
function expectExactly(conn: Connection, channelId: string, from: number, acked: ChatMessage[]): void {
  expect(seqs(received(conn, channelId, from))).toEqual(seqs(acked));
}

describe.each<Kind>(["blackhole", "cut"])("Redis %s", (kind) => {
  test("public chat: sends are acknowledged during the outage, and every one reaches the channel once, in order", async () => {
    const fromB = cb.log.mark;
    const before = await say(ca, GENERAL, `${kind} before`);
    await receivedSeq(cb, GENERAL, before.seq, fromB);
    const during = await outage(kind, async () => [await say(ca, GENERAL, `${kind} during 1`), await say(ca, GENERAL, `${kind} during 2`)]);
    // Published again once Redis is back: no later message is needed to bring them.
    await receivedSeq(cb, GENERAL, during[1]!.seq, fromB);
    const after = await say(ca, GENERAL, `${kind} after`);
    await receivedSeq(cb, GENERAL, after.seq, fromB);
    expectExactly(cb, GENERAL, fromB, [before, ...during, after]);
  }, 30_000);

  test("party chat: acknowledged during the outage, all delivered once, in order", async () => {
    const channelId = await party();
    const fromB = cb.log.mark;
    const before = await say(ca, channelId, `${kind} party before`);
    await receivedSeq(cb, channelId, before.seq, fromB);
    const during = await outage(kind, async () => [await say(ca, channelId, `${kind} party during 1`), await say(ca, channelId, `${kind} party during 2`)]);
    await receivedSeq(cb, channelId, during[1]!.seq, fromB);
    const after = await say(ca, channelId, `${kind} party after`);
    await receivedSeq(cb, channelId, after.seq, fromB);
    expectExactly(cb, channelId, fromB, [before, ...during, after]);
  }, 30_000);

  test("direct messages: acknowledged during the outage, all delivered once, in order", async () => {
    const fromB = cb.log.mark;
    const before = await dm(ca, b, `${kind} dm before`);
    const channelId = before.channelId;
    await receivedSeq(cb, channelId, before.seq, fromB);
    const during = await outage(kind, async () => [await dm(ca, b, `${kind} dm during 1`), await dm(ca, b, `${kind} dm during 2`)]);
    await receivedSeq(cb, channelId, during[1]!.seq, fromB);
    const after = await dm(ca, b, `${kind} dm after`);
    await receivedSeq(cb, channelId, after.seq, fromB);
    expectExactly(cb, channelId, fromB, [before, ...during, after]);
  }, 30_000);

  test("presence: a change after Redis returns reaches the friend", async () => {
    await outage(kind, async () => undefined);
    const from = ca.log.mark;
    const status = kind === "cut" ? "busy" : "away";
    await setPresence(cb, { status });
    expect(await seesStatus(ca, b, status, from)).toMatchObject({ status });
    const back = ca.log.mark;
    await setPresence(cb, { status: "online" });
    await seesStatus(ca, b, "online", back);
  }, 30_000);

  test("presence.set during the outage is answered, or refused with service_unavailable (never internal_error)", async () => {
    const outcome = await outage(kind, async () => {
      await until(async () => (await readyz()) === 503);
      return attempt(cb, LobbyClientMessage.PresenceSet, { status: "busy" });
    });
    expect(outcome.errors.map((e) => e.code).filter((c) => c !== ErrorCode.ServiceUnavailable)).toEqual([]);
    expect(cb.room.connection.isOpen).toBe(true);
    await setPresence(cb, { status: "online" });
  }, 30_000);

  test("rate-limited HTTP (registration, login) answers during the outage", async () => {
    const [registered, loggedIn] = await outage(kind, async () => {
      const account = await newAccount(t.url);
      return [account, await loginAgain(account, t.url)];
    });
    expect(loggedIn.client.accessToken).toEqual(expect.any(String));
    expect(registered.id).toBe(loggedIn.id);
  }, 30_000);

  test("a friend request during the outage is accepted, and its notification is stored for the recipient", async () => {
    const c = await newAccount(t.url);
    await outage(kind, () => a.client.http.sendFriendRequest(a.client.accessToken, c.username));
    const list = await c.client.http.notifications(c.client.accessToken);
    expect(list.items.map((n) => [n.type, n.actor?.id])).toContainEqual(["friend_request", a.id]);
  }, 30_000);
});

test("an outage is logged once when it starts and once when it ends, and counted in /metrics", async () => {
  const mark = logs.lines().length;
  await outage("blackhole", async () => {
    for (let i = 0; i < 5; i += 1) await say(ca, GENERAL, `logged ${i}`);
  });
  const lines = logs.lines().slice(mark);
  expect(lines.filter((l) => l.msg === "redis stopped answering")).toHaveLength(1);
  expect(lines.filter((l) => l.msg === "redis answering again")).toHaveLength(1);
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  expect(metrics).toMatch(/^lobby_backplane_up 1$/m);
  expect(metrics).toMatch(/^lobby_backplane_outages_total [1-9]\d*$/m);
}, 30_000);
