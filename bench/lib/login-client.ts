import http from "node:http";
import { performance } from "node:perf_hooks";

export interface LoginBurst {
  elapsedMs: number;
  /** Latency of every 200 answer. */
  latencies: number[];
  /** Answers by HTTP status (200, 401, 429, 503, ...; 0 = connection error). */
  statuses: Record<string, number>;
}

/**
 * POST /auth/login for each username in order, `concurrency` at a time, each worker on its own
 * keep-alive connection. Worker i connects from `sourceIps[i % sourceIps.length]` (loopback
 * addresses, e.g. 127.0.0.2), so the per-IP login limits see one or several client addresses.
 */
export async function loginBurst(url: string, usernames: readonly string[], password: string, concurrency: number, sourceIps: readonly string[]): Promise<LoginBurst> {
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const worker = async (w: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: sourceIps[w % sourceIps.length] });
    try {
      while (next < usernames.length) {
        const username = usernames[next++]!;
        const started = performance.now();
        const status = await postLogin(target, agent, username, password);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) latencies.push(performance.now() - started);
      }
    } finally {
      agent.destroy();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { elapsedMs: performance.now() - started, latencies, statuses };
}

function postLogin(target: URL, agent: http.Agent, username: string, password: string): Promise<number> {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: "/auth/login",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), accept: "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/** The server's lobby_db_queries_total (statements sent to PostgreSQL so far). */
export async function scrapeDbQueries(url: string, metricsToken: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  const text = await res.text();
  const line = text.split("\n").find((l) => l.startsWith("lobby_db_queries_total"));
  if (!line) throw new Error(`no lobby_db_queries_total in /metrics (HTTP ${res.status})`);
  return Number(line.split(/\s+/)[1]);
}
