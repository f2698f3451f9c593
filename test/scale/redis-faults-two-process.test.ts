import { CHAT_TEST_ENV, GENERAL, join, received, receivedSeq, say, seqs } from "../helpers/chat";
import { freePort, startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { createLobbyOn, otherProcessIds } from "../helpers/placement";
import { befriend, connect, leave, newAccount, setPresence, type Connection } from "../helpers/presence";
import { ok } from "../helpers/parties";
import { watchConnection } from "../helpers/realtime";
import { CloseCode } from "../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";
import type { PartySnapshotMessage } from "../../shared/schemas/party";
import type { PresenceSnapshotMessage } from "../../shared/schemas/presence";
import { testRedisUrl } from "../helpers/redis";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, testSecret, type TestServer } from "../helpers/test-server";
import { until } from "../helpers/until";

// Two processes share PostgreSQL and Redis; only this one ("p1") reaches Redis through a proxy.
// While p1's Redis is out, the other process ("p2") keeps publishing: p1's subscriber never sees
// those messages. Once its subscriber is back, p1's connections must get them anyway, from the
// database, in order and once, before any newer message arrives to reveal the gap.
let proxy: TcpProxy;
let db: TestDatabase;
let t: TestServer;
let child: ChildServer;
let childProcessId: string;
let receiver: Connection;
let sender: Connection;

beforeAll(async () => {
  const redisUrl = await testRedisUrl();
  proxy = await TcpProxy.start({ host: "127.0.0.1", port: 6379 });
  db = await createTestDatabase();
  const [portA, portB] = [await freePort(), await freePort()];
  const shared = { ...CHAT_TEST_ENV, JWT_SECRET: testSecret(), LOBBY_SESSION_SWEEP_SECONDS: "3600", REDIS_COMMAND_TIMEOUT_MS: "1000" };
  t = await startTestServer({ ...shared, REDIS_URL: proxy.rewrite(redisUrl), PORT: String(portA), PUBLIC_ADDRESS: `127.0.0.1:${portA}` }, { db });
  child = await startChildServer({ ...shared, REDIS_URL: redisUrl, DATABASE_URL: db.url, PORT: String(portB), PUBLIC_ADDRESS: `127.0.0.1:${portB}` });
  [childProcessId] = (await otherProcessIds()) as [string];
  const [r, s] = await Promise.all([newAccount(t.url), newAccount(child.url)]);
  receiver = await connect(r!, { roomId: await createLobbyOn() });
  sender = await connect(s!, { roomId: await createLobbyOn(childProcessId) });
  await Promise.all([join(receiver, GENERAL), join(sender, GENERAL)]);
}, 60_000);
afterAll(async () => {
  await proxy.restore();
  await leave(receiver, sender);
  await child?.stop();
  await t?.close();
  await proxy.close();
  await db?.drop();
});

const readyz = async (): Promise<number> => (await fetch(`${t.url}/readyz`)).status;

/** Runs `during` while p1's Redis is out (once p1 reports it), then restores it. */
async function outage(kind: "blackhole" | "cut", during: () => Promise<void>): Promise<void> {
  // The previous outage is over for p1 first: its 503 must be this outage's.
  await until(async () => (await readyz()) === 200);
  if (kind === "cut") await proxy.cut();
  else proxy.blackhole();
  try {
    await until(async () => (await readyz()) === 503);
    await during();
  } finally {
    await proxy.restore();
  }
}

test.each(["blackhole", "cut"] as const)("Redis %s on one process: what the other published meanwhile reaches its connections from the database", async (kind) => {
  const from = receiver.log.mark;
  const before = await say(sender, GENERAL, `${kind} before`);
  await receivedSeq(receiver, GENERAL, before.seq, from);
  if (kind === "cut") await proxy.cut();
  else proxy.blackhole();
  let during;
  try {
    await until(async () => (await readyz()) === 503);
    during = [await say(sender, GENERAL, `${kind} during 1`), await say(sender, GENERAL, `${kind} during 2`)];
  } finally {
    await proxy.restore();
  }
  // No newer message reveals the gap: the resync after the subscriber came back brings them.
  await receivedSeq(receiver, GENERAL, during[1]!.seq, from);
  const after = await say(sender, GENERAL, `${kind} after`);
  await receivedSeq(receiver, GENERAL, after.seq, from);
  expect(seqs(received(receiver, GENERAL, from))).toEqual(seqs([before, ...during, after]));
}, 40_000);

test.each(["blackhole", "cut"] as const)(
  "Redis %s on one process: account events the other published meanwhile (presence, party invite, ended session) reach it once its subscriber is back",
  async (kind) => {
    const [r, s, v] = await Promise.all([newAccount(t.url), newAccount(child.url), newAccount(t.url)]);
    await befriend(s!, r!);
    const here = await connect(r!, { roomId: await createLobbyOn() });
    const there = await connect(s!, { roomId: await createLobbyOn(childProcessId) });
    const victim = await connect(v!, { roomId: await createLobbyOn() });
    const victimEnd = watchConnection(victim.room);
    // The victim's session is confirmed (and cached) on p1 before the outage.
    expect((await fetch(`${t.url}/me`, { headers: { authorization: `Bearer ${v!.client.accessToken}` } })).status).toBe(200);
    const from = here.log.mark;
    await outage(kind, async () => {
      await setPresence(there, { status: "busy" });
      await ok(there, LobbyClientMessage.PartyCreate);
      await ok(there, LobbyClientMessage.PartyInvite, { accountId: r!.id });
      const res = await fetch(`${child.url}/auth/logout-all`, { method: "POST", headers: { authorization: `Bearer ${v!.client.accessToken}` } });
      expect(res.status).toBe(204);
    });
    // Nothing else is sent: the refresh after p1's subscriber came back brings all of it.
    const snapshot = await here.log.waitFor<PresenceSnapshotMessage>(LobbyServerMessage.PresenceSnapshot, (m) => m.friends.some((f) => f.accountId === s!.id && f.status === "busy"), from);
    expect(snapshot.friends.find((f) => f.accountId === s!.id)?.status).toBe("busy");
    const party = await here.log.waitFor<PartySnapshotMessage>(LobbyServerMessage.PartySnapshot, (m) => m.invites.some((i) => i.from.id === s!.id), from);
    expect(party.party).toBeNull();
    expect(await victimEnd.left).toBe(CloseCode.SessionRevoked);
    expect((await fetch(`${t.url}/me`, { headers: { authorization: `Bearer ${v!.client.accessToken}` } })).status).toBe(401);
    await leave(here, there);
  },
  40_000,
);
