import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { matchMaker } from "@colyseus/core";
import { loadConfig, type Config } from "../../server/config";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer } from "../../server/lobby-server";
import { RoomName } from "../../shared/rooms";
import { forkBenchChild } from "./child";
import { instrumentLobby } from "./instrument";
import { StatsWindow, type ProcessStats } from "./process-stats";

export interface BenchLobbyOptions {
  databaseUrl: string;
  /** Set for the Redis backplane (RedisPresence + RedisDriver). */
  redisUrl?: string;
  /**
   * "child" (default): the server runs in its own process, as in production, so its event loop
   * and CPU are not shared with the benchmark's clients. "in-process": same process, for
   * profiling with --cpu-prof (one server per process: Colyseus' matchmaker is a singleton).
   * Default: BENCH_SERVER_MODE, else "child".
   */
  mode?: "child" | "in-process";
  /** Extra environment for the server. */
  env?: Record<string, string>;
}

export interface BenchLobby {
  url: string;
  port: number;
  /** The configuration the server runs with (its JWT secret signs the benchmark's tokens). */
  config: Readonly<Config>;
  mode: "child" | "in-process";
  resetStats(): Promise<void>;
  readStats(): Promise<ProcessStats>;
  /**
   * Opens a lobby instance server-side (the matchmaker puts it on the process with the fewest
   * rooms) and returns its room id, for clients to joinById: clients cannot `create` rooms.
   */
  createLobby(): Promise<string>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real lobby server over a migrated database, configured as in production
 * (NODE_ENV=production, PostgreSQL, optionally Redis) except for logging (warn: the access log of
 * 500 joins is not what is measured) and a generous register limit.
 */
export async function startBenchLobby(opts: BenchLobbyOptions): Promise<BenchLobby> {
  const mode = opts.mode ?? (process.env.BENCH_SERVER_MODE === "in-process" ? "in-process" : "child");
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "lobby-bench-")),
    DATABASE_URL: opts.databaseUrl,
    MIGRATE_ON_START: "false",
    JWT_SECRET: crypto.randomBytes(48).toString("base64url"),
    LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const url = `http://127.0.0.1:${port}`;

  if (mode === "child") {
    const child = await forkBenchChild("lib/lobby-entry.ts", env);
    return {
      url,
      port,
      config,
      mode,
      resetStats: () => child.resetStats(),
      readStats: () => child.readStats(),
      createLobby: () => child.createLobby(),
      stop: () => child.stop(),
    };
  }

  const stats = new StatsWindow();
  const server = await startLobbyServer(config, { logger: createLogger(config.logLevel) });
  instrumentLobby(server, stats);
  return {
    url,
    port,
    config,
    mode,
    resetStats: async () => stats.reset(),
    readStats: async () => stats.read(),
    createLobby: async () => (await matchMaker.createRoom(RoomName.Lobby, {})).roomId,
    async stop() {
      await server.close();
      stats.stop();
    },
  };
}
