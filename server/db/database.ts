import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { DEFAULT_DB_QUERY_TIMEOUT_MS, type Config } from "../config";
import { withTimeout } from "../lib/bounded";
import type { Logger } from "../lib/logger";
import { boundedClientClass } from "./bounded-client";
import { lockDataDir } from "./data-dir-lock";
import { PrismaClient } from "./generated/client";
import { readMigrations } from "./migration-files";
import { pgliteTarget, postgresTarget } from "./migration-targets";
import { migrate } from "./migrator";
import { preparedStatementNamer } from "./prepared-statements";
import { QueryCounter } from "./query-counter";
import { pgliteSqlRunner, pgSqlRunner, type SqlRunner } from "./sql-runner";

export type { PrismaClient };

export interface Database {
  readonly kind: "postgres" | "embedded";
  readonly prisma: PrismaClient;
  /** The hot raw statements, straight on the driver (see sql-runner.ts). */
  readonly sql: SqlRunner;
  /** Statements sent to PostgreSQL (the embedded store is not counted). */
  readonly queries: QueryCounter;
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  migrate: boolean;
  logger: Logger;
}

/** Opens the configured store: PostgreSQL through adapter-pg, or the embedded PGlite default. */
export async function openDatabase(config: Config["database"], opts: OpenDatabaseOptions): Promise<Database> {
  return config.kind === "postgres" ? openPostgres(config, opts) : openEmbedded(config.dir, opts);
}

/** How much longer than the server's statement_timeout the client waits for any answer. */
const SILENT_MARGIN_MS = 500;

async function openPostgres(
  config: Extract<Config["database"], { kind: "postgres" }>,
  opts: OpenDatabaseOptions,
): Promise<Database> {
  if (opts.migrate) await runMigrations(postgresTarget(config.url), opts.logger);
  const queries = new QueryCounter();
  const bound = config.queryTimeoutMs ?? DEFAULT_DB_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    // Every wait on PostgreSQL is bounded: for a connection (or a free pool slot), and for each
    // statement, which the server cancels after `bound` (the connection stays usable). A network
    // that went silent never answers: the client gives up a little later and the connection is
    // discarded (bounded-client.ts).
    connectionTimeoutMillis: bound,
    statement_timeout: bound,
    query_timeout: bound + SILENT_MARGIN_MS,
    // A transaction left open by a client that vanished does not hold its locks for long.
    idle_in_transaction_session_timeout: 2 * bound,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    Client: boundedClientClass(queries.clientClass()),
  });
  // An idle connection that fails (PostgreSQL restarted, or terminated it) is the pool's 'error'
  // event, which crashes the process when nobody listens. PrismaPg listens only while Prisma is
  // connected: from its first query (never, when only `sql` ran) until $disconnect.
  pool.on("error", (err) => opts.logger.warn({ err }, "an idle database connection failed"));
  const nameOf = config.preparedStatements ? preparedStatementNamer() : undefined;
  // The pool is ended by close(), not by Prisma: Prisma connects lazily, so $disconnect ends
  // nothing when Prisma never ran a query, and a Prisma query after $disconnect connects again,
  // which with `disposeExternalPool` opens a new pool of PrismaPg's own (it forgets the one it
  // ended) that nothing ever closes. Kept, the ended pool answers such a query with an error.
  const adapter = new PrismaPg(pool, nameOf ? { statementNameGenerator: nameOf } : undefined);
  // An interactive transaction waits for a connection as long as the pool does, and may run a few
  // bounded statements: it expires after three of them (Prisma's defaults are 2 s and 5 s).
  const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: bound, timeout: 3 * bound } });
  let closing: Promise<void> | undefined;
  return {
    kind: "postgres",
    prisma,
    sql: pgSqlRunner(pool, nameOf),
    queries,
    ping: async (timeoutMs = 2_000) => void (await withTimeout(prisma.$queryRaw`SELECT 1`, timeoutMs, "database")),
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })()),
  };
}

async function openEmbedded(dir: string, opts: OpenDatabaseOptions): Promise<Database> {
  const unlock = lockDataDir(path.dirname(dir));
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create(dir);
    // The embedded store has a single user; it always runs migrations (nothing else can).
    await runMigrations(pgliteTarget(pglite), opts.logger);
  } catch (err) {
    await pglite?.close().catch(() => undefined);
    unlock();
    throw err;
  }
  const db = pglite;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: "embedded",
    prisma,
    sql: pgliteSqlRunner(db),
    queries: new QueryCounter(),
    ping: async (timeoutMs = 2_000) => void (await withTimeout(db.query("SELECT 1"), timeoutMs, "database")),
    close: async () => {
      await prisma.$disconnect();
      await db.close();
      unlock();
    },
  };
}

async function runMigrations(target: Parameters<typeof migrate>[0], logger: Logger): Promise<void> {
  const applied = await migrate(target, readMigrations());
  if (applied.length > 0) logger.info({ applied }, "database migrations applied");
}

