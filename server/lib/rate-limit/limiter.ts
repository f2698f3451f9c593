/**
 * Counting rate limiter port: memory (one process) or Redis (shared by every process).
 * A key may spend `points` within `durationSeconds`; spending more blocks it for
 * `blockSeconds` (default: the rest of the window).
 */
import { AppError, ErrorCode } from "../errors";
export interface LimiterOptions {
  /** Namespace of the keys; unique per use. */
  name: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

export interface LimitResult {
  allowed: boolean;
  /** Points left in the window (0 when blocked). */
  remaining: number;
  /** Milliseconds until the key is allowed again or its window resets. */
  resetMs: number;
}

export interface Limiter {
  /** Spends `points` (default 1) on `key`. */
  consume(key: string, points?: number): Promise<LimitResult>;
  /** The key's state without spending anything; `allowed` is false while it is blocked. */
  peek(key: string): Promise<LimitResult>;
  reset(key: string): Promise<void>;
  /** Gives back `points` (default 1) spent on `key` in its current window (e.g. a reserved attempt that succeeded). */
  reward(key: string, points?: number): Promise<void>;
}

export interface LimiterStore {
  readonly kind: "memory" | "redis";
  create(options: LimiterOptions): Limiter;
}

export const retryAfterSeconds = (result: LimitResult): number => Math.max(1, Math.ceil(result.resetMs / 1000));

/** `rate_limited` for a spent limit: "<what>: try again in N s.", with the wait for HTTP and WS clients. */
export function rateLimitedError(what: string, result: LimitResult): AppError {
  const seconds = retryAfterSeconds(result);
  return new AppError(ErrorCode.RateLimited, `${what}: try again in ${seconds} s.`, { retryAfterSeconds: seconds, details: { retryAfterMs: seconds * 1000 } });
}
