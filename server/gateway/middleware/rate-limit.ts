import type { Request, RequestHandler, Response } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import { retryAfterSeconds, type Limiter } from "../../lib/rate-limit/limiter";

/** Spends one point per request on `key(req)`; 429 with Retry-After once the key is spent. */
export function rateLimit(limiter: Limiter, key: (req: Request, res: Response) => string): RequestHandler {
  return async (req, res, next) => {
    const result = await limiter.consume(key(req, res));
    if (result.allowed) {
      next();
      return;
    }
    const retryAfter = retryAfterSeconds(result);
    next(new AppError(ErrorCode.RateLimited, `Too many requests. Try again in ${retryAfter} seconds.`, { retryAfterSeconds: retryAfter }));
  };
}
