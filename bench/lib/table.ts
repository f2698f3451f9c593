import type { ScenarioResult } from "./report";
import { ms } from "./stats";

type Column = [string, (s: ScenarioResult) => string, ((s: ScenarioResult) => boolean)?];

/** A column with a third element is shown only if some row has the figure. */
const ALL_COLUMNS: Column[] = [
  ["scenario", (s) => s.scenario],
  ["deliveries", (s) => `${s.expectedDeliveries - s.lost}/${s.expectedDeliveries}`],
  ["delivered/s", (s) => (s.throughput ? s.throughput.deliveredPerSecond.toFixed(0) : "-"), (s) => s.throughput !== undefined],
  ["bytes", (s) => String(s.frameBytes)],
  ["p50 ms", (s) => ms(s.latencyMs.p50)],
  ["p95 ms", (s) => ms(s.latencyMs.p95)],
  ["p99 ms", (s) => ms(s.latencyMs.p99)],
  ["max ms", (s) => ms(s.latencyMs.max)],
  ["first p50", (s) => ms(s.firstDeliveryMs.p50)],
  ["all p50", (s) => ms(s.allDeliveredMs.p50)],
  ["srv loop p99", (s) => ms(s.server?.eventLoopDelayMs.p99)],
  ["srv loop max", (s) => ms(s.server?.eventLoopDelayMs.max)],
  ["srv CPU % avg", (s) => (s.server ? s.server.cpuPercent.toFixed(0) : "-")],
  ["clients loop p99", (s) => ms(s.clients?.eventLoopDelayMs.p99)],
];

function columnsFor(rows: ScenarioResult[]): Column[] {
  return ALL_COLUMNS.filter(([, , shown]) => !shown || rows.some(shown));
}

/**
 * first p50: median over messages of send -> first recipient; all p50: send -> last recipient
 * (the whole fan-out); loop: event-loop delay (perf_hooks) of the server or client process.
 */
export function textTable(rows: ScenarioResult[]): string {
  const COLUMNS = columnsFor(rows);
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  return cells.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ")).join("\n");
}

export function markdownTable(rows: ScenarioResult[]): string {
  const COLUMNS = columnsFor(rows);
  const header = `| ${COLUMNS.map(([h]) => h).join(" | ")} |`;
  const rule = `|${COLUMNS.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`;
  return [header, rule, ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(" | ")} |`)].join("\n");
}

/** Durations recorded inside each server during the measured window (see bench/lib/instrument.ts). */
export function timingsTable(rows: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    const timings = Object.entries(r.server?.timings ?? {});
    if (timings.length === 0) continue;
    lines.push(`\nInside the server, ${r.scenario} (calls, p50 / p99 ms):`);
    const width = Math.max(...timings.map(([name]) => name.length));
    for (const [name, t] of timings) lines.push(`  ${name.padEnd(width)}  ${String(t.count).padStart(6)}  ${ms(t.p50).padStart(7)} / ${ms(t.p99)}`);
  }
  return lines.join("\n");
}
