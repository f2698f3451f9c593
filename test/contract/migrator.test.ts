import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { readMigrations } from "../../server/db/migration-files";
import { pgliteTarget, postgresTarget } from "../../server/db/migration-targets";
import { MigrationError, migrate, type MigrationTarget } from "../../server/db/migrator";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

/** A throwaway prisma/migrations directory. */
class MigrationsDir {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "lobby-migrations-"));
  write(name: string, sql: string | Buffer): string {
    fs.mkdirSync(path.join(this.dir, name), { recursive: true });
    const file = path.join(this.dir, name, "migration.sql");
    fs.writeFileSync(file, sql);
    return file;
  }
  read() {
    return readMigrations(this.dir);
  }
}

const sha256 = (file: string): string => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** A store to migrate plus a way to query it, so PostgreSQL and PGlite run the same cases. */
interface Store {
  target(): MigrationTarget;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function postgresStore(): Promise<Store> {
  const db: TestDatabase = await createTestDatabase({ migrate: false });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    target: () => postgresTarget(db.url),
    query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    close: async () => {
      await client.end();
      await db.drop();
    },
  };
}

async function embeddedStore(): Promise<Store> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lobby-pglite-migrate-"));
  const db = await PGlite.create(dir);
  return {
    target: () => pgliteTarget(db),
    query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
    close: () => db.close(),
  };
}

const rowsOf = (store: Store) =>
  store.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`);

const tableExists = async (store: Store, table: string): Promise<boolean> =>
  (await store.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table]))[0]?.t != null;

describe.each([
  ["PostgreSQL", postgresStore],
  ["embedded PGlite", embeddedStore],
])("migration runner on %s", (_name, open) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  test("applies pending migrations in name order and records them as Prisma does", async () => {
    const m = new MigrationsDir();
    // Written out of order: the runner sorts by directory name, like Prisma.
    const second = m.write("20260102000000_add_score", "ALTER TABLE widgets ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n");
    // CRLF and non-ASCII bytes: the checksum is of the raw bytes, not of decoded text.
    const first = m.write("20260101000000_widgets", Buffer.from('-- Création\r\nCREATE TABLE widgets (id SERIAL PRIMARY KEY, name TEXT NOT NULL);\r\n', "utf8"));

    const applied = await migrate(store.target(), m.read());
    expect(applied).toEqual(["20260101000000_widgets", "20260102000000_add_score"]);

    const columns = await store.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", is_nullable: "NO" },
      { column_name: "checksum", data_type: "character varying", is_nullable: "NO" },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "migration_name", data_type: "character varying", is_nullable: "NO" },
      { column_name: "logs", data_type: "text", is_nullable: "YES" },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO" },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO" },
    ]);

    const rows = await rowsOf(store);
    expect(rows.map((r) => r.migration_name)).toEqual(["20260101000000_widgets", "20260102000000_add_score"]);
    expect(rows.map((r) => r.checksum)).toEqual([sha256(first), sha256(second)]);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    await store.query(`INSERT INTO widgets (name) VALUES ('w')`);
    expect(await store.query(`SELECT name, score FROM widgets`)).toEqual([{ name: "w", score: 0 }]);
  });

  test("a second run is a no-op, and a later run applies only what was added", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    await migrate(store.target(), m.read());
    const before = await rowsOf(store);

    expect(await migrate(store.target(), m.read())).toEqual([]);
    expect(await rowsOf(store)).toEqual(before);

    m.write("20260103000000_gadgets", "CREATE TABLE gadgets (id SERIAL PRIMARY KEY);");
    expect(await migrate(store.target(), m.read())).toEqual(["20260103000000_gadgets"]);
    expect(await rowsOf(store)).toHaveLength(2);
  });

  test("refuses to run when an applied migration was modified", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    await migrate(store.target(), m.read());
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY, extra TEXT);");
    m.write("20260102000000_gadgets", "CREATE TABLE gadgets (id SERIAL PRIMARY KEY);");

    await expect(migrate(store.target(), m.read())).rejects.toThrow(
      new MigrationError("migration 20260101000000_widgets was modified after it was applied"),
    );
    // Nothing after the modified one ran.
    expect(await tableExists(store, "gadgets")).toBe(false);
    expect(await rowsOf(store)).toHaveLength(1);
  });

  test("a failing migration is rolled back whole, recorded with rolled_back_at, and can be fixed and retried", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    m.write(
      "20260102000000_broken",
      "CREATE TABLE half_done (id SERIAL PRIMARY KEY);\nINSERT INTO widgets DEFAULT VALUES;\nSELECT 1 / 0;\n",
    );
    m.write("20260103000000_after", "CREATE TABLE after_broken (id SERIAL PRIMARY KEY);");

    await expect(migrate(store.target(), m.read())).rejects.toThrow(
      /^migration 20260102000000_broken failed and was rolled back: division by zero$/,
    );
    expect(await tableExists(store, "widgets")).toBe(true);
    expect(await tableExists(store, "half_done")).toBe(false);
    expect(await tableExists(store, "after_broken")).toBe(false);
    expect(await store.query(`SELECT * FROM widgets`)).toEqual([]);

    const rows = await rowsOf(store);
    expect(rows).toHaveLength(2);
    const failed = rows.find((r) => r.migration_name === "20260102000000_broken")!;
    expect(failed.finished_at).toBeNull();
    expect(failed.rolled_back_at).toBeInstanceOf(Date);
    expect(failed.logs).toContain("division by zero");
    expect(failed.applied_steps_count).toBe(0);

    // Prisma treats a rolled-back row as "not applied": fixing the file lets the next run apply it.
    m.write("20260102000000_broken", "CREATE TABLE half_done (id SERIAL PRIMARY KEY);\n");
    expect(await migrate(store.target(), m.read())).toEqual(["20260102000000_broken", "20260103000000_after"]);
    const after = await rowsOf(store);
    expect(after.filter((r) => r.migration_name === "20260102000000_broken").map((r) => r.finished_at === null)).toEqual([true, false]);
    expect(await tableExists(store, "after_broken")).toBe(true);
  });

  test("refuses a database holding a migration this build does not know", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    m.write("20260105000000_newer", "CREATE TABLE newer (id SERIAL PRIMARY KEY);");
    await migrate(store.target(), m.read());
    const older = m.read().filter((f) => f.name !== "20260105000000_newer");
    await expect(migrate(store.target(), older)).rejects.toThrow(/does not know: 20260105000000_newer/);
  });

  test("refuses to continue after a migration that failed without being rolled back (e.g. by Prisma's CLI)", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    await migrate(store.target(), m.read());
    await store.query(`UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'failed by hand'`);
    await expect(migrate(store.target(), m.read())).rejects.toThrow(/20260101000000_widgets failed earlier; resolve it/);
  });

  test("the committed migrations apply cleanly", async () => {
    const committed = readMigrations();
    expect(committed.length).toBeGreaterThan(0);
    expect(await migrate(store.target(), committed)).toEqual(committed.map((c) => c.name));
    expect(await tableExists(store, "accounts")).toBe(true);
  });
});

describe("a runner whose connection dies mid-migration (PostgreSQL)", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterEach(async () => {
    await db.drop();
  });

  test("leaves nothing recorded, so the next run applies the migration", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_widgets", "CREATE TABLE widgets (id SERIAL PRIMARY KEY);");
    await migrate(postgresTarget(db.url), m.read());
    m.write("20260102000000_fill", "CREATE TABLE filled (id INTEGER);\nINSERT INTO widgets DEFAULT VALUES;");

    const blocker = new pg.Client({ connectionString: db.url });
    // Watches from outside the blocker's transaction (statistics views are a snapshot inside one).
    const observer = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await observer.connect();
    try {
      // Hold widgets so the migration blocks inside its transaction, then kill its connection there.
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE");
      const run = migrate(postgresTarget(db.url), m.read()).then(
        () => undefined,
        (err: unknown) => err,
      );
      let victim: number | undefined;
      while (victim === undefined) {
        const { rows } = await observer.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO widgets%'`,
        );
        victim = rows[0]?.pid;
        if (victim === undefined) await new Promise((resolve) => setImmediate(resolve));
      }
      await observer.query("SELECT pg_terminate_backend($1)", [victim]);
      expect(await run).toBeInstanceOf(Error);
      await blocker.query("ROLLBACK");

      const rows = (await blocker.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows;
      expect(rows.map((r) => r.migration_name)).toEqual(["20260101000000_widgets"]);
      expect((await blocker.query(`SELECT to_regclass('filled')::text AS t`)).rows).toEqual([{ t: null }]);

      expect(await migrate(postgresTarget(db.url), m.read())).toEqual(["20260102000000_fill"]);
      expect((await blocker.query(`SELECT count(*)::int AS n FROM widgets`)).rows).toEqual([{ n: 1 }]);
    } finally {
      await blocker.end();
      await observer.end();
    }
  });
});

describe("two concurrent runners on PostgreSQL", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Waits until `count` sessions are waiting for an advisory lock (polls pg_locks; no fixed sleep). */
  async function waitForLockWaiters(client: pg.Client, count: number): Promise<void> {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      if ((rows[0]?.n ?? 0) >= count) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  test("serialise on the advisory lock: every migration is applied exactly once", async () => {
    const m = new MigrationsDir();
    m.write("20260101000000_counter", "CREATE TABLE counter (n INTEGER NOT NULL);");
    // Not idempotent: applying it twice would leave two rows.
    m.write("20260102000000_seed", "INSERT INTO counter VALUES (1);");
    const files = m.read();

    // Hold the lock first so both runners are provably contending for it before either may go.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(72707369)");
      const runs = [migrate(postgresTarget(db.url), files), migrate(postgresTarget(db.url), files)];
      await waitForLockWaiters(holder, 2);
      await holder.query("SELECT pg_advisory_unlock(72707369)");
      const results = await Promise.all(runs);

      expect(results.map((r) => r.length).sort()).toEqual([0, 2]);
      expect((await holder.query(`SELECT n FROM counter`)).rows).toEqual([{ n: 1 }]);
      const rows = (await holder.query<MigrationRow>(`SELECT * FROM "_prisma_migrations"`)).rows;
      expect(rows.map((r) => r.migration_name).sort()).toEqual(["20260101000000_counter", "20260102000000_seed"]);
      expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
    } finally {
      await holder.end();
    }
  });
});
