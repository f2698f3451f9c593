import type { Request, RequestHandler } from "express";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";

const pathOf = (url: string): string => url.split("?")[0] ?? "/";
const segments = (path: string): string[] => path.split("/").filter(Boolean);

/**
 * The matched route's template, e.g. "/auth/login" or "/friends/:id", the same whether the route
 * answered or the app's error handler did (by then Express has reset req.baseUrl). The mount part
 * is the request path minus as many trailing segments as the route's own path has. Unmatched
 * requests share one label so scanners cannot grow the metric's series.
 */
function routeLabel(req: Request): string {
  if (!req.route) return "unmatched";
  const own = segments(String(req.route.path));
  const all = segments(pathOf(req.originalUrl));
  const mount = all.slice(0, Math.max(0, all.length - own.length)).map((s) => s.toLowerCase());
  return `/${[...mount, ...own].join("/")}`;
}

/** One log line and metrics per request. Logs the path only: query strings may carry tokens. */
export function accessLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const path = pathOf(req.originalUrl);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeLabel(req);
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        "http request",
      );
    });
    next();
  };
}
