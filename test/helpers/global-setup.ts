import { TEST_DB_PREFIX, TEST_RUN_ENV, withAdmin } from "./pg-admin";
import { removePgliteTemplates } from "./pglite-templates";

/** True when a process with this pid is running (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Fails fast when PostgreSQL is down and clears databases left by interrupted runs (templates
 * included, see database.ts). Database names carry the pid of the Jest run that made them
 * (`lobby_test_r<pid>_...`): those of a run still going (another terminal, another agent on the
 * same machine) are left alone.
 */
export default async function globalSetup(): Promise<void> {
  process.env[TEST_RUN_ENV] = String(process.pid);
  removePgliteTemplates((runPid) => runPid !== process.pid && alive(runPid));
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${TEST_DB_PREFIX}%`],
    );
    for (const { datname } of rows) {
      const owner = Number(/^lobby_test_r(\d+)_/.exec(datname)?.[1]);
      if (owner && owner !== process.pid && alive(owner)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}
