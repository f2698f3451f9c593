import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 hex of the file's raw bytes, as Prisma records it. */
  checksum: string;
}

/**
 * prisma/migrations of the project this file belongs to. Found by walking up from here, because
 * the same module runs from source (server/db) and from the build output (dist/server/db).
 */
export function findMigrationsDir(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "prisma", "migrations");
    if (fs.existsSync(path.join(candidate, "migration_lock.toml"))) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`prisma/migrations not found in ${start} or any directory above it`);
    }
  }
}

/** The committed migrations in the order Prisma applies them (directory name order). */
export function readMigrations(dir: string = findMigrationsDir()): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: crypto.createHash("sha256").update(bytes).digest("hex") };
    });
}
