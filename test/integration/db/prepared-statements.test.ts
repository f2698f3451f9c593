import crypto from "node:crypto";
import { openDatabase, type Database } from "../../../server/db/database";
import { preparedAs, preparedStatementNamer } from "../../../server/db/prepared-statements";
import { createLogger } from "../../../server/lib/logger";
import { AuthRepo } from "../../../server/modules/auth/auth.repo";
import { JoinSnapshotRepo } from "../../../server/modules/lobby/join-snapshot.repo";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import { seedAccounts } from "../../helpers/accounts";
import { sql } from "../../helpers/sql";

// The hot raw statements (the join snapshot, the session check, the login's) run as named
// prepared statements on PostgreSQL: parsed and planned once per pooled connection instead of on
// every execution. With one pooled connection, pg_prepared_statements lists what it holds.
let testDb: TestDatabase;
let accountId: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  const [username] = await seedAccounts(testDb.url, 1, "prep");
  const rows = await sql<{ id: string }>(testDb.url, "SELECT id::text AS id FROM accounts WHERE username = $1", [username]);
  accountId = rows[0]!.id;
});
afterAll(() => testDb.drop());

async function open(preparedStatements: boolean): Promise<Database> {
  return openDatabase({ kind: "postgres", url: testDb.url, poolSize: 1, preparedStatements }, { migrate: false, logger: createLogger("silent") });
}

async function namedStatements(db: Database): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ name: string }[]>`SELECT name FROM pg_prepared_statements ORDER BY name`;
  return rows.map((r) => r.name);
}

/** A session for the account, then the join's two reads of it, `times` over. */
async function joinReads(db: Database, times: number): Promise<{ live: boolean[]; sessionFound: boolean[] }> {
  const auth = new AuthRepo(db.prisma, db.sql);
  const snapshots = new JoinSnapshotRepo(db.sql, 20);
  const sessionId = crypto.randomUUID();
  await auth.createSession({ sessionId, accountId, expiresAt: new Date(Date.now() + 3_600_000), tokenId: crypto.randomUUID(), tokenHash: crypto.randomBytes(32).toString("hex"), userAgent: undefined, ip: undefined });
  const live: boolean[] = [];
  const sessionFound: boolean[] = [];
  // More than five runs: PostgreSQL may switch a prepared statement to its generic plan after five.
  for (let i = 0; i < times; i++) {
    sessionFound.push((await auth.findSessionForAuth(sessionId))?.accountId === accountId);
    live.push((await snapshots.load(accountId, sessionId, new Date())).sessionLive);
  }
  return { live, sessionFound };
}

test("the join's statements are prepared once per connection and answer the same every time", async () => {
  const db = await open(true);
  try {
    const { live, sessionFound } = await joinReads(db, 8);
    expect(live).toEqual(Array(8).fill(true));
    expect(sessionFound).toEqual(Array(8).fill(true));
    const names = await namedStatements(db);
    expect(names.filter((n) => n.startsWith("lobby_join_snapshot_"))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith("lobby_session_for_auth_"))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith("lobby_create_session_"))).toHaveLength(1);
    // Prisma's own queries stay unnamed (their text varies with list lengths).
    expect(names.every((n) => n.startsWith("lobby_"))).toBe(true);
  } finally {
    await db.close();
  }
});

test("DB_PREPARED_STATEMENTS=false (a pooler that cannot keep them) prepares nothing and answers the same", async () => {
  const db = await open(false);
  try {
    const { live, sessionFound } = await joinReads(db, 3);
    expect(live).toEqual([true, true, true]);
    expect(sessionFound).toEqual([true, true, true]);
    expect(await namedStatements(db)).toEqual([]);
  } finally {
    await db.close();
  }
});

test("a name only for marked texts, one per distinct text", () => {
  const name = preparedStatementNamer();
  const marked = `${preparedAs("join_snapshot").sql} SELECT 1`;
  expect(name({ sql: "SELECT 1" })).toBe("");
  expect(name({ sql: marked })).toMatch(/^lobby_join_snapshot_[0-9a-f]{12}$/);
  expect(name({ sql: marked })).toBe(name({ sql: marked }));
  expect(name({ sql: `${marked} + 1` })).not.toBe(name({ sql: marked }));
  expect(() => preparedAs("Not A Name")).toThrow(/prepared statement name/);
});
