import { matchMaker } from "@colyseus/core";
import { Redis } from "ioredis";
import { LobbyHttpClient } from "../../shared/client/http-client";
import { CloseCode } from "../../shared/codes";
import { accountChannel } from "../../server/backplane/presence-account-event-bus";
import { freePort, startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { testRedisUrl } from "../helpers/redis";
import { castOf, expectClosedBy, expectStillOpen, leaveAll, NO_SWEEP, revocationCases, REVOCATION_TIMEOUT_MS } from "../helpers/revocation-cases";
import { GOOD_PASSWORD, startTestServer, testSecret, type TestServer } from "../helpers/test-server";

// RedisPresence + RedisDriver: revocation events travel over Redis pub/sub.
describe("one process on Redis", () => {
  let t: TestServer;
  let redisUrl: string;
  beforeAll(async () => {
    redisUrl = await testRedisUrl();
    t = await startTestServer({ ...REALTIME_TEST_ENV, ...NO_SWEEP, REDIS_URL: redisUrl });
  });
  afterAll(() => t.close());

  revocationCases(() => t);

  test(
    "the event is published on the account's Redis channel",
    async () => {
      const { alice1, alice2, bob } = await castOf(t);
      const accountId = alice1.client.session!.account.id;
      const sub = new Redis(redisUrl);
      try {
        const heard = new Promise<unknown>((resolve) =>
          sub.on("message", (channel: string, message: string) => channel === accountChannel(accountId) && resolve(JSON.parse(message))),
        );
        await sub.subscribe(accountChannel(accountId));

        await alice1.client.http.logoutAll(alice1.client.accessToken);

        expect(await heard).toEqual({ kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.SessionRevoked, reason: "logout_all" });
        await expectClosedBy(alice1, CloseCode.SessionRevoked);
        await expectClosedBy(alice2, CloseCode.SessionRevoked);
        await expectStillOpen(bob);
        await leaveAll(bob);
      } finally {
        sub.disconnect();
      }
    },
    REVOCATION_TIMEOUT_MS,
  );
});

// Two processes (this one and a child) share PostgreSQL, Redis and the JWT secret. The HTTP call
// that ends the session goes to the process that does NOT hold the lobby socket.
describe("two processes on Redis", () => {
  let db: TestDatabase;
  let t: TestServer;
  let child: ChildServer | undefined;
  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    db = await createTestDatabase();
    const [portA, portB] = [await freePort(), await freePort()];
    const shared = { ...REALTIME_TEST_ENV, ...NO_SWEEP, REDIS_URL: redisUrl, JWT_SECRET: testSecret() };
    t = await startTestServer({ ...shared, PORT: String(portA), PUBLIC_ADDRESS: `127.0.0.1:${portA}` }, { db });
    child = await startChildServer({ ...shared, DATABASE_URL: db.url, PORT: String(portB), PUBLIC_ADDRESS: `127.0.0.1:${portB}` });
  });
  afterAll(async () => {
    await child?.stop();
    await t.close();
    await db.drop();
  });

  /** The HTTP API of the process that does not host `roomId`. */
  const otherProcess = (roomId: string): LobbyHttpClient =>
    new LobbyHttpClient(matchMaker.getLocalRoomById(roomId) ? child!.url : t.url);

  test(
    "logout on the other process closes that session's socket with 4101 only",
    async () => {
      const { alice1, alice2, bob } = await castOf(t);

      await otherProcess(alice1.room.roomId).logout(alice1.client.session!.refreshToken);

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectStillOpen(alice2);
      await expectStillOpen(bob);
      await leaveAll(alice2, bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "logout-all and DELETE /me on the other process close every socket of the account",
    async () => {
      const first = await castOf(t);
      await otherProcess(first.alice1.room.roomId).logoutAll(first.alice1.client.accessToken);
      await expectClosedBy(first.alice1, CloseCode.SessionRevoked);
      await expectClosedBy(first.alice2, CloseCode.SessionRevoked);
      await expectStillOpen(first.bob);

      const second = await castOf(t);
      await otherProcess(second.alice1.room.roomId).deleteAccount(second.alice1.client.accessToken, GOOD_PASSWORD);
      await expectClosedBy(second.alice1, CloseCode.AccountClosed);
      await expectClosedBy(second.alice2, CloseCode.AccountClosed);
      await expectStillOpen(second.bob);
      await leaveAll(first.bob, second.bob);
    },
    REVOCATION_TIMEOUT_MS * 2,
  );
});
