import crypto from "node:crypto";
import pg from "pg";
import { readMigrations } from "../../server/db/migration-files";
import { postgresTarget } from "../../server/db/migration-targets";
import { migrate } from "../../server/db/migrator";

/** Server-level connection used to create and drop the benchmark's databases. */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Not the tests' prefix: a test run's cleanup must never drop a benchmark's database, nor the reverse. */
const PREFIX = "lobby_bench_";

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A fresh, migrated PostgreSQL database. Databases left by interrupted runs are dropped first. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `${PREFIX}${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${PREFIX}%`]);
    for (const { datname } of rows) {
      const owner = Number(/^lobby_bench_(\d+)_/.exec(datname)?.[1]);
      if (owner && alive(owner)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(postgresTarget(url.toString()), readMigrations());
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
