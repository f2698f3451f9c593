import crypto from "node:crypto";
import { Router } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { Metrics } from "../../lib/metrics";

export interface HealthDeps {
  /** Resolves when the database answers. */
  pingDatabase: () => Promise<void>;
  /** True once shutdown began: readiness fails so load balancers stop routing here. */
  isDraining: () => boolean;
  /** False while the backplane (Redis) does not answer within its bound (BackplaneHealth). */
  isBackplaneUp?: () => boolean;
  metrics: Metrics;
  metricsToken: string | undefined;
}

const tokenMatches = (given: string | undefined, expected: string): boolean => {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
};

/**
 * GET /healthz, /readyz and /metrics; none of their answers may be cached. The canonical
 * GET /healthz is answered before the middleware stack (healthz-fast-path.ts); this route serves
 * HEAD and the other spellings Express routes here (/healthz/, /HEALTHZ).
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();

  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (deps.isDraining()) throw new AppError(ErrorCode.ServiceUnavailable, "The server is shutting down.");
    try {
      await deps.pingDatabase();
    } catch {
      throw new AppError(ErrorCode.ServiceUnavailable, "The database is unreachable.");
    }
    if (deps.isBackplaneUp && !deps.isBackplaneUp()) throw new AppError(ErrorCode.ServiceUnavailable, "Redis is not answering.");
    res.json({ status: "ready", checks: { database: "ok", ...(deps.isBackplaneUp ? { redis: "ok" } : {}) } });
  });

  router.get("/metrics", async (req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (deps.metricsToken && !tokenMatches(req.get("authorization"), deps.metricsToken)) {
      throw new AppError(ErrorCode.Unauthorized, "A metrics token is required.");
    }
    res.setHeader("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  return router;
}
