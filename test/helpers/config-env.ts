import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../server/config";

/** A fresh data directory for one configuration. */
export const tempDataDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "lobby-config-"));

/** A valid production environment, plus `extra`. */
export const productionEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: "production",
  DATA_DIR: tempDataDir(),
  DATABASE_URL: "postgres://lobby@db.internal:5432/lobby",
  JWT_SECRET: crypto.randomBytes(48).toString("base64url"),
  ...extra,
});

/** The problems loadConfig reports for `env`; fails the test if it accepted it. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected loadConfig to refuse this configuration");
}
