import { forkBenchChild, type BenchChild } from "../lib/child";
import { createBenchDatabase } from "../lib/database";
import { runLoad, type LoadResult } from "../lib/http-load";
import { startBenchLobby, type BenchLobby } from "../lib/lobby-server";
import type { ProcessStats } from "../lib/process-stats";
import type { BenchContext, BenchReport, Benchmark, Profile } from "../lib/report";
import { seedPlayers } from "../lib/seed";
import { markdownOf, textOf, type SimpleTable } from "../lib/simple-table";
import { ms } from "../lib/stats";

/**
 * The HTTP edge under closed-loop load: the lobby's GET /healthz and authenticated GET /me (a
 * real seeded account and session, its token signed with the server's secret) against a bare
 * `node:http` server answering the same JSON bodies. Each server runs in its own child process;
 * autocannon runs here with keep-alive connections. Rounds are interleaved (lobby, bare, bare,
 * lobby, ...: the order alternates every round) and medians over rounds are reported, with the
 * server's CPU time per request and, for the lobby, the database statements per request.
 */

type Route = "healthz" | "me";
type ServerName = "lobby" | "bare";

interface Params {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  routes: Route[];
  /** The lobby's LOG_LEVEL: info (the production default) keeps the access log in what is measured. */
  lobbyLogLevel: string;
}

function params(profile: Profile): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const routes = (process.env.BENCH_HTTP_ROUTES ?? "healthz,me").split(",").map((r) => r.trim());
  for (const r of routes) if (r !== "healthz" && r !== "me") throw new Error(`BENCH_HTTP_ROUTES: unknown route ${r} (healthz, me)`);
  return {
    rounds: env("BENCH_HTTP_ROUNDS", profile === "long" ? 9 : 5),
    seconds: env("BENCH_HTTP_SECONDS", profile === "long" ? 15 : 5),
    warmupSeconds: env("BENCH_HTTP_WARMUP_SECONDS", 3),
    connections: env("BENCH_HTTP_CONNECTIONS", 50),
    routes: routes as Route[],
    lobbyLogLevel: process.env.BENCH_HTTP_LOG_LEVEL ?? "info",
  };
}

/** One measured window: one server, one route, one round. */
interface Sample {
  route: Route;
  server: ServerName;
  round: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Server process CPU (user + system) over the window / responses. */
  serverCpuMsPerRequest: number;
  serverCpuPercent: number;
  serverEventLoopP99Ms: number;
  /** This process (autocannon) over the window, as a share of one core: near 100 % = client-bound. */
  clientCpuPercent: number;
  /** Lobby only: statements sent to PostgreSQL over the window / responses (from /metrics). */
  dbStatementsPerRequest?: number;
}

interface RouteSummary {
  route: Route;
  server: ServerName;
  rounds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  serverCpuMsPerRequest: number;
  clientCpuPercent: number;
  dbStatementsPerRequest?: number;
  non2xx: number;
  errors: number;
}

interface Ratio {
  route: Route;
  /** median lobby req/s / median bare req/s. */
  throughput: number;
  /** The median of the per-round ratios (each round's lobby and bare windows are neighbours). */
  throughputPerRoundMedian: number;
  cpuPerRequest: number;
  latencyP50: number;
  latencyP99: number;
  target: number;
  met: boolean;
}

export interface HttpBenchReport extends BenchReport {
  samples: Sample[];
  summaries: RouteSummary[];
  ratios: Ratio[];
}

const TARGETS: Record<Route, number> = { healthz: 0.5, me: 0.3 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The lobby's lobby_db_queries_total (statements sent to PostgreSQL so far). */
async function dbStatements(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("lobby_db_queries_total "));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : Number.NaN;
}

interface Target {
  name: ServerName;
  url: string;
  resetStats(): Promise<void>;
  readStats(): Promise<ProcessStats>;
}

async function measure(target: Target, route: Route, headers: Record<string, string>, p: Params, seconds: number): Promise<{ load: LoadResult; server: ProcessStats; clientCpuPercent: number; statements?: number }> {
  const before = target.name === "lobby" ? await dbStatements(target.url) : undefined;
  await target.resetStats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const load = await runLoad({ url: `${target.url}/${route}`, headers, connections: p.connections, seconds });
  const used = process.cpuUsage(cpu);
  const clientCpuPercent = ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
  const server = await target.readStats();
  const statements = before === undefined ? undefined : (await dbStatements(target.url)) - before;
  return { load, server, clientCpuPercent, ...(statements === undefined ? {} : { statements }) };
}

async function checkSame(lobby: string, bare: string, route: Route, headers: Record<string, string>): Promise<string> {
  const [a, b] = await Promise.all([fetch(`${lobby}/${route}`, { headers }), fetch(`${bare}/${route}`, { headers })]);
  const [ta, tb] = await Promise.all([a.text(), b.text()]);
  if (a.status !== 200 || b.status !== 200 || ta !== tb) {
    throw new Error(`/${route}: lobby ${a.status} ${ta} vs bare ${b.status} ${tb}`);
  }
  return ta;
}

export const httpBench: Benchmark & { render(report: BenchReport): string } = {
  name: "http",
  description:
    "The HTTP edge: the lobby's GET /healthz and authenticated GET /me vs a bare node:http server with the same JSON bodies (autocannon, keep-alive, interleaved rounds): req/s, p50/p99, server CPU-ms and database statements per request.",
  render,
  async run(ctx: BenchContext): Promise<HttpBenchReport> {
    const p = params(ctx.profile);
    const db = await createBenchDatabase();
    let lobby: BenchLobby | undefined;
    let bare: BenchChild | undefined;
    try {
      lobby = await startBenchLobby({ databaseUrl: db.url, mode: "child", env: { LOG_LEVEL: p.lobbyLogLevel } });
      const { players } = await seedPlayers(db.url, lobby.config, 1, "h");
      const player = players[0]!;
      const meHeaders = { authorization: `Bearer ${player.accessToken}` };
      const meRes = await fetch(`${lobby.url}/me`, { headers: meHeaders });
      const meBody = await meRes.text();
      if (meRes.status !== 200) throw new Error(`GET /me answered ${meRes.status}: ${meBody}`);
      bare = await forkBenchChild("lib/http-bare-entry.ts", { BENCH_HTTP_ME_BODY: meBody });
      const bareUrl = `http://127.0.0.1:${bare.port}`;
      const headersOf = (route: Route) => (route === "me" ? meHeaders : {});
      for (const route of p.routes) await checkSame(lobby.url, bareUrl, route, headersOf(route));
      ctx.log(`lobby ${lobby.url} (LOG_LEVEL=${p.lobbyLogLevel}), bare ${bareUrl}; ${p.rounds} rounds x ${p.seconds} s per server and route, ${p.connections} connections`);

      const targets: Record<ServerName, Target> = {
        lobby: { name: "lobby", url: lobby.url, resetStats: lobby.resetStats, readStats: lobby.readStats },
        bare: { name: "bare", url: bareUrl, resetStats: bare.resetStats, readStats: bare.readStats },
      };
      for (const route of p.routes) {
        for (const name of ["lobby", "bare"] as const) if (p.warmupSeconds > 0) await measure(targets[name], route, headersOf(route), p, p.warmupSeconds);
      }

      const samples: Sample[] = [];
      for (let round = 1; round <= p.rounds; round++) {
        for (const route of p.routes) {
          const order: ServerName[] = round % 2 === 1 ? ["lobby", "bare"] : ["bare", "lobby"];
          for (const name of order) {
            const { load, server, clientCpuPercent, statements } = await measure(targets[name], route, headersOf(route), p, p.seconds);
            const cpuMs = (server.cpuPercent / 100) * server.elapsedMs;
            const sample: Sample = {
              route,
              server: name,
              round,
              requestsPerSecond: load.requestsPerSecond,
              latencyP50Ms: load.latencyMs.p50,
              latencyP99Ms: load.latencyMs.p99,
              responses: load.responses,
              non2xx: load.non2xx,
              errors: load.errors,
              timeouts: load.timeouts,
              serverCpuMsPerRequest: cpuMs / Math.max(1, load.responses),
              serverCpuPercent: server.cpuPercent,
              serverEventLoopP99Ms: server.eventLoopDelayMs.p99,
              clientCpuPercent,
              ...(statements === undefined ? {} : { dbStatementsPerRequest: statements / Math.max(1, load.responses) }),
            };
            samples.push(sample);
            ctx.log(
              `round ${round} /${route} ${name.padEnd(5)} ${sample.requestsPerSecond.toFixed(0).padStart(6)} req/s, p50 ${ms(sample.latencyP50Ms)} ms, p99 ${ms(sample.latencyP99Ms)} ms, ` +
                `server ${sample.serverCpuMsPerRequest.toFixed(3)} CPU-ms/req (${server.cpuPercent.toFixed(0)} %), client ${clientCpuPercent.toFixed(0)} %` +
                (sample.dbStatementsPerRequest === undefined ? "" : `, ${sample.dbStatementsPerRequest.toFixed(2)} statements/req`) +
                (load.non2xx || load.errors ? `, ${load.non2xx} non-2xx, ${load.errors} errors` : ""),
            );
          }
        }
      }

      const summaries = summarize(samples, p.routes);
      const ratios = ratiosOf(samples, summaries, p.routes);
      for (const r of ratios) ctx.log(`/${r.route}: lobby/bare ${r.throughput.toFixed(3)}x req/s (target >= ${r.target}x: ${r.met ? "met" : "MISSED"})`);
      return {
        name: "http",
        description: httpBench.description,
        params: {
          ...p,
          baseline: "bare node:http in its own process, same JSON bodies and Content-Type, no middleware, no token check, no database",
          lobby: "startLobbyServer as npm start runs it (NODE_ENV=production, PostgreSQL, no Redis) in its own process",
          load: "autocannon 9 in the benchmark process, keep-alive, no pipelining; latency = request written -> response parsed",
          meAccount: "one account and login session seeded with SQL; access token signed with the server's secret and token code",
          targets: TARGETS,
        },
        scenarios: [],
        samples,
        summaries,
        ratios,
      };
    } finally {
      await bare?.stop();
      await lobby?.stop();
      await db.drop();
    }
  },
};

function summarize(samples: Sample[], routes: Route[]): RouteSummary[] {
  return routes.flatMap((route) =>
    (["lobby", "bare"] as const).map((server): RouteSummary => {
      const of = samples.filter((s) => s.route === route && s.server === server);
      const statements = of.map((s) => s.dbStatementsPerRequest).filter((x): x is number => x !== undefined);
      return {
        route,
        server,
        rounds: of.length,
        requestsPerSecond: median(of.map((s) => s.requestsPerSecond)),
        latencyP50Ms: median(of.map((s) => s.latencyP50Ms)),
        latencyP99Ms: median(of.map((s) => s.latencyP99Ms)),
        serverCpuMsPerRequest: median(of.map((s) => s.serverCpuMsPerRequest)),
        clientCpuPercent: median(of.map((s) => s.clientCpuPercent)),
        ...(statements.length ? { dbStatementsPerRequest: median(statements) } : {}),
        non2xx: of.reduce((a, s) => a + s.non2xx, 0),
        errors: of.reduce((a, s) => a + s.errors + s.timeouts, 0),
      };
    }),
  );
}

function ratiosOf(samples: Sample[], summaries: RouteSummary[], routes: Route[]): Ratio[] {
  return routes.map((route) => {
    const lobby = summaries.find((s) => s.route === route && s.server === "lobby")!;
    const bare = summaries.find((s) => s.route === route && s.server === "bare")!;
    const perRound = [...new Set(samples.map((s) => s.round))].map((round) => {
      const of = (server: ServerName) => samples.find((s) => s.route === route && s.round === round && s.server === server)!.requestsPerSecond;
      return of("lobby") / of("bare");
    });
    const throughput = lobby.requestsPerSecond / bare.requestsPerSecond;
    return {
      route,
      throughput,
      throughputPerRoundMedian: median(perRound),
      cpuPerRequest: lobby.serverCpuMsPerRequest / bare.serverCpuMsPerRequest,
      latencyP50: lobby.latencyP50Ms / bare.latencyP50Ms,
      latencyP99: lobby.latencyP99Ms / bare.latencyP99Ms,
      target: TARGETS[route],
      met: throughput >= TARGETS[route],
    };
  });
}

function table(r: HttpBenchReport): SimpleTable {
  const rows = r.summaries.map((s) => {
    const ratio = r.ratios.find((x) => x.route === s.route)!;
    const isLobby = s.server === "lobby";
    return [
      `GET /${s.route}`,
      s.server === "lobby" ? "lobby" : "bare node:http",
      s.requestsPerSecond.toFixed(0),
      ms(s.latencyP50Ms),
      ms(s.latencyP99Ms),
      s.serverCpuMsPerRequest.toFixed(3),
      s.dbStatementsPerRequest === undefined ? "-" : s.dbStatementsPerRequest.toFixed(2),
      s.clientCpuPercent.toFixed(0),
      isLobby ? `${ratio.throughput.toFixed(3)}x (target ${ratio.target}x: ${ratio.met ? "met" : "missed"})` : "",
      isLobby ? `${ratio.cpuPerRequest.toFixed(1)}x` : "",
      String(s.non2xx + s.errors),
    ];
  });
  return {
    headers: ["route", "server", "req/s", "p50 ms", "p99 ms", "server CPU-ms/req", "db stmts/req", "client CPU %", "req/s lobby/bare", "CPU/req lobby/bare", "non-2xx+errors"],
    rows,
    numeric: true,
  };
}

function render(report: BenchReport): string {
  const r = report as HttpBenchReport;
  const p = r.params as unknown as Params;
  return [
    `Medians over ${p.rounds} interleaved rounds of ${p.seconds} s per server and route, ${p.connections} keep-alive connections:`,
    textOf(table(r)),
    "",
    "Markdown:",
    "",
    markdownOf(table(r)),
  ].join("\n");
}
