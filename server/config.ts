import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import type { AdmissionLimits } from "./lib/admission-gate";
import { DEFAULT_ARGON2_COST, meetsOwaspMinimum, OWASP_ARGON2ID_MINIMUMS, type Argon2Cost } from "./modules/auth/argon2-cost";
import type { ChatConfig } from "./modules/chat/chat-config";
import { parseRegionNeighbours, type MatchmakingConfig, type MatchRoomConfig, type PartyConfig } from "./modules/matchmaking/matchmaking-config";

import { ticketKeyProblem } from "./modules/fleet/ticket-keys";
import { EnvSchema } from "./config-env";

export { DEFAULT_DB_QUERY_TIMEOUT_MS, EnvSchema, type Env } from "./config-env";

const PLACEHOLDER_WORDS = ["changeme", "changethis", "replaceme", "yoursecret", "yourjwt", "placeholder", "example", "secretkey", "jwtsecret", "notsecret", "insecure", "password"];

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
  /** POST /auth/device creates and logs in guest accounts (GUEST_ACCOUNTS). */
  guestAccounts: boolean;
  /** GET /me/export calls per account per hour (ACCOUNT_EXPORTS_PER_HOUR). */
  accountExportsPerHour: number;
  /** PATCH /me display name changes per account per hour (DISPLAY_NAME_CHANGES_PER_HOUR). */
  displayNameChangesPerHour: number;
  /**
   * Join tickets for dedicated game servers: the ES256 keys (JOIN_TICKET_KEY_FILES, the first
   * signs; in development a key kept in the data directory; in production unset: no tickets).
   */
  joinTickets: { keyFiles: string[] | "development" | undefined; ttlSeconds: number };
  /** Dedicated game servers beat this often; three missed beats and the server is gone (FLEET_HEARTBEAT_SECONDS). */
  fleetHeartbeatSeconds: number;
  /** Game-server calls per client IP per minute, before the fleet key is checked (FLEET_REQUESTS_PER_IP_PER_MINUTE). */
  fleetRequestsPerIpPerMinute: number;
  /** Recovery mail (SMTP_URL unset: off). Links in mails go to `${linkBase}/verify-email` and `/reset-password`. */
  mail: { smtpUrl: string | undefined; from: string; linkBase: string };
  trustProxy: boolean | number | string;
  metricsToken: string | undefined;
  friendLimit: number;
  chat: ChatConfig;
  matchmaking: MatchmakingConfig;
  parties: PartyConfig;
  /** Party join codes: lifetime, and codes that open nothing allowed per account per window. */
  partyCodes: { ttlSeconds: number; guesses: number; guessWindowSeconds: number };
  partyJoinRequests: { ttlSeconds: number; perMinute: number };
  /** Custom game lobbies: modes whose matches are rated, and per-account limits. */
  gameLobbies: { ratedModes: string[]; createsPerMinute: number; failedJoinsPerMinute: number };
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
  for (const file of raw.JOIN_TICKET_KEY_FILES?.split(",").map((f) => f.trim()).filter(Boolean) ?? []) {
    let pem: string;
    try {
      pem = fs.readFileSync(file, "utf8");
    } catch (err) {
      problems.push(`JOIN_TICKET_KEY_FILES: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
      continue;
    }
    const problem = ticketKeyProblem(pem);
    if (problem) problems.push(`JOIN_TICKET_KEY_FILES: ${file}: ${problem}`);
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
  if (parsed.success) {
    const modes = new Map(parsed.data.GAME_MODES.map((g) => [g.id, g]));
    const listed = Object.keys(parsed.data.MATCH_BACKFILL);
    const unknown = listed.filter((m) => !modes.has(m));
    if (unknown.length > 0) problems.push(`MATCH_BACKFILL: ${unknown.join(", ")} not in GAME_MODES`);
    // One player against one: any leave ends the match by forfeit, so there is never a seat to fill.
    const never = listed.filter((m) => modes.get(m)?.teamSize === 1 && modes.get(m)?.teamCount === 2);
    if (never.length > 0) problems.push(`MATCH_BACKFILL: ${never.join(", ")} is one player against one: a leave always ends the match, nothing to backfill`);
  }
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
    guestAccounts: e.GUEST_ACCOUNTS,
    accountExportsPerHour: e.ACCOUNT_EXPORTS_PER_HOUR,
    displayNameChangesPerHour: e.DISPLAY_NAME_CHANGES_PER_HOUR,
    fleetHeartbeatSeconds: e.FLEET_HEARTBEAT_SECONDS,
    fleetRequestsPerIpPerMinute: e.FLEET_REQUESTS_PER_IP_PER_MINUTE,
    joinTickets: { keyFiles: e.JOIN_TICKET_KEY_FILES ?? (production ? undefined : "development"), ttlSeconds: e.JOIN_TICKET_TTL_SECONDS },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, linkBase: e.EMAIL_LINK_BASE_URL.replace(/\/+$/, "") },
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
      backfill: e.MATCH_BACKFILL,
    },
    parties: { maxSize: e.PARTY_MAX_SIZE ?? Math.max(2, largestTeam), inviteTtlSeconds: e.PARTY_INVITE_TTL_SECONDS },
    partyCodes: { ttlSeconds: e.PARTY_CODE_TTL_SECONDS, guesses: e.PARTY_CODE_GUESSES, guessWindowSeconds: e.PARTY_CODE_GUESS_WINDOW_SECONDS },
    partyJoinRequests: { ttlSeconds: e.PARTY_JOIN_REQUEST_TTL_SECONDS, perMinute: e.PARTY_JOIN_REQUESTS_PER_MINUTE },
    gameLobbies: { ratedModes: e.GAME_LOBBY_RATED_MODES, createsPerMinute: e.GAME_LOBBY_CREATES_PER_MINUTE, failedJoinsPerMinute: e.GAME_LOBBY_FAILED_JOINS_PER_MINUTE },
    matchRoom: {
      targetScore: e.MATCH_TARGET_SCORE,
      reconnectSeconds: e.MATCH_RECONNECT_SECONDS,
      scoreCooldownMs: e.MATCH_SCORE_COOLDOWN_MS,
      spectators: { policy: e.MATCH_SPECTATORS, delaySeconds: e.MATCH_SPECTATOR_DELAY_SECONDS, max: e.MATCH_SPECTATORS_MAX },
    },
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
