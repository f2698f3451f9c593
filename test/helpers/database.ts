import crypto from "node:crypto";
import { readMigrations } from "../../server/db/migration-files";
import { postgresTarget } from "../../server/db/migration-targets";
import { migrate } from "../../server/db/migrator";
import { databaseUrl, TEST_DB_PREFIX, TEST_RUN_ENV, withAdmin } from "./pg-admin";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database for one test file. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const run = process.env[TEST_RUN_ENV] ?? String(process.pid);
  const name = `${TEST_DB_PREFIX}r${run}_${process.env.JEST_WORKER_ID ?? "0"}_${crypto.randomBytes(4).toString("hex")}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  if (options.migrate !== false) await migrate(postgresTarget(url), readMigrations());
  return {
    name,
    url,
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
