import { TEST_DB_PREFIX, withAdmin } from "./pg-admin";

/** Fails fast when PostgreSQL is down and clears databases left by an interrupted run. */
export default async function globalSetup(): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${TEST_DB_PREFIX}%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
