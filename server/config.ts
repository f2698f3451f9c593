import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { z } from "zod";
import type { AdmissionLimits } from "./lib/admission-gate";
import { DEFAULT_ARGON2_COST, meetsOwaspMinimum, OWASP_ARGON2ID_MINIMUMS, type Argon2Cost } from "./modules/auth/argon2-cost";
import type { ChatConfig } from "./modules/chat/chat-config";
import {
  parseGameModes,
  parseRegionNeighbours,
  parseSpreadSchedule,
  type GameMode,
  type MatchmakingConfig,
  type MatchRoomConfig,
  type PartyConfig,
  type SpreadStep,
} from "./modules/matchmaking/matchmaking-config";

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A comma-separated list; blanks dropped. */
const list = (item: z.ZodString = z.string()) =>
  z
    .string()
    .transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item));
const CHANNEL_NAME = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "channel names are 1-32 of a-z 0-9 _ - (starting with a letter or digit)");

/**
 * Words found in placeholder secrets copied from examples ("your-jwt-secret-change-me-in-production").
 * Compared with the secret lower-cased and stripped of everything but letters and digits; a random
 * secret contains none of them by chance.
 */
const PLACEHOLDER_WORDS = ["changeme", "changethis", "replaceme", "yoursecret", "yourjwt", "placeholder", "example", "secretkey", "jwtsecret", "notsecret", "insecure", "password"];

/** A URL of one of `protocols` that the WHATWG URL parser accepts. */
const urlOf = (protocols: string[], label: string) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a valid ${label} URL`);

/** A value parsed by `parse`, which returns the result or a problem. */
const parsedWith = <T>(parse: (v: string) => T | string) =>
  z.string().transform((v, ctx): T => {
    const result = parse(v);
    if (typeof result === "string") {
      ctx.addIssue({ code: "custom", message: result });
      return z.NEVER;
    }
    return result;
  });

export const DEFAULT_DB_QUERY_TIMEOUT_MS = 5_000;

/** Every environment variable the server reads. README.md and .env.example document each key (a test checks). */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: int(0, 65535).default(2567),
  /** Address clients use to reach this process (seat reservations route here). */
  PUBLIC_ADDRESS: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: urlOf(["postgres:", "postgresql:"], "postgres:// or postgresql://").optional(),
  DB_POOL_SIZE: int(1, 200).default(10),
  /** Named prepared statements for the hot raw queries (off only behind a pooler that cannot keep them). */
  DB_PREPARED_STATEMENTS: bool.default(true),
  /** Longest a PostgreSQL statement (or a connection from the pool) is waited for; a connection that timed out is discarded. */
  DB_QUERY_TIMEOUT_MS: int(100, 600_000).default(DEFAULT_DB_QUERY_TIMEOUT_MS),
  MIGRATE_ON_START: bool.optional(),
  REDIS_URL: urlOf(["redis:", "rediss:"], "redis:// or rediss://").optional(),
  /** Longest any Redis command is waited for; a connection silent that long after a command is reconnected. */
  REDIS_COMMAND_TIMEOUT_MS: int(100, 60_000).default(2_000),
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default("lobby"),
  JWT_AUDIENCE: z.string().min(1).default("lobby-game"),
  ACCESS_TOKEN_TTL_SECONDS: int(30, 3600).default(900),
  SESSION_TTL_SECONDS: int(3600, 365 * 24 * 3600).default(30 * 24 * 3600),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: int(1, 1000).default(5),
  LOGIN_ACCOUNT_IP_WINDOW_SECONDS: int(1, 86400).default(900),
  LOGIN_ACCOUNT_IP_LOCK_SECONDS: int(1, 86400).default(60),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100000).default(30),
  LOGIN_IP_WINDOW_SECONDS: int(1, 86400).default(600),
  LOGIN_IP_LOCK_SECONDS: int(1, 86400).default(600),
  REGISTER_MAX_PER_IP_PER_HOUR: int(1, 100000).default(20),
  /** Express "trust proxy": false (default), a hop count, or a list of trusted proxy addresses. */
  TRUST_PROXY: z.string().default("false"),
  /** If set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  FRIEND_LIMIT: int(1, 10_000).default(500),
  CHAT_CHANNELS: list(CHANNEL_NAME).default(["general"]),
  CHAT_UNFILTERED_CHANNELS: list(CHANNEL_NAME).default([]),
  CHAT_FILTER_DIRECT_MESSAGES: bool.default(true),
  CHAT_FILTER_PARTY: bool.default(true),
  CHAT_BLOCKED_WORDS: list().default([]),
  CHAT_ALLOWED_WORDS: list().default([]),
  CHAT_HISTORY_ON_JOIN: int(0, 200).default(50),
  CHAT_FLOOD_BURST: int(1, 100).default(5),
  CHAT_FLOOD_PER_SECOND: z.coerce.number().positive().max(100).default(1),
  CHAT_REPEAT_COOLDOWN_SECONDS: int(0, 3600).default(30),
  CHAT_FLOOD_VIOLATIONS_TO_MUTE: int(1, 100).default(3),
  CHAT_JOIN_BURST: int(1, 1000).default(20),
  CHAT_JOINS_PER_SECOND: z.coerce.number().positive().max(100).default(0.5),
  CHAT_JOINS_PER_ACCOUNT_PER_MINUTE: int(1, 100_000).default(60),
  CHAT_RETENTION_DAYS_PUBLIC: int(1, 3650).default(30),
  CHAT_RETENTION_DAYS_DM: int(1, 3650).default(365),
  CHAT_RETENTION_DAYS_PARTY: int(1, 3650).default(7),
  GAME_MODES: parsedWith<GameMode[]>(parseGameModes).default(parseGameModes("duel:1x2,squad:2x2,ffa:1x4") as GameMode[]),
  MATCH_REGIONS: list(CHANNEL_NAME).pipe(z.array(z.string()).min(1)).default(["eu", "na", "asia"]),
  MATCH_REGION_NEIGHBOURS: z.string().default("eu=na,na=eu|asia,asia=na"),
  MATCH_REGION_WIDEN_SECONDS: int(0, 3600).default(30),
  MATCH_SPREAD_SCHEDULE: parsedWith<SpreadStep[]>(parseSpreadSchedule).default(parseSpreadSchedule("0=3,10=6,20=12,40=25") as SpreadStep[]),
  MATCH_TICK_MS: int(50, 3_600_000).default(1000),
  MATCH_QUEUE_LEASE_SECONDS: int(2, 600).default(5),
  MATCH_JOIN_DEADLINE_SECONDS: int(2, 300).default(15),
  MATCH_TARGET_SCORE: int(1, 10_000).default(20),
  MATCH_SCORE_COOLDOWN_MS: int(0, 60_000).default(250),
  MATCH_RECONNECT_SECONDS: int(0, 600).default(30),
  PARTY_MAX_SIZE: int(2, 64).optional(),
  PARTY_INVITE_TTL_SECONDS: int(5, 3600).default(60),
  LOBBY_SHARD_SIZE: int(1, 5000).default(250),
  LOBBY_RECONNECT_SECONDS: int(0, 600).default(20),
  PROCESS_HEARTBEAT_SECONDS: int(1, 60).default(5),
  PROCESS_DEAD_AFTER_SECONDS: int(2, 600).default(15),
  LOBBY_SESSION_SWEEP_SECONDS: int(1, 3600).default(30),
  /** How long a confirmed live session is trusted without reading it again (0: never cached). Revocations invalidate at once. */
  SESSION_CACHE_SECONDS: int(0, 300).default(5),
  /** Admission control: lobby joins (onAuth + join snapshot) running at once, waiting, and the longest wait. */
  JOIN_MAX_IN_FLIGHT: int(1, 10_000).default(64),
  JOIN_QUEUE_MAX: int(0, 100_000).default(5_000),
  JOIN_QUEUE_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Admission control: logins and registrations (password hashing) running at once, waiting, and the longest wait. */
  LOGIN_MAX_IN_FLIGHT: int(1, 1_000).default(16),
  LOGIN_QUEUE_MAX: int(0, 100_000).default(1_000),
  LOGIN_QUEUE_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Threads hashing passwords (libuv's pool, UV_THREADPOOL_SIZE); default: the machine's cores, at least 4. */
  PASSWORD_HASH_THREADS: int(1, 1024).optional(),
  /** argon2id cost of new password hashes: memory (KiB) and passes. Production refuses less than OWASP's minimum. */
  PASSWORD_HASH_MEMORY_KIB: int(8, 4_194_304).default(DEFAULT_ARGON2_COST.memoryKib),
  PASSWORD_HASH_ITERATIONS: int(1, 1_000).default(DEFAULT_ARGON2_COST.iterations),
  /** The first operator: created (or given the moderator role and this password) at start. Never a default. */
  ADMIN_USERNAME: z.string().regex(/^[A-Za-z0-9_]{3,20}$/, "must be 3-20 letters, digits or underscores").optional(),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(256).optional(),
  /** Audience of operator tokens; must differ from JWT_AUDIENCE (default: JWT_AUDIENCE + "-admin"). */
  ADMIN_JWT_AUDIENCE: z.string().min(1).optional(),
  ADMIN_TOKEN_TTL_SECONDS: int(60, 24 * 3600).default(3600),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: int(0, 120000).default(10000),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  publicAddress: string | undefined;
  dataDir: string;
  database: { kind: "postgres"; url: string; poolSize: number; preparedStatements: boolean; queryTimeoutMs?: number } | { kind: "embedded"; dir: string };
  migrateOnStart: boolean;
  redisUrl: string | undefined;
  redisCommandTimeoutMs: number;
  jwt: { secret: string; issuer: string; audience: string; accessTtlSeconds: number };
  sessionTtlSeconds: number;
  loginLimits: {
    accountIp: { maxFailures: number; windowSeconds: number; lockSeconds: number };
    ip: { maxFailures: number; windowSeconds: number; lockSeconds: number };
  };
  registerMaxPerIpPerHour: number;
  trustProxy: boolean | number | string;
  metricsToken: string | undefined;
  friendLimit: number;
  chat: ChatConfig;
  matchmaking: MatchmakingConfig;
  parties: PartyConfig;
  matchRoom: MatchRoomConfig;
  lobby: { shardSize: number; reconnectSeconds: number; sessionSweepSeconds: number };
  /** Seconds a confirmed live session is cached (SessionCache); 0 disables the cache. */
  sessionCacheSeconds: number;
  /** Admission control (see AdmissionGate). */
  admission: { join: AdmissionLimits; login: AdmissionLimits };
  /** Threads for password hashing: libuv's pool size (UV_THREADPOOL_SIZE). */
  passwordHashThreads: number;
  /** argon2id cost of new password hashes (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS). */
  passwordHashCost: Argon2Cost;
  /** With several processes: how often each one says it is alive, and when the others give up on it. */
  liveness: { heartbeatSeconds: number; deadAfterSeconds: number };
  admin: { username: string | undefined; password: string | undefined; audience: string; tokenTtlSeconds: number };
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Accepted but unsafe settings, for the boot to log. */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const GENERATE_HINT = "generate one with `openssl rand -base64 48`";

/** The shortest unit that `s` repeats (a prefix of it), or s.length when it repeats nothing. */
function repeatingUnit(s: string): number {
  for (let unit = 1; unit <= s.length / 2; unit++) {
    let periodic = true;
    for (let i = unit; i < s.length && periodic; i++) periodic = s[i] === s[i - unit];
    if (periodic) return unit;
  }
  return s.length;
}

/** A secret is strong when long, not a placeholder and not trivially patterned. */
export function secretProblem(secret: string): string | undefined {
  if (secret.length < 32) return `must be at least 32 characters (${GENERATE_HINT})`;
  const letters = secret.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (PLACEHOLDER_WORDS.some((word) => letters.includes(word))) return `looks like a placeholder (${GENERATE_HINT})`;
  if (new Set(secret).size < 10 || repeatingUnit(secret) <= 16) return `is too repetitive (${GENERATE_HINT})`;
  return undefined;
}

/** Checks that span several variables; they read raw values so they run even when parsing failed. */
function crossFieldProblems(raw: Record<string, string>): string[] {
  const problems: string[] = [];
  const production = raw.NODE_ENV === "production";
  if (raw.JWT_SECRET !== undefined) {
    const problem = secretProblem(raw.JWT_SECRET);
    if (problem) problems.push(`JWT_SECRET: ${problem}`);
  } else if (production) {
    problems.push("JWT_SECRET: is required when NODE_ENV=production");
  }
  if (raw.ADMIN_USERNAME && !raw.ADMIN_PASSWORD) {
    problems.push("ADMIN_PASSWORD: is required with ADMIN_USERNAME (there is no default operator password)");
  }
  if (raw.ADMIN_JWT_AUDIENCE && raw.ADMIN_JWT_AUDIENCE === (raw.JWT_AUDIENCE ?? "lobby-game")) {
    problems.push("ADMIN_JWT_AUDIENCE: must differ from JWT_AUDIENCE (operator and player tokens must not be interchangeable)");
  }
  if (production && !raw.DATABASE_URL) {
    problems.push("DATABASE_URL: is required when NODE_ENV=production (the embedded store is for development)");
  }
  if (raw.REDIS_URL && !raw.DATABASE_URL) {
    problems.push("REDIS_URL: several processes need a shared PostgreSQL; set DATABASE_URL too");
  }
  if (production && trustsEveryHop(raw.TRUST_PROXY)) {
    problems.push(`TRUST_PROXY: "${raw.TRUST_PROXY}" ${TRUST_EVERY_HOP_RISK}; refused when NODE_ENV=production: ${TRUST_PROXY_INSTEAD}`);
  }
  if (production) {
    const problem = weakHashCostProblem(raw);
    if (problem) problems.push(problem);
  }
  if (production && raw.REDIS_URL && !raw.PUBLIC_ADDRESS) {
    problems.push("PUBLIC_ADDRESS: is required with REDIS_URL in production so seat reservations reach this process");
  }
  return problems;
}

/** Cheap hashes are for tests: production refuses a cost below every one of OWASP's configurations. */
function weakHashCostProblem(raw: Record<string, string>): string | undefined {
  const cost = {
    memoryKib: Number(raw.PASSWORD_HASH_MEMORY_KIB ?? DEFAULT_ARGON2_COST.memoryKib),
    iterations: Number(raw.PASSWORD_HASH_ITERATIONS ?? DEFAULT_ARGON2_COST.iterations),
  };
  // Values that are not numbers are reported by the schema.
  if (!Number.isFinite(cost.memoryKib) || !Number.isFinite(cost.iterations) || meetsOwaspMinimum(cost)) return undefined;
  const minimums = OWASP_ARGON2ID_MINIMUMS.map((m) => `${m.memoryKib} KiB x ${m.iterations}`).join(", ");
  return `PASSWORD_HASH_MEMORY_KIB/PASSWORD_HASH_ITERATIONS: ${cost.memoryKib} KiB x ${cost.iterations} passes is below OWASP's argon2id minimum; refused when NODE_ENV=production (at least one of: ${minimums})`;
}

/**
 * `true` (or a catch-all subnet) makes Express take the left-most X-Forwarded-For entry, which the
 * client writes itself: every rate limit and lockout keyed on the client IP becomes optional.
 */
function trustsEveryHop(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === "true") return true;
  return value.split(",").some((entry) => ["0.0.0.0/0", "::/0"].includes(entry.trim()));
}

const TRUST_EVERY_HOP_RISK =
  "trusts every X-Forwarded-For hop, so any client can choose the address that rate limits and login lockouts key on";
const TRUST_PROXY_INSTEAD = "set the number of proxies in front (e.g. 1 behind one load balancer) or their addresses/subnets (e.g. 10.0.0.0/8)";

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "false" || value === "") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * Reads, validates and freezes configuration. Every problem is reported at once. In development a
 * missing JWT_SECRET is generated and kept in the data directory so tokens survive restarts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const raw: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
  const parsed = EnvSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  problems.push(...crossFieldProblems(raw));
  const neighbours = parsed.success ? parseRegionNeighbours(parsed.data.MATCH_REGION_NEIGHBOURS, parsed.data.MATCH_REGIONS) : {};
  if (typeof neighbours === "string") problems.push(`MATCH_REGION_NEIGHBOURS: ${neighbours}`);
  if (!parsed.success || problems.length > 0 || typeof neighbours === "string") throw new ConfigError(problems);
  const e = parsed.data;
  const largestTeam = Math.max(...e.GAME_MODES.map((m) => m.teamSize));
  const production = e.NODE_ENV === "production";

  const dataDir = path.resolve(e.DATA_DIR);
  const config: Config = {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicAddress: e.PUBLIC_ADDRESS,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE, preparedStatements: e.DB_PREPARED_STATEMENTS, queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS }
      : { kind: "embedded", dir: path.join(dataDir, "pglite") },
    migrateOnStart: e.MIGRATE_ON_START ?? !production,
    redisUrl: e.REDIS_URL,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    jwt: {
      secret: e.JWT_SECRET ?? developmentSecret(dataDir),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    },
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    loginLimits: {
      accountIp: {
        maxFailures: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP,
        windowSeconds: e.LOGIN_ACCOUNT_IP_WINDOW_SECONDS,
        lockSeconds: e.LOGIN_ACCOUNT_IP_LOCK_SECONDS,
      },
      ip: {
        maxFailures: e.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: e.LOGIN_IP_WINDOW_SECONDS,
        lockSeconds: e.LOGIN_IP_LOCK_SECONDS,
      },
    },
    registerMaxPerIpPerHour: e.REGISTER_MAX_PER_IP_PER_HOUR,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN,
    friendLimit: e.FRIEND_LIMIT,
    chat: {
      publicChannels: e.CHAT_CHANNELS,
      unfilteredChannels: e.CHAT_UNFILTERED_CHANNELS,
      filterDirectMessages: e.CHAT_FILTER_DIRECT_MESSAGES,
      filterPartyChat: e.CHAT_FILTER_PARTY,
      extraBlockedWords: e.CHAT_BLOCKED_WORDS,
      allowedWords: e.CHAT_ALLOWED_WORDS,
      historyOnJoin: e.CHAT_HISTORY_ON_JOIN,
      flood: {
        burst: e.CHAT_FLOOD_BURST,
        refillPerSecond: e.CHAT_FLOOD_PER_SECOND,
        repeatCooldownMs: e.CHAT_REPEAT_COOLDOWN_SECONDS * 1000,
        violationsToMute: e.CHAT_FLOOD_VIOLATIONS_TO_MUTE,
        violationWindowMs: 60_000,
      },
      retentionDays: { public: e.CHAT_RETENTION_DAYS_PUBLIC, dm: e.CHAT_RETENTION_DAYS_DM, party: e.CHAT_RETENTION_DAYS_PARTY },
      joins: { burst: e.CHAT_JOIN_BURST, perSecond: e.CHAT_JOINS_PER_SECOND, perAccountPerMinute: e.CHAT_JOINS_PER_ACCOUNT_PER_MINUTE },
    },
    matchmaking: {
      modes: e.GAME_MODES,
      regions: e.MATCH_REGIONS,
      regionNeighbours: neighbours,
      regionWidenSeconds: e.MATCH_REGION_WIDEN_SECONDS,
      spreadSchedule: e.MATCH_SPREAD_SCHEDULE,
      tickMs: e.MATCH_TICK_MS,
      leaseSeconds: e.MATCH_QUEUE_LEASE_SECONDS,
      joinDeadlineSeconds: e.MATCH_JOIN_DEADLINE_SECONDS,
    },
    parties: { maxSize: e.PARTY_MAX_SIZE ?? Math.max(2, largestTeam), inviteTtlSeconds: e.PARTY_INVITE_TTL_SECONDS },
    matchRoom: { targetScore: e.MATCH_TARGET_SCORE, reconnectSeconds: e.MATCH_RECONNECT_SECONDS, scoreCooldownMs: e.MATCH_SCORE_COOLDOWN_MS },
    liveness: { heartbeatSeconds: e.PROCESS_HEARTBEAT_SECONDS, deadAfterSeconds: e.PROCESS_DEAD_AFTER_SECONDS },
    lobby: {
      shardSize: e.LOBBY_SHARD_SIZE,
      reconnectSeconds: e.LOBBY_RECONNECT_SECONDS,
      sessionSweepSeconds: e.LOBBY_SESSION_SWEEP_SECONDS,
    },
    sessionCacheSeconds: e.SESSION_CACHE_SECONDS,
    admission: {
      join: { maxInFlight: e.JOIN_MAX_IN_FLIGHT, maxQueued: e.JOIN_QUEUE_MAX, queueTimeoutMs: e.JOIN_QUEUE_TIMEOUT_MS },
      login: { maxInFlight: e.LOGIN_MAX_IN_FLIGHT, maxQueued: e.LOGIN_QUEUE_MAX, queueTimeoutMs: e.LOGIN_QUEUE_TIMEOUT_MS },
    },
    passwordHashThreads: e.PASSWORD_HASH_THREADS ?? Math.max(4, os.availableParallelism()),
    passwordHashCost: { memoryKib: e.PASSWORD_HASH_MEMORY_KIB, iterations: e.PASSWORD_HASH_ITERATIONS },
    admin: {
      username: e.ADMIN_USERNAME,
      password: e.ADMIN_PASSWORD,
      audience: e.ADMIN_JWT_AUDIENCE ?? `${e.JWT_AUDIENCE}-admin`,
      tokenTtlSeconds: e.ADMIN_TOKEN_TTL_SECONDS,
    },
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    warnings: trustsEveryHop(e.TRUST_PROXY) ? [`TRUST_PROXY: "${e.TRUST_PROXY}" ${TRUST_EVERY_HOP_RISK}; allowed outside production only: ${TRUST_PROXY_INSTEAD}`] : [],
  };
  return deepFreeze(config);
}

function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, "jwt-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (!secretProblem(existing)) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const v of Object.values(value)) if (v && typeof v === "object") deepFreeze(v as object);
  return Object.freeze(value);
}
