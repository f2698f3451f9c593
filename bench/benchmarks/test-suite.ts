import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchContext, BenchReport, Benchmark, Profile } from "../lib/report";
import { markdownOf, textOf, type SimpleTable } from "../lib/simple-table";
import { summarize } from "../lib/stats";

/**
 * What the test suite costs, with the costs it used to pay as the baseline in the same run:
 * "before" hashes every password at the production argon2id cost (LOBBY_TEST_HASH_COST=production)
 * and migrates every test database and embedded store from nothing (LOBBY_TEST_DB_TEMPLATES=off);
 * "now" is `npm test`'s own setting (cheap hashes, copies of one migrated template). The two
 * alternate, the order flipping each round. Wall time, CPU seconds of the Jest process tree (its
 * children's rusage; PostgreSQL's own CPU is not in it), tests passed.
 */

interface Params {
  rounds: number;
  workers: number;
  /** Jest path patterns; empty: the whole suite. */
  paths: string[];
}

interface Run {
  variant: "before" | "now";
  round: number;
  wallSeconds: number;
  cpuSeconds: number;
  passed: number;
  failed: number;
}

const VARIANTS: Record<Run["variant"], Record<string, string>> = {
  before: { LOBBY_TEST_HASH_COST: "production", LOBBY_TEST_DB_TEMPLATES: "off" },
  now: {},
};

function params(profile: Profile): Params {
  return {
    rounds: Number(process.env.BENCH_SUITE_ROUNDS ?? (profile === "long" ? 3 : 1)),
    workers: Number(process.env.BENCH_SUITE_WORKERS ?? 2),
    paths: (process.env.BENCH_SUITE_PATHS ?? "").split(",").filter(Boolean),
  };
}

/** CPU seconds of the children this process has waited for (utime + stime of /proc/self/stat's cutime, cstime). */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of stat(5), counted from 1 with pid and comm first: indexes 13 and 14 here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function runSuite(variant: Run["variant"], round: number, p: Params, ctx: BenchContext): Promise<Run> {
  const out = path.join(os.tmpdir(), `bench-suite-${process.pid}-${variant}-${round}.json`);
  const root = path.join(__dirname, "..", "..");
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const jest = spawn(
      path.join(root, "node_modules", ".bin", "jest"),
      ["--ci", `--maxWorkers=${p.workers}`, "--json", `--outputFile=${out}`, ...p.paths],
      { cwd: root, env: { ...process.env, ...VARIANTS[variant] }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let tail = "";
    jest.stderr.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)));
    jest.on("exit", (c) => {
      if (c !== 0) ctx.log(`${variant} round ${round}: jest exited ${c}; stderr tail:\n${tail}`);
      resolve(c);
    });
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = childrenCpuSeconds() - cpuBefore;
  const results = JSON.parse(fs.readFileSync(out, "utf8")) as { numPassedTests: number; numFailedTests: number };
  fs.rmSync(out, { force: true });
  const run = { variant, round, wallSeconds, cpuSeconds, passed: results.numPassedTests, failed: results.numFailedTests };
  ctx.log(`${variant} round ${round}: ${wallSeconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} CPU-s, ${run.passed} passed, ${run.failed} failed (exit ${code})`);
  return run;
}

const median = (xs: number[]): number => summarize(xs).p50;

interface SuiteReport extends BenchReport {
  runs: Run[];
}

function table(report: SuiteReport): SimpleTable {
  const of = (v: Run["variant"]) => report.runs.filter((r) => r.variant === v);
  const row = (v: Run["variant"]) => {
    const runs = of(v);
    return [
      v === "before" ? "before (production hashes, every database migrated)" : "now (npm test)",
      String(runs.length),
      median(runs.map((r) => r.wallSeconds)).toFixed(1),
      median(runs.map((r) => r.cpuSeconds)).toFixed(1),
      String(median(runs.map((r) => r.passed))),
      String(runs.reduce((n, r) => n + r.failed, 0)),
    ];
  };
  const ratio = (pick: (r: Run) => number) => (median(of("now").map(pick)) / median(of("before").map(pick))).toFixed(2);
  return {
    headers: ["variant", "runs", "wall s (median)", "CPU-s (median)", "tests passed", "failed"],
    rows: [row("before"), row("now"), ["now / before", "", ratio((r) => r.wallSeconds), ratio((r) => r.cpuSeconds), "", ""]],
    numeric: true,
  };
}

export const testSuite: Benchmark & { render(r: BenchReport): string } = {
  name: "test-suite",
  description: "the Jest suite now vs with production-cost hashes and per-database migrations (interleaved)",
  async run(ctx) {
    const p = params(ctx.profile);
    const runs: Run[] = [];
    for (let round = 1; round <= p.rounds; round++) {
      const order: Run["variant"][] = round % 2 ? ["before", "now"] : ["now", "before"];
      for (const variant of order) runs.push(await runSuite(variant, round, p, ctx));
    }
    const report: SuiteReport = { name: "test-suite", description: this.description, params: { ...p }, scenarios: [], runs };
    return report;
  },
  render(r) {
    const t = table(r as SuiteReport);
    return `${textOf(t)}\n\nMarkdown:\n\n${markdownOf(t)}`;
  },
};
