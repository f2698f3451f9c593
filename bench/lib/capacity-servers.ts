/**
 * The three servers of one capacity-benchmark variant, each in its own process: the real lobby
 * (PostgreSQL, optionally Redis), the raw `ws` baseline and the bare-Colyseus floor; and how the
 * benchmark reads them (IPC stats window, control port, /metrics, pg_stat_database).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig, type Config } from "../../server/config";
import type { MemoryReading } from "./capacity-control";
import type { FirstMessage } from "./capacity-baseline-common";
import { HOST, type JoinTarget } from "./capacity-light-client";
import { forkBenchChild, type BenchChild } from "./child";
import { BENCH_ADMIN_URL } from "./database";
import { freePort } from "./lobby-server";

export type TargetName = "lobby" | "raw" | "floor";

export interface CapacityServer {
  name: TargetName;
  child: BenchChild;
  target: JoinTarget;
  healthPath: string;
  controlPort: number;
}

function getJson<T>(port: number, urlPath: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: urlPath, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${urlPath}: ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve((urlPath === "/metrics" ? text : JSON.parse(text)) as T);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on("error", reject);
  });
}

export const connections = (s: CapacityServer) => getJson<{ count: number }>(s.controlPort, "/count", 5_000).then((r) => r.count);
export const memory = (s: CapacityServer) => getJson<MemoryReading>(s.controlPort, "/memory");

/** A counter or gauge of the lobby's GET /metrics (the sum over its label sets). */
export async function lobbyMetric(s: CapacityServer, name: string): Promise<number> {
  const text = await getJson<string>(s.target.port, "/metrics");
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "gm"))) sum += Number(m[1]);
  return sum;
}

/** Transactions (commits + rollbacks) PostgreSQL counted for `database` (flushed with up to ~1 s delay). */
export async function pgTransactions(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1", [database]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** The server settings a run may pass through from its environment (admission control, pool, shards). */
const PASSED = /^(JOIN_|LOGIN_|DB_POOL_SIZE$|LOBBY_SHARD_SIZE$|LOBBY_SESSION_SWEEP_SECONDS$|PASSWORD_HASH_THREADS$)/;

export async function startLobby(opts: { databaseUrl: string; redisUrl?: string; reconnectSeconds: number }): Promise<{ server: CapacityServer; config: Config; env: Record<string, string> }> {
  const port = await freePort();
  const passed = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => PASSED.test(k) && v !== undefined)) as Record<string, string>;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    HOST,
    PORT: String(port),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "lobby-capacity-")),
    DATABASE_URL: opts.databaseUrl,
    MIGRATE_ON_START: "false",
    JWT_SECRET: crypto.randomBytes(48).toString("base64url"),
    LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "warn",
    LOBBY_RECONNECT_SECONDS: String(opts.reconnectSeconds),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, PUBLIC_ADDRESS: `${HOST}:${port}` } : {}),
    ...passed,
  };
  const config = loadConfig(env);
  const child = await forkBenchChild("lib/capacity-lobby-entry.ts", env);
  const server: CapacityServer = {
    name: "lobby",
    child,
    target: { kind: "colyseus", port: child.port, room: "lobby" },
    healthPath: "/healthz",
    controlPort: Number(child.info.controlPort),
  };
  return { server, config, env: { ...passed, LOBBY_RECONNECT_SECONDS: env.LOBBY_RECONNECT_SECONDS! } };
}

/** The raw and floor baselines, with the lobby's token settings and first messages. */
export async function startBaselines(config: Config, firstMessages: FirstMessage[]): Promise<CapacityServer[]> {
  const env = {
    JWT_SECRET: config.jwt.secret,
    JWT_ISSUER: config.jwt.issuer,
    JWT_AUDIENCE: config.jwt.audience,
    LOBBY_SHARD_SIZE: String(config.lobby.shardSize),
    CAPACITY_FIRST_MESSAGES: JSON.stringify(firstMessages),
  };
  const raw = await forkBenchChild("lib/capacity-raw-entry.ts", env);
  const floor = await forkBenchChild("lib/capacity-floor-entry.ts", env).catch(async (err: unknown) => {
    await raw.stop();
    throw err;
  });
  return [
    { name: "raw", child: raw, target: { kind: "raw", port: raw.port, room: "raw" }, healthPath: "/healthz", controlPort: Number(raw.info.controlPort) },
    { name: "floor", child: floor, target: { kind: "colyseus", port: floor.port, room: "lobby" }, healthPath: "/__healthcheck", controlPort: Number(floor.info.controlPort) },
  ];
}
