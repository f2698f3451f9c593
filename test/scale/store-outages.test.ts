import { ErrorCode } from "../../shared/codes";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { LobbyClientMessage } from "../../shared/schemas/lobby";
import { befriend, connect, errorsFor, isStatus, leave, newAccount, presenceUpdate, seesStatus, setPresence, type Account, type Connection } from "../helpers/presence";
import { REALTIME_TEST_ENV, roundTrip } from "../helpers/realtime";
import { testRedisUrl } from "../helpers/redis";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, type TestServer } from "../helpers/test-server";

// PostgreSQL and Redis behind proxies this test cuts and restores, during live sessions: the
// process survives both, says what is wrong, and works again when the store returns.
let pg: TcpProxy;
let redis: TcpProxy;
let db: TestDatabase;
let t: TestServer;
let a: Account;
let b: Account;
let ca: Connection;
let cb: Connection;

beforeAll(async () => {
  pg = await TcpProxy.start();
  redis = await TcpProxy.start({ host: "127.0.0.1", port: 6379 });
  db = await createTestDatabase();
  t = await startTestServer(
    { ...REALTIME_TEST_ENV, DATABASE_URL: pg.rewrite(db.url), REDIS_URL: redis.rewrite(await testRedisUrl()), LOBBY_SESSION_SWEEP_SECONDS: "3600" },
    { db },
  );
  [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  ca = await connect(a);
  cb = await connect(b);
  await presenceUpdate(ca, b, isStatus("online"));
}, 30_000);
afterAll(async () => {
  await pg.restore();
  await redis.restore();
  await leave(ca, cb);
  await t.close();
  await Promise.all([pg.close(), redis.close()]);
  await db.drop();
});

const get = (path: string, token?: string) => fetch(t.url + path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

test("PostgreSQL down: /readyz 503, HTTP 503 service_unavailable, realtime sessions stay up; all back when it returns", async () => {
  await pg.cut();
  try {
    expect((await get("/readyz")).status).toBe(503);
    const res = await get("/friends", a.client.accessToken);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.ServiceUnavailable);
    // The lobby connections are still open and answering.
    expect((await roundTrip(ca.room)).code).toBe(ErrorCode.UnknownMessage);
    expect(cb.room.connection.isOpen).toBe(true);
    // A message that needs the database is refused with a clear code; the connection stays.
    const mark = ca.log.mark;
    await ca.room.request(LobbyClientMessage.ChatJoin, { channelId: "public:general" });
    expect(errorsFor(ca, LobbyClientMessage.ChatJoin, mark).map((e) => e.code)).toEqual([ErrorCode.ServiceUnavailable]);
    expect(ca.room.connection.isOpen).toBe(true);
  } finally {
    await pg.restore();
  }
  expect((await get("/readyz")).status).toBe(200);
  expect((await get("/friends", a.client.accessToken)).status).toBe(200);
  const from = ca.log.mark;
  await setPresence(cb, { status: "busy" });
  expect(await presenceUpdate(ca, b, isStatus("busy"), from)).toMatchObject({ status: "busy" });
});

test("Redis restarting: the process reconnects and live updates flow again without a restart", async () => {
  await redis.cut();
  const from = ca.log.mark;
  // A change made while Redis is away waits for it, then reaches the friend.
  const change = setPresence(cb, { status: "away" });
  expect(cb.room.connection.isOpen).toBe(true);
  await redis.restore();
  await change;
  // Live, or in the friends snapshot that refreshes every connection once the subscriber is back.
  const seen = await seesStatus(ca, b, "away", from);
  expect(seen).toMatchObject({ status: "away" });
  expect((await get("/readyz")).status).toBe(200);
});
