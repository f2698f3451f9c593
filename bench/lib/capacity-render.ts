/** The capacity benchmark's summary (medians, ratios, targets) and its tables. */
import type { DropResult, StepResult, StormResult } from "./capacity-measure";
import type { TargetName } from "./capacity-servers";
import type { BenchReport } from "./report";
import { markdownOf, textOf, type SimpleTable } from "./simple-table";
import { ms } from "./stats";

export interface VariantSummary {
  variant: string;
  /** Medians over the steps of the run. */
  joinsPerSecond: Partial<Record<TargetName, number>>;
  joinP50Ms: Partial<Record<TargetName, number>>;
  joinP99Ms: Partial<Record<TargetName, number>>;
  cpuMsPerJoin: Partial<Record<TargetName, number>>;
  /** Medians over the steps of the per-step ratios lobby/raw and lobby/floor. */
  joinsRatioRaw?: number;
  joinsRatioFloor?: number;
  dbQueriesPerJoin?: number;
  pgTransactionsPerJoin?: number;
  /** ΔRSS / Δconnections from the first to the last step (KB per connection). */
  rssKbPerConnection: Partial<Record<TargetName, number>>;
  heapKbPerConnection: Partial<Record<TargetName, number>>;
  leavesPerSecond: Partial<Record<TargetName, number>>;
  targets: string[];
}

export interface CapacityReport extends BenchReport {
  steps: StepResult[];
  storms: StormResult[];
  drops: DropResult[];
  summary: VariantSummary[];
}

const median = (xs: number[]): number | undefined => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
};
const TARGETS: TargetName[] = ["lobby", "raw", "floor"];
const byTarget = (f: (t: TargetName) => number | undefined) => Object.fromEntries(TARGETS.map((t) => [t, f(t)]).filter(([, v]) => v !== undefined)) as Partial<Record<TargetName, number>>;

export function summarize(variant: string, steps: StepResult[], drops: DropResult[]): VariantSummary {
  const of = (t: TargetName) => steps.filter((s) => s.variant === variant && s.target === t);
  const ratio = (other: TargetName) =>
    median(of("lobby").flatMap((l) => of(other).filter((o) => o.connections === l.connections).map((o) => l.joinsPerSecond / o.joinsPerSecond)));
  const slope = (t: TargetName, field: "rssMb" | "heapUsedMb") => {
    const list = of(t);
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last || last.memory.count <= first.memory.count) return list.length === 1 ? (field === "rssMb" ? first?.rssKbPerConnection : first?.heapKbPerConnection) : undefined;
    return ((last.memory[field] - first.memory[field]) * 1024) / (last.memory.count - first.memory.count);
  };
  const s: VariantSummary = {
    variant,
    joinsPerSecond: byTarget((t) => median(of(t).map((x) => x.joinsPerSecond))),
    joinP50Ms: byTarget((t) => median(of(t).map((x) => x.joinMs.p50))),
    joinP99Ms: byTarget((t) => median(of(t).map((x) => x.joinMs.p99))),
    cpuMsPerJoin: byTarget((t) => median(of(t).map((x) => x.serverCpuMsPerJoin))),
    joinsRatioRaw: ratio("raw"),
    joinsRatioFloor: ratio("floor"),
    dbQueriesPerJoin: median(of("lobby").map((x) => x.dbQueriesPerJoin ?? Number.NaN)),
    pgTransactionsPerJoin: median(of("lobby").map((x) => x.pgTransactionsPerJoin ?? Number.NaN)),
    rssKbPerConnection: byTarget((t) => slope(t, "rssMb")),
    heapKbPerConnection: byTarget((t) => slope(t, "heapUsedMb")),
    leavesPerSecond: byTarget((t) => drops.find((d) => d.variant === variant && d.target === t)?.leavesPerSecond),
    targets: [],
  };
  const verdict = (name: string, value: number | undefined, ok: (v: number) => boolean, shown: string) =>
    s.targets.push(`${name}: ${value === undefined ? "not measured" : `${ok(value) ? "met" : "MISSED"} (${shown})`}`);
  verdict("joins >= 0.6x the bare-Colyseus floor", s.joinsRatioFloor, (v) => v >= 0.6, `${s.joinsRatioFloor?.toFixed(2)}x`);
  verdict("<= 3 database round trips per join", s.dbQueriesPerJoin, (v) => v <= 3, `${s.dbQueriesPerJoin?.toFixed(1)} statements`);
  verdict(">= 2,000 leaves/s after a mass drop", s.leavesPerSecond.lobby, (v) => v >= 2000, `${s.leavesPerSecond.lobby?.toFixed(0)}/s`);
  const rssRatio = s.rssKbPerConnection.lobby !== undefined && s.rssKbPerConnection.raw ? s.rssKbPerConnection.lobby / s.rssKbPerConnection.raw : undefined;
  verdict("RSS per connection <= 2x raw", rssRatio, (v) => v <= 2, `${rssRatio?.toFixed(2)}x: ${s.rssKbPerConnection.lobby?.toFixed(1)} vs ${s.rssKbPerConnection.raw?.toFixed(1)} KB`);
  return s;
}

const f0 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(0));
const f1 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(1));
const f2 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(2));
const x = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "-" : `${v.toFixed(2)}x`);

function stepTable(steps: StepResult[]): SimpleTable {
  return {
    headers: ["variant / conns / server", "joins/s", "p50 ms", "p99 ms", "CPU ms/join", "DB stmts/join", "pg xact/join", "loop p99/max", "healthz p99", "RTT p99", "idle CPU %", "idle loop max", "RSS MB", "RSS KB/conn", "heap KB/conn", "503s", "failed"],
    numeric: true,
    rows: steps.map((s) => [
      `${s.variant} ${s.connections} ${s.target}`,
      f0(s.joinsPerSecond),
      ms(s.joinMs.p50),
      ms(s.joinMs.p99),
      f2(s.serverCpuMsPerJoin),
      f1(s.dbQueriesPerJoin),
      f1(s.pgTransactionsPerJoin),
      `${ms(s.during.eventLoopP99Ms)}/${ms(s.during.eventLoopMaxMs)}`,
      ms(s.health.p99),
      ms(s.roundTrip.p99),
      f1(s.idle.cpuPercent),
      ms(s.idle.eventLoopMaxMs),
      f0(s.memory.rssMb),
      f1(s.rssKbPerConnection),
      f1(s.heapKbPerConnection),
      String(s.refusals),
      String(s.failed),
    ]),
  };
}

function ratioTable(steps: StepResult[]): SimpleTable {
  const lobby = steps.filter((s) => s.target === "lobby");
  const find = (l: StepResult, t: TargetName) => steps.find((s) => s.variant === l.variant && s.connections === l.connections && s.target === t);
  const r = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  return {
    headers: ["variant / conns", "joins/s lobby/raw", "joins/s lobby/floor", "CPU/join lobby/raw", "CPU/join lobby/floor", "p99 lobby/raw", "p99 lobby/floor", "RSS/conn lobby/raw"],
    numeric: true,
    rows: lobby.map((l) => {
      const raw = find(l, "raw");
      const floor = find(l, "floor");
      return [
        `${l.variant} ${l.connections}`,
        x(r(l.joinsPerSecond, raw?.joinsPerSecond)),
        x(r(l.joinsPerSecond, floor?.joinsPerSecond)),
        x(r(l.serverCpuMsPerJoin, raw?.serverCpuMsPerJoin)),
        x(r(l.serverCpuMsPerJoin, floor?.serverCpuMsPerJoin)),
        x(r(l.joinMs.p99, raw?.joinMs.p99)),
        x(r(l.joinMs.p99, floor?.joinMs.p99)),
        x(r(l.rssKbPerConnection, raw?.rssKbPerConnection)),
      ];
    }),
  };
}

function stormTable(storms: StormResult[]): SimpleTable {
  return {
    headers: ["variant / server", "back / players", "all back s", "p50 ms", "p99 ms", "503s", "failed", "CPU ms/join (leaves too)", "DB stmts/join (leaves too)", "loop p99/max", "healthz p99/max", "RTT p99/max"],
    numeric: true,
    rows: storms.map((s) => [
      `${s.variant} ${s.target}`,
      `${s.back}/${s.players}`,
      s.back === s.players ? f1(s.allBackSeconds) : `not in ${f0(s.allBackSeconds)}`,
      ms(s.joinMs.p50),
      ms(s.joinMs.p99),
      String(s.refusals),
      String(s.failed),
      f2(s.serverCpuMsPerJoin),
      f1(s.dbQueriesPerJoin),
      `${ms(s.during.eventLoopP99Ms)}/${ms(s.during.eventLoopMaxMs)}`,
      `${ms(s.health.p99)}/${ms(s.health.max)}`,
      `${ms(s.roundTrip.p99)}/${ms(s.roundTrip.max)}`,
    ]),
  };
}

function dropTable(drops: DropResult[]): SimpleTable {
  return {
    headers: ["variant / server", "dropped", "seconds", "held s", "leaves/s", "left over", "CPU ms", "loop p99/max", "healthz p99/max"],
    numeric: true,
    rows: drops.map((d) => [
      `${d.variant} ${d.target}`,
      String(d.dropped),
      f2(d.seconds),
      f0(d.heldSeconds),
      f0(d.leavesPerSecond),
      String(d.remaining),
      f0(d.serverCpuMs),
      `${ms(d.during.eventLoopP99Ms)}/${ms(d.during.eventLoopMaxMs)}`,
      `${ms(d.health.p99)}/${ms(d.health.max)}`,
    ]),
  };
}

function summaryTable(summary: VariantSummary[]): SimpleTable {
  const t3 = (r: Partial<Record<TargetName, number>>, f: (v: number | undefined) => string) => `${f(r.lobby)} / ${f(r.raw)} / ${f(r.floor)}`;
  return {
    headers: ["variant", "joins/s lobby/raw/floor", "lobby/raw", "lobby/floor", "p50 ms", "p99 ms", "CPU ms/join", "DB stmts/join", "RSS KB/conn", "heap KB/conn", "leaves/s"],
    numeric: true,
    rows: summary.map((s) => [
      s.variant,
      t3(s.joinsPerSecond, f0),
      x(s.joinsRatioRaw),
      x(s.joinsRatioFloor),
      t3(s.joinP50Ms, f0),
      t3(s.joinP99Ms, f0),
      t3(s.cpuMsPerJoin, f2),
      f1(s.dbQueriesPerJoin),
      t3(s.rssKbPerConnection, f1),
      t3(s.heapKbPerConnection, f1),
      t3(s.leavesPerSecond, f0),
    ]),
  };
}

export function renderCapacity(report: BenchReport): string {
  const r = report as CapacityReport;
  const tables: Array<[string, SimpleTable]> = [
    ["Summary (medians over the steps; lobby / raw / floor):", summaryTable(r.summary)],
    ["Join steps (closed loop; CPU, DB and loop over the join window; idle after it; memory after a GC):", stepTable(r.steps)],
    ["Ratios per step:", ratioTable(r.steps)],
    ["Reconnect storm (players drop at once and all join again):", stormTable(r.storms)],
    ["Mass drop (every held connection at once):", dropTable(r.drops)],
  ];
  const targets = r.summary.flatMap((s) => s.targets.map((t) => `  ${s.variant}: ${t}`));
  return [
    ...tables.flatMap(([title, t]) => [title, textOf(t), ""]),
    "Targets (issue 10; reported, never asserted):",
    ...targets,
    "",
    "Markdown:",
    "",
    ...tables.flatMap(([title, t]) => [`${title}`, "", markdownOf(t), ""]),
  ].join("\n");
}
