import type { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { Limiter, LimiterOptions, LimiterStore, LimitResult } from "./limiter";

function wrap(limiter: RateLimiterAbstract, points: number): Limiter {
  const toResult = (res: RateLimiterRes | null, allowed: boolean): LimitResult => ({
    allowed,
    remaining: res ? Math.max(0, points - res.consumedPoints) : points,
    resetMs: res ? Math.max(0, res.msBeforeNext) : 0,
  });
  return {
    async consume(key, cost = 1) {
      try {
        return toResult(await limiter.consume(key, cost), true);
      } catch (err) {
        if (err instanceof RateLimiterRes) return toResult(err, false);
        throw err;
      }
    },
    async peek(key) {
      const res = await limiter.get(key);
      // A window or lock that has ended (the memory store drops the key only when its timer fires).
      if (!res || res.msBeforeNext <= 0) return toResult(null, true);
      return toResult(res, res.consumedPoints <= points);
    },
    async reset(key) {
      await limiter.delete(key);
    },
    async reward(key, points = 1) {
      await limiter.reward(key, points);
    },
  };
}

export function memoryLimiterStore(): LimiterStore {
  return {
    kind: "memory",
    create(o: LimiterOptions) {
      return wrap(
        new RateLimiterMemory({
          keyPrefix: o.name,
          points: o.points,
          duration: o.durationSeconds,
          blockDuration: o.blockSeconds ?? 0,
        }),
        o.points,
      );
    },
  };
}

/**
 * Shared limits in Redis. If Redis is unreachable a per-process memory limiter takes over
 * (limits stay enforced per process rather than failing every request).
 */
export function redisLimiterStore(redis: Redis, keyPrefix = "lobby:rl"): LimiterStore {
  return {
    kind: "redis",
    create(o: LimiterOptions) {
      const base = { points: o.points, duration: o.durationSeconds, blockDuration: o.blockSeconds ?? 0 };
      return wrap(
        new RateLimiterRedis({
          ...base,
          storeClient: redis,
          keyPrefix: `${keyPrefix}:${o.name}`,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ ...base, keyPrefix: `${o.name}:insurance` }),
        }),
        o.points,
      );
    },
  };
}
