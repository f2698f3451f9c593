/** `npm run db:migrate`: applies committed migrations to DATABASE_URL (production deploy step). */
import { readMigrations } from "./migration-files";
import { postgresTarget } from "./migration-targets";
import { migrate } from "./migrator";

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set. (The embedded store migrates itself at start.)");
    process.exit(2);
  }
  const applied = await migrate(postgresTarget(url), readMigrations());
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
