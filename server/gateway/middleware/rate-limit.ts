import type { Request, RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import { retryAfterSeconds, type Limiter } from "../../lib/rate-limit/limiter";

/** Spends one point per request on `key(req)`; 429 with Retry-After once the key is spent. */
export function rateLimit(limiter: Limiter, key: (req: Request) => string): RequestHandler {
  return async (req, res, next) => {
    const result = await limiter.consume(key(req));
    if (result.allowed) {
      next();
      return;
    }
    const retryAfter = retryAfterSeconds(result);
    next(new AppError(ErrorCode.RateLimited, `Too many requests. Try again in ${retryAfter} seconds.`, { retryAfterSeconds: retryAfter }));
  };
}
