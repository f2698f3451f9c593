import crypto from "node:crypto";
import os from "node:os";
import { createBenchDatabase } from "../lib/database";
import { startBenchLobby } from "../lib/lobby-server";
import { startLoginBound, type BoundRun } from "../lib/login-bound";
import { loginBurst, scrapeDbQueries, type LoginBurst } from "../lib/login-client";
import type { BenchContext, BenchReport, Benchmark, Profile } from "../lib/report";
import { seedPlayers } from "../lib/seed";
import { markdownOf, textOf, type SimpleTable } from "../lib/simple-table";
import { ms, summarize } from "../lib/stats";

/**
 * POST /auth/login of distinct seeded accounts (correct passwords) against a lobby server child
 * process, at several concurrencies, against the bound measured in the same run: `@node-rs/argon2`
 * verify at the server's parameters and the same concurrency, in a child process whose thread pool
 * has the server's size. Rounds interleave the two (alternating which goes first); medians over
 * rounds. Counted per login: server CPU-ms (every thread, the hash included) and database
 * statements (lobby_db_queries_total); answers by status (429 or 503 would be refusals).
 */

interface Params {
  concurrencies: number[];
  rounds: number;
  /** Logins (and verifications) per measurement: max(minPerRun, perWorker × concurrency). */
  minPerRun: number;
  perWorker: number;
  accounts: number;
  sourceIps: string[];
  threads: number | undefined;
}

function params(profile: Profile): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const ips = env("BENCH_LOGIN_SOURCE_IPS", 1);
  return {
    concurrencies: process.env.BENCH_LOGIN_CONCURRENCY ? process.env.BENCH_LOGIN_CONCURRENCY.split(",").map(Number) : [2, 8, 32],
    rounds: env("BENCH_LOGIN_ROUNDS", profile === "long" ? 7 : 3),
    minPerRun: profile === "long" ? 120 : 48,
    perWorker: profile === "long" ? 12 : 4,
    accounts: 4000,
    sourceIps: Array.from({ length: ips }, (_, i) => `127.0.0.${i + 1}`),
    threads: process.env.BENCH_LOGIN_THREADS ? Number(process.env.BENCH_LOGIN_THREADS) : undefined,
  };
}

interface Measure {
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerOp: number;
  statementsPerOp?: number;
  statuses?: Record<string, number>;
}

export interface LoginRow {
  concurrency: number;
  lobby: Measure;
  bound: Measure;
  ratio: number;
  rounds: { lobby: Measure[]; bound: Measure[] };
}

export interface LoginBenchReport extends BenchReport {
  rows: LoginRow[];
}

const median = (xs: number[]): number => summarize(xs).p50;

function medianOf(list: Measure[]): Measure {
  const statuses: Record<string, number> = {};
  for (const m of list) for (const [k, v] of Object.entries(m.statuses ?? {})) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    perSecond: median(list.map((m) => m.perSecond)),
    p50: median(list.map((m) => m.p50)),
    p99: median(list.map((m) => m.p99)),
    cpuMsPerOp: median(list.map((m) => m.cpuMsPerOp)),
    ...(list[0]?.statementsPerOp !== undefined ? { statementsPerOp: median(list.map((m) => m.statementsPerOp ?? 0)) } : {}),
    ...(list[0]?.statuses ? { statuses } : {}),
  };
}

function fromBound(r: BoundRun): Measure {
  const s = summarize(r.latencies);
  return { perSecond: (r.latencies.length - r.failed) / (r.elapsedMs / 1000), p50: s.p50, p99: s.p99, cpuMsPerOp: r.cpuMs / r.latencies.length };
}

function fromBurst(b: LoginBurst, cpuMs: number, statements: number): Measure {
  const s = summarize(b.latencies);
  const ok = b.statuses["200"] ?? 0;
  return { perSecond: ok / (b.elapsedMs / 1000), p50: s.p50, p99: s.p99, cpuMsPerOp: cpuMs / Math.max(1, ok), statementsPerOp: statements / Math.max(1, ok), statuses: b.statuses };
}

async function run(ctx: BenchContext): Promise<LoginBenchReport> {
  const p = params(ctx.profile);
  const db = await createBenchDatabase();
  const metricsToken = crypto.randomBytes(24).toString("hex");
  // The lobby child is started by bench/lib/lobby-entry.ts, not server/main.ts: its pool size is
  // given here exactly as server/thread-pool.ts would set it.
  const threads = p.threads ?? Math.max(4, os.availableParallelism());
  const lobby = await startBenchLobby({
    databaseUrl: db.url,
    env: { METRICS_TOKEN: metricsToken, PASSWORD_HASH_THREADS: String(threads), UV_THREADPOOL_SIZE: String(threads) },
  });
  const bound = await startLoginBound(threads, "violet-harbor-42-tango");
  try {
    ctx.log(`seeding ${p.accounts} accounts`);
    const { players, password } = await seedPlayers(db.url, lobby.config, p.accounts, "l");
    let cursor = 0;
    const take = (n: number) => Array.from({ length: n }, () => players[cursor++ % players.length]!.username);

    const measureLobby = async (c: number, n: number): Promise<Measure> => {
      const before = await scrapeDbQueries(lobby.url, metricsToken);
      await lobby.resetStats();
      const burst = await loginBurst(lobby.url, take(n), password, c, p.sourceIps);
      const stats = await lobby.readStats();
      const after = await scrapeDbQueries(lobby.url, metricsToken);
      return fromBurst(burst, (stats.cpuPercent / 100) * stats.elapsedMs, after - before);
    };
    const measureBound = async (c: number, n: number) => fromBound(await bound.run(c, n));

    ctx.log(`warm-up (thread pool ${threads}, ${p.sourceIps.length} source IP(s))`);
    await measureLobby(4, 24);
    await measureBound(4, 24);

    const perRound = new Map<number, { lobby: Measure[]; bound: Measure[] }>(p.concurrencies.map((c) => [c, { lobby: [], bound: [] }]));
    for (let round = 0; round < p.rounds; round++) {
      for (const c of p.concurrencies) {
        const n = Math.max(p.minPerRun, p.perWorker * c);
        const slot = perRound.get(c)!;
        const order = (round + c) % 2 === 0 ? (["lobby", "bound"] as const) : (["bound", "lobby"] as const);
        for (const which of order) {
          if (which === "lobby") slot.lobby.push(await measureLobby(c, n));
          else slot.bound.push(await measureBound(c, n));
        }
        const l = slot.lobby.at(-1)!;
        const b = slot.bound.at(-1)!;
        ctx.log(`round ${round + 1} c=${c}: lobby ${l.perSecond.toFixed(1)}/s (${JSON.stringify(l.statuses)}), bound ${b.perSecond.toFixed(1)}/s`);
      }
    }
    const rows: LoginRow[] = p.concurrencies.map((c) => {
      const slot = perRound.get(c)!;
      const lobbyMedian = medianOf(slot.lobby);
      const boundMedian = medianOf(slot.bound);
      return { concurrency: c, lobby: lobbyMedian, bound: boundMedian, ratio: lobbyMedian.perSecond / boundMedian.perSecond, rounds: slot };
    });
    return {
      name: "login",
      description: loginBench.description,
      params: { ...p, threads, database: "postgresql", limiterStore: "memory" },
      scenarios: [],
      rows,
    };
  } finally {
    await bound.stop().catch(() => undefined);
    await lobby.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

function table(rows: LoginRow[]): SimpleTable {
  return {
    headers: ["concurrency", "lobby logins/s", "bound verifies/s", "ratio", "lobby p50 / p99 ms", "bound p50 / p99 ms", "server CPU-ms/login", "bound CPU-ms/verify", "DB statements/login", "answers"],
    rows: rows.map((r) => [
      String(r.concurrency),
      r.lobby.perSecond.toFixed(1),
      r.bound.perSecond.toFixed(1),
      `${r.ratio.toFixed(2)}×`,
      `${ms(r.lobby.p50)} / ${ms(r.lobby.p99)}`,
      `${ms(r.bound.p50)} / ${ms(r.bound.p99)}`,
      ms(r.lobby.cpuMsPerOp),
      ms(r.bound.cpuMsPerOp),
      (r.lobby.statementsPerOp ?? 0).toFixed(2),
      Object.entries(r.lobby.statuses ?? {}).map(([k, v]) => `${k}: ${v}`).join(", "),
    ]),
  };
}

function render(report: BenchReport): string {
  const r = report as LoginBenchReport;
  const verdicts = r.rows.map((row) => `login target (≥ 0.8× the bound) at concurrency ${row.concurrency}: ${row.ratio >= 0.8 ? "met" : "MISSED"} (${row.ratio.toFixed(2)}×)`);
  return [textOf(table(r.rows)), "", ...verdicts, "", "Markdown:", "", markdownOf(table(r.rows))].join("\n");
}

export const loginBench: Benchmark & { render(report: BenchReport): string } = {
  name: "login",
  description:
    "POST /auth/login of distinct seeded accounts at concurrency 2/8/32 against a lobby child process, vs @node-rs/argon2 verify at the same parameters, concurrency and thread pool size (interleaved rounds, medians): logins/s, p50/p99, ratio, server CPU-ms and DB statements per login.",
  render,
  run,
};
