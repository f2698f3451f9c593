import { CHAT_TEST_ENV, GENERAL, join, received, receivedSeq, say, seqs } from "../helpers/chat";
import { freePort, startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { createLobbyOn, otherProcessIds } from "../helpers/placement";
import { connect, leave, newAccount, type Connection } from "../helpers/presence";
import { testRedisUrl } from "../helpers/redis";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, testSecret, type TestServer } from "../helpers/test-server";

// Two processes share PostgreSQL and Redis; only this one ("p1") reaches Redis through a proxy.
// While p1's Redis is out, the other process ("p2") keeps publishing: p1's subscriber never sees
// those messages. Once its subscriber is back, p1's connections must get them anyway, from the
// database, in order and once, before any newer message arrives to reveal the gap.
let proxy: TcpProxy;
let db: TestDatabase;
let t: TestServer;
let child: ChildServer;
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
  const [childProcessId] = await otherProcessIds();
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

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
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
