import { openDatabase, type Database } from "../../server/db/database";
import { isDatabaseUnavailable } from "../../server/db/db-errors";
import { Prisma } from "../../server/db/generated/client";
import { createLogger } from "../../server/lib/logger";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import type { PgFault } from "../helpers/pg-outage";
import { TcpProxy } from "../helpers/tcp-proxy";

// The pool under the services, one connection wide so a connection left behind by a fault is the
// one the next call gets: every call is answered within the bound (with an error the edges turn
// into 503), and a connection whose statement got no answer is never reused.
let proxy: TcpProxy;
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  proxy = await TcpProxy.start();
  testDb = await createTestDatabase();
  db = await openDatabase(
    { kind: "postgres", url: proxy.rewrite(testDb.url), poolSize: 1, preparedStatements: true, queryTimeoutMs: 300 },
    { migrate: false, logger: createLogger("silent") },
  );
});
afterAll(async () => {
  await proxy.restore();
  await db.close();
  await proxy.close();
  await testDb.drop();
});

const failure = (work: Promise<unknown>): Promise<unknown> => work.then(() => undefined, (err: unknown) => err ?? new Error("rejected without an error"));
const out = async (kind: PgFault) => (kind === "cut" ? proxy.cut() : proxy.blackhole());

/** Every way the services reach PostgreSQL works. */
async function allWork(): Promise<void> {
  expect(await db.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  expect(await db.sql.rows(Prisma.sql`SELECT 2 AS two`)).toEqual([{ two: 2 }]);
  expect(await db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 3 AS three`)).toEqual([{ three: 3 }]);
  await db.ping();
}

describe.each<PgFault>(["blackhole", "cut"])("PostgreSQL %s", (kind) => {
  test("every kind of call fails as 'database unavailable' (none waits for ever), and all work once it is back", async () => {
    await allWork();
    await out(kind);
    try {
      const errors = [
        await failure(db.prisma.$queryRaw`SELECT 1`),
        await failure(db.prisma.account.findFirst()),
        await failure(db.sql.rows(Prisma.sql`SELECT 1`)),
        await failure(db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
        await failure(db.prisma.$transaction([db.prisma.$queryRaw`SELECT 1`, db.prisma.$queryRaw`SELECT 2`])),
        await failure(db.ping()),
      ];
      expect(errors.map((e) => isDatabaseUnavailable(e))).toEqual(errors.map(() => true));
    } finally {
      await proxy.restore();
    }
    await allWork();
  });

  test("an outage in the middle of a transaction: it fails as unavailable, and its connection is not handed out again", async () => {
    await allWork();
    const err = await failure(
      db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await out(kind);
        await tx.$queryRaw`SELECT 2`;
      }),
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
    await proxy.restore();
    // The pool's only connection: the first call after the fault already works.
    await allWork();
  });
});

test("a statement running past the bound is cancelled by the server, reported as unavailable, and the next calls work", async () => {
  expect(isDatabaseUnavailable(await failure(db.prisma.$queryRaw`SELECT pg_sleep(2)`))).toBe(true);
  expect(isDatabaseUnavailable(await failure(db.sql.rows(Prisma.sql`SELECT pg_sleep(2)`)))).toBe(true);
  await allWork();
});
