import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../server/db/database";
import { createLogger } from "../../server/lib/logger";
import { createTestDatabase, testDbTemplatesOff } from "../helpers/database";
import { TEST_RUN_ENV } from "../helpers/pg-admin";
import { pgliteTemplateDir } from "../helpers/pglite-templates";

/**
 * The two database stores a deployment can run on: PostgreSQL through adapter-pg (production,
 * tests) and the embedded PGlite default (`npm start` with no DATABASE_URL). Repository contract
 * suites run once against each.
 */
export interface StoreUnderTest {
  db: Database;
  close(): Promise<void>;
}

const logger = createLogger("silent");

export async function openPostgres(): Promise<StoreUnderTest> {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ kind: "postgres", url: testDb.url, poolSize: 8, preparedStatements: true }, { migrate: false, logger });
  return {
    db,
    close: async () => {
      await db.close();
      await testDb.drop();
    },
  };
}

/**
 * A migrated embedded data directory this Jest worker copies for each store: replaying every
 * migration on PGlite costs about 3 s of CPU, a copy about 0.1 s. The copy is still opened with
 * `migrate: true`, so a template left by an older checkout is brought up to date, never trusted.
 */
const TEMPLATE_DIR = pgliteTemplateDir(process.env[TEST_RUN_ENV], process.env.JEST_WORKER_ID);

async function embeddedTemplate(): Promise<string> {
  const dir = path.join(TEMPLATE_DIR, "pglite");
  if (!fs.existsSync(path.join(TEMPLATE_DIR, "migrated"))) {
    fs.rmSync(TEMPLATE_DIR, { recursive: true, force: true });
    fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
    const db = await openDatabase({ kind: "embedded", dir }, { migrate: true, logger });
    await db.close();
    fs.writeFileSync(path.join(TEMPLATE_DIR, "migrated"), "");
  }
  return dir;
}

export async function openEmbedded(): Promise<StoreUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lobby-contract-"));
  if (!testDbTemplatesOff()) fs.cpSync(await embeddedTemplate(), path.join(dataDir, "pglite"), { recursive: true });
  const db = await openDatabase({ kind: "embedded", dir: path.join(dataDir, "pglite") }, { migrate: true, logger });
  return {
    db,
    close: async () => {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const DATABASE_STORES: Array<[string, () => Promise<StoreUnderTest>]> = [
  ["PostgreSQL", openPostgres],
  ["embedded PGlite", openEmbedded],
];

let counter = 0;

/** Inserts an account (as registration would, minus the password work) and returns it. */
export async function createAccount(db: Database, username?: string): Promise<{ id: string; username: string; displayName: string }> {
  counter += 1;
  const name = username ?? `u${counter}_${crypto.randomBytes(3).toString("hex")}`;
  return db.prisma.account.create({
    data: { id: crypto.randomUUID(), username: name, usernameKey: name.toLowerCase(), displayName: name, passwordHash: `$argon2id$fake$${name}` },
    select: { id: true, username: true, displayName: true },
  });
}
