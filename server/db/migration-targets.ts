import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { MigrationSession, MigrationTarget } from "./migrator";

/** Arbitrary but fixed: the same key Prisma's tooling documents for migration locking. */
const ADVISORY_LOCK_KEY = 72707369;

export function postgresTarget(url: string): MigrationTarget {
  return {
    async withLock(fn) {
      const client = new pg.Client({ connectionString: url });
      // A connection lost mid-run also fails the query in flight; without a listener the client's
      // 'error' event would crash the process instead.
      client.on("error", () => undefined);
      await client.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
        const session: MigrationSession = {
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[],
        };
        try {
          return await fn(session);
        } finally {
          // Ending the session releases the lock too, so a failed unlock must not hide fn's error.
          await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => undefined);
        }
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** PGlite is single-connection and locked per process by its data directory lock. */
export function pgliteTarget(db: PGlite): MigrationTarget {
  return {
    async withLock(fn) {
      return fn({
        exec: async (sql) => {
          await db.exec(sql);
        },
        query: async <T>(sql: string, params: unknown[]) => (await db.query<T>(sql, params)).rows,
      });
    },
  };
}
