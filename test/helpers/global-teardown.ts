import { templateDatabaseName } from "./database";
import { TEST_RUN_ENV, withAdmin } from "./pg-admin";
import { removePgliteTemplates } from "./pglite-templates";

/** Drops the run's template database and PGlite templates (a run that is interrupted leaves them to the next setup). */
export default async function globalTeardown(): Promise<void> {
  const run = Number(process.env[TEST_RUN_ENV]);
  removePgliteTemplates((runPid) => runPid !== run);
  const template = templateDatabaseName();
  if (template) await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
