import pg from "pg";

/** Server-level connection used to create and drop per-file databases. */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const TEST_DB_PREFIX = "lobby_test_";
/** Set by global-setup to the Jest run's pid; workers inherit it and put it in database names. */
export const TEST_RUN_ENV = "LOBBY_TEST_RUN_PID";

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
