import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LobbyClient } from "../../shared/client/lobby-client";
import { LobbyHttpClient } from "../../shared/client/http-client";
import { loadConfig } from "../../server/config";
import type { Clock } from "../../server/lib/clock";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer, type LobbyServer, type StartOptions } from "../../server/lobby-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { testHashCostEnv } from "./hash-cost";

export interface TestServer {
  server: LobbyServer;
  url: string;
  http: LobbyHttpClient;
  db: TestDatabase;
  env: Record<string, string>;
  /** A new game client (HTTP + @colyseus/sdk) pointed at this server. */
  client(): LobbyClient;
  close(): Promise<void>;
}

export const testSecret = (): string => crypto.randomBytes(48).toString("base64url");

export function testDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "lobby-test-"));
}

/** Starts the real server on an ephemeral port over a fresh PostgreSQL database. */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    clock?: Clock;
    db?: TestDatabase;
    /** Passed through to startLobbyServer (e.g. a counting `hasher` or a capturing `logger`). */
    start?: StartOptions;
  } = {},
): Promise<TestServer> {
  const db = opts.db ?? (await createTestDatabase());
  const fullEnv: Record<string, string> = {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    DATA_DIR: testDataDir(),
    JWT_SECRET: testSecret(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    LOBBY_RECONNECT_SECONDS: "0",
    ...testHashCostEnv(env),
    ...env,
  };
  const config = loadConfig(fullEnv);
  const server = await startLobbyServer(config, {
    logger: createLogger(config.logLevel),
    // The shard count is a sync point of many tests: every 50 ms instead of every second.
    shardCountEveryMs: 50,
    ...opts.start,
    clock: opts.clock ?? opts.start?.clock,
  });
  return {
    server,
    url: server.url,
    http: new LobbyHttpClient(server.url),
    db,
    env: fullEnv,
    client: () => new LobbyClient(server.url),
    async close() {
      await server.close();
      if (!opts.db) await db.drop();
    },
  };
}

let counter = 0;
/** A valid, unique username. */
export function uniqueUsername(prefix = "p"): string {
  counter += 1;
  return `${prefix}${process.env.JEST_WORKER_ID ?? "0"}_${counter}_${crypto.randomBytes(2).toString("hex")}`.slice(0, 20);
}

export const GOOD_PASSWORD = "violet-harbor-42-tango";
