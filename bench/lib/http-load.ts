import autocannon from "autocannon";
import { summarize, type Summary } from "./stats";

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Responses per second over autocannon's measured duration. */
  requestsPerSecond: number;
  seconds: number;
  /** Request written -> response parsed, every response, at microsecond precision. */
  latencyMs: Summary;
}

/**
 * Closed-loop load from this process: `connections` keep-alive connections, each sending its
 * next GET as soon as the previous answer arrived (no pipelining), for `seconds`. Latencies come
 * from autocannon's per-response event (fractional ms) rather than its integer-ms histogram.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: opts.url, method: "GET", headers: opts.headers ?? {}, connections: opts.connections, pipelining: 1, duration: opts.seconds, timeout: 10 },
      (err, result) => {
        if (err) return reject(err);
        const responses = latencies.length;
        resolve({
          responses,
          ok: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
          requestsPerSecond: responses / result.duration,
          seconds: result.duration,
          latencyMs: summarize(latencies),
        });
      },
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
    });
  });
}
