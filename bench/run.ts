/**
 * npm run bench                          every benchmark, quick profile (about twelve minutes)
 * npm run bench -- presence-fanout       one benchmark by name (or chat-fanout)
 * npm run bench -- --long                longer runs (also BENCH_PROFILE=long)
 * npm run bench -- --list                names and descriptions
 *
 * Each benchmark writes bench/results/<name>.json (machine, date, parameters, every summary) and
 * prints a table. Speed is measured and recorded, never asserted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chatFanout } from "./benchmarks/chat-fanout";
import { matcher } from "./benchmarks/matcher";
import { presenceFanout } from "./benchmarks/presence-fanout";
import { scaleOut } from "./benchmarks/scale-out";
import { httpBench } from "./benchmarks/http";
import { loginBench } from "./benchmarks/login";
import { capacityBench } from "./benchmarks/capacity";
import { testSuite } from "./benchmarks/test-suite";
import { machineInfo } from "./lib/machine";
import type { BenchResultFile, Benchmark, Profile } from "./lib/report";
import { rounded } from "./lib/stats";
import { markdownTable, textTable, timingsTable } from "./lib/table";

const BENCHMARKS: Benchmark[] = [presenceFanout, chatFanout, matcher, scaleOut, httpBench, loginBench, capacityBench];
/** Run only by name (`npm run bench -- test-suite`): two whole Jest runs per round. */
const BY_NAME_ONLY: Benchmark[] = [testSuite];
const RESULTS_DIR = path.join(__dirname, "results");

function usage(): string {
  return [
    "usage: npm run bench -- [name ...] [--long] [--list]",
    "",
    ...[...BENCHMARKS, ...BY_NAME_ONLY].map((b) => `  ${b.name.padEnd(20)} ${b.description}`),
    "",
    "env: BENCH_PROFILE=quick|long, BENCH_FRIENDS (500), BENCH_CHANGES (10 quick, 60 long), BENCH_SERVER_MODE=child|in-process,",
    "     BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_DATABASE_ADMIN_URL, BENCH_SERVER_LOG_LEVEL (warn)",
    "chat-fanout: BENCH_CHAT_CLIENTS (500), BENCH_CHAT_SENDERS (40), BENCH_CHAT_RATE (20 msg/s), BENCH_CHAT_SECONDS (30 quick, 120 long),",
    "     BENCH_CHAT_SCENARIOS (local,redis; also redis2 = two processes, local-async-commit = synchronous_commit off)",
    "matcher: BENCH_MATCHER_TICKETS (1000,10000), BENCH_MATCHER_TICKS (50 quick, 200 long), BENCH_MATCHER_RATES (1,10 quick; 0.2,1,10,50 long),",
    "     BENCH_MATCHER_DAY_SECONDS (86400), BENCH_MATCHER_PARTS (ticks,day), BENCH_MATCHER_SEED; GAME_MODES and MATCH_* override",
    "     the server's matchmaking defaults",
    "scale-out: BENCH_SCALE_PROCESSES (1,2,3), BENCH_SCALE_CLIENTS (600), BENCH_SCALE_RATES (20,60 msg/s), BENCH_SCALE_SENDERS (120),",
    "     BENCH_SCALE_SECONDS (20 quick, 60 long; after BENCH_SCALE_WARMUP_SECONDS 5), BENCH_SCALE_SHARD_SIZE (100), BENCH_SCALE_BASELINE (1; 0 = skip)",
    "http: BENCH_HTTP_ROUNDS (5 quick, 9 long), BENCH_HTTP_SECONDS (5 quick, 15 long; per server, route and round, after BENCH_HTTP_WARMUP_SECONDS 3),",
    "     BENCH_HTTP_CONNECTIONS (50), BENCH_HTTP_ROUTES (healthz,me), BENCH_HTTP_LOG_LEVEL (the lobby's LOG_LEVEL, info)",
    "capacity: BENCH_CAPACITY_STEPS (1000,5000 quick; 1000,5000,10000,19000 long), BENCH_CAPACITY_IN_FLIGHT (100), BENCH_CAPACITY_CLIENT_PROCESSES (4),",
    "     BENCH_CAPACITY_REDIS (both; 0 = PostgreSQL only, 1 = with Redis only), BENCH_CAPACITY_REDIS_URL (redis://127.0.0.1:6379/15), BENCH_CAPACITY_TARGETS (lobby,raw,floor),",
    "     BENCH_CAPACITY_STORM (largest step; 0 = none), BENCH_CAPACITY_STORM_SECONDS (300 quick, 600 long), BENCH_CAPACITY_STORM_SPREAD_MS (1000),",
    "     BENCH_CAPACITY_STORM_HTTP_SOCKETS (2000, fewer near 19k), BENCH_CAPACITY_IDLE_SECONDS (5 quick, 10 long), BENCH_CAPACITY_RECONNECT_SECONDS (0; 20 = default window),",
    "     BENCH_CAPACITY_JOIN_TIMEOUT_MS (60000), BENCH_CAPACITY_MAX_MINUTES (150); JOIN_*, LOGIN_*, DB_POOL_SIZE, LOBBY_SHARD_SIZE pass through to the lobby",
    "login: BENCH_LOGIN_CONCURRENCY (2,8,32), BENCH_LOGIN_ROUNDS (3 quick, 7 long), BENCH_LOGIN_SOURCE_IPS (1: every login from 127.0.0.1;",
    "     n: spread over 127.0.0.1..n), BENCH_LOGIN_THREADS (server and bound thread pool; default cores, at least 4)",
    "test-suite (by name only): BENCH_SUITE_ROUNDS (1 quick, 3 long), BENCH_SUITE_WORKERS (2), BENCH_SUITE_PATHS (comma-separated Jest patterns; all)",
  ].join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h") || args.includes("--list")) {
    console.log(usage());
    return;
  }
  const unknownFlags = args.filter((a) => a.startsWith("-") && a !== "--long" && a !== "--quick");
  if (unknownFlags.length > 0) throw new Error(`unknown option ${unknownFlags.join(", ")}\n\n${usage()}`);
  const profile: Profile = args.includes("--long") ? "long" : args.includes("--quick") ? "quick" : process.env.BENCH_PROFILE === "long" ? "long" : "quick";
  const names = args.filter((a) => !a.startsWith("-"));
  const all = [...BENCHMARKS, ...BY_NAME_ONLY];
  const unknown = names.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}\n\n${usage()}`);
  const selected = names.length > 0 ? all.filter((b) => names.includes(b.name)) : BENCHMARKS;

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = machineInfo();
  console.log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGb} GB RAM, Node ${machine.node}, load ${machine.loadAverage1m}; profile ${profile}`,
  );

  for (const bench of selected) {
    const started = performance.now();
    const date = new Date().toISOString();
    console.log(`\n== ${bench.name} ==`);
    const report = await bench.run({
      profile,
      log: (message) => console.log(`  [${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`),
    });
    const file: BenchResultFile = {
      ...report,
      date,
      command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
      profile,
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
      machine: { ...machine },
      loadAverage1mAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    };
    const out = path.join(RESULTS_DIR, `${bench.name}.json`);
    fs.writeFileSync(out, JSON.stringify(rounded(file, 3), null, 2) + "\n");
    // A benchmark whose results are not fan-out scenarios (e.g. matcher) prints its own tables.
    const ownTables = (bench as { render?: (r: typeof report) => string }).render?.(report);
    if (ownTables !== undefined) {
      console.log(`\n${ownTables}`);
    } else {
      console.log(`\n${textTable(report.scenarios)}`);
      console.log(`\nMarkdown:\n\n${markdownTable(report.scenarios)}`);
      console.log(timingsTable(report.scenarios));
      for (const s of report.scenarios) for (const note of s.notes ?? []) console.log(`  note (${s.scenario}): ${note}`);
    }
    console.log(`\nwrote ${path.relative(process.cwd(), out)} (${file.durationSeconds} s; load average ${machine.loadAverage1m} -> ${file.loadAverage1mAtEnd})`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
