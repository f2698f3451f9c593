import { templateDatabaseName } from "./database";
import { withAdmin } from "./pg-admin";

/** Drops the run's template database (a run that is interrupted leaves it to the next setup). */
export default async function globalTeardown(): Promise<void> {
  const template = templateDatabaseName();
  if (template) await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
