import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "../lib/metrics";
import { requestIdFrom } from "./middleware/request-id";
import type { SecurityHeaders } from "./middleware/security-headers";

/** The body of GET /healthz (the same as the route in health.routes.ts). */
export const HEALTHZ_BODY = JSON.stringify({ status: "ok" });

/**
 * GET /healthz answered before Express and its middleware stack: a liveness probe proves the
 * process answers, nothing more, and is called often (load balancers, orchestrators, monitors).
 * The response carries what every response of the gateway carries (X-Request-Id, helmet's
 * headers) plus Cache-Control: no-store, and is counted in the request metrics under the route
 * "/healthz"; it writes no access-log line. Any other spelling (HEAD, /healthz/, /HEALTHZ) goes
 * through the stack to the same route.
 *
 * Returns a handler that answers and returns true, or returns false for any other request.
 */
export function healthzFastPath(
  metrics: Metrics,
  security: SecurityHeaders,
  /** Headers the layers it bypasses would add (Colyseus' CORS headers, when it answers ahead of them). */
  extra: Record<string, string> = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  // An object (not a flat array, which writeHead turns into removeHeader + appendHeader per
  // name) on a response nobody has set headers on goes to the socket as is; a string body is
  // written in one piece with the head.
  const fixed: Record<string, string> = {
    ...extra,
    ...Object.fromEntries(security.set),
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": String(Buffer.byteLength(HEALTHZ_BODY)),
  };
  const counted = metrics.httpRequests.labels({ method: "GET", route: "/healthz", status: "200" });
  const timed = metrics.httpDuration.labels({ method: "GET", route: "/healthz" });
  return (req, res) => {
    if (req.method !== "GET") return false;
    const url = req.url ?? "";
    if (url !== "/healthz" && !url.startsWith("/healthz?")) return false;
    const start = process.hrtime.bigint();
    // helmet's removals (X-Powered-By) have nothing to remove: no handler has touched `res` yet.
    res.writeHead(200, { "X-Request-Id": requestIdFrom(req.headers["x-request-id"]), ...fixed });
    res.end(HEALTHZ_BODY);
    counted.inc();
    timed.observe(Number(process.hrtime.bigint() - start) / 1e9);
    return true;
  };
}
