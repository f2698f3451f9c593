import { Redis, type RedisOptions } from "ioredis";
import { TimeoutError, withTimeout } from "./bounded";

/** How long a Redis command may go unanswered unless REDIS_COMMAND_TIMEOUT_MS says otherwise. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * Options for every Redis connection of the process. Nothing waits on Redis forever:
 * - commandTimeout: a command unanswered after `commandTimeoutMs` is rejected (also one waiting
 *   in the offline queue while the connection is down);
 * - socketTimeout: a connection that receives nothing for that long after a command was written
 *   is destroyed and reconnected. Without it a blackholed connection (open, silent: no RST ever
 *   comes) would be kept, and ioredis matches replies to commands in order, so one command lost on
 *   the way would leave every later reply on that connection answering the wrong command.
 * - reconnects retry quickly and keep trying (the outage is reported by BackplaneHealth).
 */
export function redisOptions(commandTimeoutMs: number): RedisOptions {
  return {
    commandTimeout: commandTimeoutMs,
    socketTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
  };
}

/** A Redis connection with the process' bounds (connecting in the background). */
export function createRedis(url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, redisOptions(commandTimeoutMs));
}

/**
 * Connects to Redis and proves it answers, so a wrong REDIS_URL fails the boot with a clear
 * message instead of hanging (Colyseus' Redis presence retries forever).
 */
export async function connectRedis(url: string, timeoutMs = 5_000, commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): Promise<Redis> {
  const redis = new Redis(url, { ...redisOptions(commandTimeoutMs), lazyConnect: true });
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs, `Redis at ${redactUrl(url)}`);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}

/** What ioredis rejects a command with while Redis does not answer (beside a bound's TimeoutError). */
const UNAVAILABLE_MESSAGES = new Set(["Command timed out", "Connection is closed."]);

/**
 * True for an error that says Redis is away (a command timed out, the connection is down, the
 * retries of a command ran out), as opposed to a bug: callers answer 503 service_unavailable.
 */
export function isBackplaneUnavailable(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  if (!(err instanceof Error)) return false;
  return err.name === "MaxRetriesPerRequestError" || UNAVAILABLE_MESSAGES.has(err.message);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}
