// The environment the server reads: every variable, its type, range and default (config.ts turns
// it into the Config the composition root uses, with the checks across variables).
import { z } from "zod";
import { DEFAULT_ARGON2_COST } from "./modules/auth/argon2-cost";
import { parseBackfill, parseGameModes, parseSpreadSchedule, type GameMode, type SpreadStep } from "./modules/matchmaking/matchmaking-config";


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
  GUEST_ACCOUNTS: bool.default(true),
  ACCOUNT_EXPORTS_PER_HOUR: int(1, 1000).default(3),
  DISPLAY_NAME_CHANGES_PER_HOUR: int(1, 1000).default(10),
  JOIN_TICKET_KEY_FILES: list().optional(),
  JOIN_TICKET_TTL_SECONDS: int(10, 600).default(60),
  FLEET_HEARTBEAT_SECONDS: int(1, 60).default(5),
  FLEET_REQUESTS_PER_IP_PER_MINUTE: int(10, 1_000_000).default(6000),
  SMTP_URL: urlOf(["smtp:", "smtps:"], "smtp:// or smtps://").optional(),
  MAIL_FROM: z.string().min(3).max(200).default("Lobby <no-reply@localhost>"),
  EMAIL_LINK_BASE_URL: urlOf(["http:", "https:"], "http:// or https://").default("http://localhost:2567"),
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
  MATCH_SPECTATORS: z.enum(["off", "friends", "anyone"]).default("friends"),
  MATCH_SPECTATOR_DELAY_SECONDS: int(0, 600).default(0),
  MATCH_SPECTATORS_MAX: int(1, 1000).default(20),
  MATCH_RECONNECT_SECONDS: int(0, 600).default(30),
  MATCH_BACKFILL: parsedWith<Record<string, number>>(parseBackfill).default({}),
  PARTY_MAX_SIZE: int(2, 64).optional(),
  PARTY_INVITE_TTL_SECONDS: int(5, 3600).default(60),
  PARTY_CODE_TTL_SECONDS: int(60, 7 * 86_400).default(3600),
  PARTY_CODE_GUESSES: int(1, 10_000).default(10),
  PARTY_CODE_GUESS_WINDOW_SECONDS: int(10, 86_400).default(600),
  PARTY_JOIN_REQUEST_TTL_SECONDS: int(10, 3600).default(120),
  PARTY_JOIN_REQUESTS_PER_MINUTE: int(1, 1000).default(10),
  GAME_LOBBY_RATED_MODES: list().default([]),
  GAME_LOBBY_CREATES_PER_MINUTE: int(1, 1000).default(5),
  GAME_LOBBY_FAILED_JOINS_PER_MINUTE: int(1, 1000).default(10),
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
