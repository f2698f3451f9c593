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

/**
 * The run's migrated template (`lobby_test_r<pid>_template`), made by global-setup before any
 * worker starts; undefined outside a Jest run (then each database is migrated itself).
 */
export function templateDatabaseName(): string | undefined {
  const run = process.env[TEST_RUN_ENV];
  return run ? `${TEST_DB_PREFIX}r${run}_template` : undefined;
}

/**
 * Creates the run's template: every migration applied by the real migrator, then closed to
 * connections, since PostgreSQL copies a template only while nobody is connected to it.
 */
export async function createTemplateDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  await migrate(postgresTarget(databaseUrl(name)), readMigrations());
  await withAdmin((admin) => admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`));
}

/**
 * A fresh PostgreSQL database for one test file: a copy of the run's migrated template, or an
 * empty one with `migrate: false` (for tests of the migrations themselves).
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const run = process.env[TEST_RUN_ENV] ?? String(process.pid);
  const name = `${TEST_DB_PREFIX}r${run}_${process.env.JEST_WORKER_ID ?? "0"}_${crypto.randomBytes(4).toString("hex")}`;
  const migrated = options.migrate !== false;
  const template = migrated ? templateDatabaseName() : undefined;
  await withAdmin((admin) => admin.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  if (migrated && !template) await migrate(postgresTarget(url), readMigrations());
  return {
    name,
    url,
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
