import crypto from "node:crypto";
import type { MigrationFile } from "./migration-files";

/**
 * Applies committed Prisma migrations without Prisma's native schema engine, recording them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does, so either tool can take over.
 * Each migration runs in its own transaction; a failed one is rolled back and recorded with
 * `rolled_back_at` set, which Prisma treats as "may be retried".
 */
export interface MigrationSession {
  /** Runs one or more statements with the simple query protocol. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
}

export interface MigrationTarget {
  /** Runs `fn` holding a lock that keeps other processes from migrating at the same time. */
  withLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T>;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies the migrations not yet applied; returns the names it applied. */
export async function migrate(target: MigrationTarget, migrations: MigrationFile[]): Promise<string[]> {
  return target.withLock(async (db) => {
    await db.exec(CREATE_TABLE);
    const rows = await db.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
      [],
    );
    const live = rows.filter((r) => r.rolled_back_at === null);
    const failed = live.filter((r) => r.finished_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `migration ${failed.map((r) => r.migration_name).join(", ")} failed earlier; resolve it before migrating`,
      );
    }
    const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new MigrationError(`the database has migrations this build does not know: ${unknown.join(", ")}`);
    }

    const done: string[] = [];
    for (const m of migrations) {
      const checksum = applied.get(m.name);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was modified after it was applied`);
        }
        continue;
      }
      await applyOne(db, m);
      done.push(m.name);
    }
    return done;
  });
}

/**
 * The migration and its `_prisma_migrations` row commit together: a process that dies mid-way
 * (killed deploy, lost connection) leaves neither behind, so the next run simply applies it again.
 * A migration that fails is rolled back and then recorded as rolled back, with its error in `logs`.
 */
async function applyOne(db: MigrationSession, m: MigrationFile): Promise<void> {
  const id = crypto.randomUUID();
  try {
    await db.exec("BEGIN");
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, m.checksum, m.name],
    );
    await db.exec(m.sql);
    await db.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await db.exec("COMMIT");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.exec("ROLLBACK").catch(() => undefined);
    await db
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, rolled_back_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), $4, now(), 0)`,
        [id, m.checksum, m.name, message],
      )
      .catch(() => undefined);
    throw new MigrationError(`migration ${m.name} failed and was rolled back: ${message}`);
  }
}
