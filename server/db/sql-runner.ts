import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { Prisma } from "./generated/client";

/**
 * Runs one raw statement (built with Prisma.sql, so values stay parameters) straight on the
 * driver: for the few statements every lobby join and login runs, Prisma's raw-query path costs
 * the process 0.3–0.5 ms of CPU per statement against ~0.05–0.08 ms on pg itself (docs/benchmarks.md).
 * Rows come back as the driver gives them: timestamps as Date, json parsed, bigint columns as
 * strings on pg (convert with Number()).
 */
export interface SqlRunner {
  rows<T extends object>(statement: Prisma.Sql): Promise<T[]>;
}

/** PostgreSQL through the pool Prisma also uses; `nameOf` names prepared statements ("" = unnamed). */
export function pgSqlRunner(pool: pg.Pool, nameOf: ((query: { sql: string }) => string) | undefined): SqlRunner {
  return {
    async rows<T extends object>(statement: Prisma.Sql): Promise<T[]> {
      const text = statement.text;
      const name = nameOf?.({ sql: text }) || undefined;
      const result = await pool.query<T & pg.QueryResultRow>({ name, text, values: statement.values as unknown[] });
      return result.rows;
    },
  };
}

/** The embedded store. */
export function pgliteSqlRunner(db: PGlite): SqlRunner {
  return {
    async rows<T extends object>(statement: Prisma.Sql): Promise<T[]> {
      const result = await db.query<T>(statement.text, statement.values as unknown[]);
      return result.rows;
    },
  };
}
