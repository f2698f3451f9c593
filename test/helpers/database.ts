import crypto from "node:crypto";
import type pg from "pg";
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
 * `LOBBY_TEST_DB_TEMPLATES=off`: every test database (and embedded contract store) replays every
 * migration itself, as before the templates; for measuring what they save (bench test-suite).
 */
export const testDbTemplatesOff = (): boolean => process.env.LOBBY_TEST_DB_TEMPLATES === "off";

/**
 * The run's migrated template (`lobby_test_r<pid>_template`), made when the run first needs a
 * database; undefined outside a Jest run or with templates off (then each database is migrated itself).
 */
export function templateDatabaseName(): string | undefined {
  const run = process.env[TEST_RUN_ENV];
  return run && !testDbTemplatesOff() ? `${TEST_DB_PREFIX}r${run}_template` : undefined;
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
 * Makes the template unless it is complete (closed to connections: its last step). Both Jest
 * workers may ask at once: an advisory lock lets one make it while the other waits.
 */
async function ensureTemplate(admin: pg.Client, name: string): Promise<void> {
  const complete = async () =>
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1 AND NOT datallowconn", [name])).rowCount !== 0;
  if (await complete()) return;
  await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
  try {
    if (!(await complete())) await createTemplateDatabase(name);
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext($1))", [name]);
  }
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
  await withAdmin(async (admin) => {
    if (template) await ensureTemplate(admin, template);
    await admin.query(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  });
  const url = databaseUrl(name);
  if (migrated && !template) await migrate(postgresTarget(url), readMigrations());
  return {
    name,
    url,
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
