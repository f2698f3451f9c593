import crypto from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../server/config";
import { findMatches } from "../../server/modules/matchmaking/matcher";
import type { MatcherConfig, MatcherTicket, ProposedMatch } from "../../server/modules/matchmaking/matcher-types";
import type { GameMode } from "../../server/modules/matchmaking/matchmaking-config";
import { SeededRandom } from "../lib/random";
import type { BenchContext, BenchReport, Benchmark, Profile } from "../lib/report";
import { markdownOf, textOf, type SimpleTable } from "../lib/simple-table";
import { ms, summarize, type Summary } from "../lib/stats";

/**
 * The matchmaker (server/modules/matchmaking/matcher.ts) in isolation: no database, no network.
 *
 * 1. Tick time: one findMatches call over N waiting tickets of one mode (1k and 10k), repeated.
 * 2. A simulated day per mode: Poisson arrivals, a findMatches call every simulated second over
 *    the tickets still waiting (simulated clock: a day runs in seconds), time to match and match
 *    quality.
 *
 * Settings are the server's defaults (loadConfig), or GAME_MODES / MATCH_* from the environment.
 */

interface Params {
  seed: number;
  tickSizes: number[];
  warmupTicks: number;
  measuredTicks: number;
  /** Different ticket sets the measured ticks rotate over. */
  tickInputs: number;
  daySeconds: number;
  /** Arrivals (tickets) per second per mode. */
  dayRates: number[];
  /** Ratings: each ticket's mean mu ~ N(25, muSd); party members around it with partySd. */
  muSd: number;
  partySd: number;
  /** Squad: share of tickets that are a party of two (the rest solo). */
  duoShare: number;
  /** Share of new tickets that block a player of a random waiting ticket (and are blocked back). */
  blockShare: number;
  regionWeights: Array<[string, number]>;
  /** Which parts to run: "ticks", "day" or both. */
  parts: string[];
}

function params(profile: Profile, regions: readonly string[]): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const list = (name: string, fallback: number[]) => (process.env[name] ? process.env[name].split(",").map(Number) : fallback);
  // Default traffic: the first region busiest, the last one quietest (eu 40 %, na 40 %, asia 20 %).
  const weights = regions.map((r, i): [string, number] => [r, regions.length === 3 ? [0.4, 0.4, 0.2][i]! : 1 / regions.length]);
  return {
    seed: env("BENCH_MATCHER_SEED", 20261126),
    tickSizes: list("BENCH_MATCHER_TICKETS", [1_000, 10_000]),
    warmupTicks: 5,
    measuredTicks: env("BENCH_MATCHER_TICKS", profile === "long" ? 200 : 50),
    tickInputs: 5,
    daySeconds: env("BENCH_MATCHER_DAY_SECONDS", 86_400),
    dayRates: list("BENCH_MATCHER_RATES", profile === "long" ? [0.2, 1, 10, 50] : [1, 10]),
    muSd: 5,
    partySd: 1.5,
    duoShare: 0.4,
    blockShare: 0.02,
    regionWeights: weights,
    parts: (process.env.BENCH_MATCHER_PARTS ?? "ticks,day").split(",").map((x) => x.trim()),
  };
}

/** The server's matchmaking settings: defaults, unless GAME_MODES / MATCH_* are set. */
function serverSettings(): { modes: GameMode[]; regions: string[]; cfgFor(mode: GameMode): MatcherConfig; env: Record<string, string> } {
  const passed = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v && (k === "GAME_MODES" || k.startsWith("MATCH_")))) as Record<string, string>;
  const config = loadConfig({
    NODE_ENV: "development",
    DATA_DIR: os.tmpdir(),
    JWT_SECRET: crypto.randomBytes(48).toString("base64url"),
    ...passed,
  });
  const mm = config.matchmaking;
  return {
    modes: mm.modes,
    regions: mm.regions,
    env: passed,
    cfgFor: (mode) => ({
      mode,
      spreadSchedule: mm.spreadSchedule,
      regionNeighbours: mm.regionNeighbours,
      regionWidenSeconds: mm.regionWidenSeconds,
    }),
  };
}

/** Ticket generator shared by both parts. */
class Tickets {
  private nextId = 0;
  constructor(
    private readonly random: SeededRandom,
    private readonly p: Params,
  ) {}

  partySize(mode: GameMode): number {
    // Parties of two where a team has room for them (squad), solo otherwise.
    return mode.teamSize >= 2 && this.random.next() < this.p.duoShare ? 2 : 1;
  }

  make(mode: GameMode, enqueuedAt: number): MatcherTicket {
    const id = this.nextId++;
    const size = this.partySize(mode);
    const center = this.random.normal(25, this.p.muSd);
    const players = Array.from({ length: size }, (_, k) => ({
      accountId: `a${id}.${k}`,
      mu: size === 1 ? center : center + this.random.normal(0, this.p.partySd),
      sigma: 2 + this.random.next() * (25 / 3 - 2),
    }));
    return { id: `t${String(id).padStart(9, "0")}`, region: this.random.weighted(this.p.regionWeights), enqueuedAt, players, blocked: [] };
  }

  /** With probability blockShare, `t` and a random ticket of `waiting` block each other. */
  maybeBlock(t: MatcherTicket, waiting: readonly MatcherTicket[]): void {
    if (waiting.length === 0 || this.random.next() >= this.p.blockShare) return;
    const other = waiting[this.random.int(waiting.length)]!;
    if (other === t) return;
    (t.blocked as string[]).push(other.players[0]!.accountId);
    (other.blocked as string[]).push(t.players[0]!.accountId);
  }
}

// ---- 1. tick time ----

interface TickResult {
  mode: string;
  variant: string;
  tickets: number;
  players: number;
  ticks: number;
  wallMs: Summary;
  /** Process CPU time (user + system) over the call: includes V8's parallel GC threads. */
  cpuMs: Summary;
  /** Of one call (the same for every call on the same input; averaged over the inputs). */
  matches: number;
  matchedTicketShare: number;
  meanQuality: number;
  meanSpread: number;
}

/**
 * "waited 0-60 s": enqueued over the last minute, created and listed oldest first (as a queue read
 * in enqueue order holds them); "…, random order": the same ages, created and listed in random
 * order (worse memory locality: the matcher walks tickets oldest first); "all new (0 s)": every
 * ticket enqueued now (narrowest spread, no region widening).
 */
type TickVariant = "waited 0-60 s" | "waited 0-60 s, random order" | "all new (0 s)";
const TICK_VARIANTS: TickVariant[] = ["waited 0-60 s", "waited 0-60 s, random order", "all new (0 s)"];

function tickInput(p: Params, mode: GameMode, count: number, variant: TickVariant, seed: number, now: number): MatcherTicket[] {
  const random = new SeededRandom(seed);
  const gen = new Tickets(random, p);
  const times = Array.from({ length: count }, () => (variant === "all new (0 s)" ? now : now - random.int(60_000)));
  if (variant === "waited 0-60 s") times.sort((a, b) => a - b);
  const out: MatcherTicket[] = [];
  for (let i = 0; i < count; i++) {
    const t = gen.make(mode, times[i]!);
    gen.maybeBlock(t, out);
    out.push(t);
  }
  return out;
}

function measureTicks(ctx: BenchContext, p: Params, mode: GameMode, cfg: MatcherConfig, count: number, variant: TickVariant): TickResult {
  const now = 1_800_000_000_000;
  const inputs = Array.from({ length: p.tickInputs }, (_, k) => tickInput(p, mode, count, variant, p.seed + count + k * 7919, now));
  const wall: number[] = [];
  const cpu: number[] = [];
  let matches = 0;
  let matchedTickets = 0;
  let quality = 0;
  let spread = 0;
  for (let i = 0; i < p.warmupTicks + p.measuredTicks; i++) {
    const input = inputs[i % inputs.length]!;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = findMatches(input, now, cfg);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (i < p.warmupTicks) continue;
    wall.push(t1 - t0);
    cpu.push((c1.user + c1.system) / 1000);
    if (i - p.warmupTicks < inputs.length) {
      matches += out.length / inputs.length;
      matchedTickets += out.reduce((s, m) => s + m.ticketIds.length, 0) / input.length / inputs.length;
      quality += mean(out.map((m) => m.quality)) / inputs.length;
      spread += mean(out.map((m) => m.spread)) / inputs.length;
    }
  }
  const players = mean(inputs.map((input) => input.reduce((s, t) => s + t.players.length, 0)));
  const result: TickResult = {
    mode: mode.id,
    variant,
    tickets: count,
    players: Math.round(players),
    ticks: p.measuredTicks,
    wallMs: summarize(wall),
    cpuMs: summarize(cpu),
    matches: Math.round(matches),
    matchedTicketShare: matchedTickets,
    meanQuality: quality,
    meanSpread: spread,
  };
  ctx.log(`tick ${mode.id} ${count} (${variant}): p50 ${ms(result.wallMs.p50)} ms, p95 ${ms(result.wallMs.p95)} ms, max ${ms(result.wallMs.max)} ms; ${result.matches} matches`);
  return result;
}

// ---- 2. simulated day ----

interface DayResult {
  mode: string;
  arrivalsPerSecond: number;
  simulatedSeconds: number;
  tickets: number;
  players: number;
  matches: number;
  /** Seconds from enqueue to the tick that matched the ticket, per matched ticket. */
  timeToMatchS: Summary;
  /** The same, per matched player (a party of two counts twice). */
  timeToMatchPerPlayerS: Summary;
  /** Time to match of solo tickets and of parties (squad only). */
  timeToMatchSoloS?: Summary;
  timeToMatchPartyS?: Summary;
  quality: Summary;
  spread: Summary;
  /** Matches with at least one ticket from another region than the match's. */
  crossRegionShare: number;
  /** Per region: matched tickets and the p95 of their time to match. */
  byRegion: Record<string, { tickets: number; p95S: number }>;
  waitingAtEnd: number;
  /** The longest wait of a ticket still waiting at the end (s). */
  longestStillWaitingS: number;
  waitingTickets: Summary;
  tickWallMs: Summary;
  realSeconds: number;
}

function simulateDay(ctx: BenchContext, p: Params, mode: GameMode, cfg: MatcherConfig, rate: number, seed: number): DayResult {
  const started = performance.now();
  const random = new SeededRandom(seed);
  const gen = new Tickets(random, p);
  let waiting: MatcherTicket[] = [];
  let nextArrival = random.exponential(rate) * 1000;
  const waits: number[] = [];
  const waitsPerPlayer: number[] = [];
  const waitsSolo: number[] = [];
  const waitsParty: number[] = [];
  const byRegion = new Map<string, number[]>();
  const qualities: number[] = [];
  const spreads: number[] = [];
  const waitingCounts: number[] = [];
  const tickTimes: number[] = [];
  let crossRegion = 0;
  let tickets = 0;
  let players = 0;

  for (let second = 1; second <= p.daySeconds; second++) {
    const now = second * 1000;
    while (nextArrival <= now) {
      const t = gen.make(mode, Math.round(nextArrival));
      gen.maybeBlock(t, waiting);
      waiting.push(t);
      tickets += 1;
      players += t.players.length;
      nextArrival += random.exponential(rate) * 1000;
    }
    waitingCounts.push(waiting.length);
    const t0 = performance.now();
    const matches: ProposedMatch[] = findMatches(waiting, now, cfg);
    tickTimes.push(performance.now() - t0);
    if (matches.length === 0) continue;
    const matched = new Set<string>();
    const byId = new Map(waiting.map((t) => [t.id, t]));
    for (const m of matches) {
      qualities.push(m.quality);
      spreads.push(m.spread);
      let crossed = false;
      for (const id of m.ticketIds) {
        matched.add(id);
        const t = byId.get(id)!;
        const w = (now - t.enqueuedAt) / 1000;
        waits.push(w);
        for (let k = 0; k < t.players.length; k++) waitsPerPlayer.push(w);
        (t.players.length > 1 ? waitsParty : waitsSolo).push(w);
        let list = byRegion.get(t.region);
        if (!list) byRegion.set(t.region, (list = []));
        list.push(w);
        if (t.region !== m.region) crossed = true;
      }
      if (crossed) crossRegion += 1;
    }
    waiting = waiting.filter((t) => !matched.has(t.id));
  }
  const end = p.daySeconds * 1000;
  const result: DayResult = {
    mode: mode.id,
    arrivalsPerSecond: rate,
    simulatedSeconds: p.daySeconds,
    tickets,
    players,
    matches: qualities.length,
    timeToMatchS: summarize(waits),
    timeToMatchPerPlayerS: summarize(waitsPerPlayer),
    ...(mode.teamSize >= 2 ? { timeToMatchSoloS: summarize(waitsSolo), timeToMatchPartyS: summarize(waitsParty) } : {}),
    quality: summarize(qualities),
    spread: summarize(spreads),
    crossRegionShare: qualities.length ? crossRegion / qualities.length : 0,
    byRegion: Object.fromEntries([...byRegion].sort().map(([r, w]) => [r, { tickets: w.length, p95S: summarize(w).p95 }])),
    waitingAtEnd: waiting.length,
    longestStillWaitingS: waiting.length ? Math.max(...waiting.map((t) => (end - t.enqueuedAt) / 1000)) : 0,
    waitingTickets: summarize(waitingCounts),
    tickWallMs: summarize(tickTimes),
    realSeconds: (performance.now() - started) / 1000,
  };
  ctx.log(
    `day ${mode.id} at ${rate}/s: ${result.matches} matches; time to match p50 ${result.timeToMatchS.p50.toFixed(1)} s, p95 ${result.timeToMatchS.p95.toFixed(1)} s; ` +
      `quality mean ${result.quality.mean.toFixed(3)}; ${result.realSeconds.toFixed(1)} s real`,
  );
  return result;
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, x) => s + x, 0) / values.length : 0;
}

// ---- report ----

export interface MatcherBenchReport extends BenchReport {
  ticks: TickResult[];
  days: DayResult[];
}

const TICK_TARGET_MS = 50;
const P95_TARGET_S = 30;

function tickTable(rows: TickResult[]): SimpleTable {
  return {
    headers: ["mode", "waiting tickets", "players", "ages", "p50 ms", "p95 ms", "max ms", "CPU p50 ms", "matches", "matched", "quality", "spread"],
    rows: rows.map((r) => [
      r.mode,
      String(r.tickets),
      String(r.players),
      r.variant,
      ms(r.wallMs.p50),
      ms(r.wallMs.p95),
      ms(r.wallMs.max),
      ms(r.cpuMs.p50),
      String(r.matches),
      `${(r.matchedTicketShare * 100).toFixed(0)} %`,
      r.meanQuality.toFixed(3),
      r.meanSpread.toFixed(2),
    ]),
  };
}

function dayTable(rows: DayResult[]): SimpleTable {
  const s = (x: number) => x.toFixed(1);
  return {
    headers: ["mode", "arrivals/s", "matches", "wait p50 s", "p95 s", "p99 s", "max s", "quality mean", "min", "spread mean", "max", "cross-region", "waiting p50", "tick p99 ms"],
    rows: rows.map((r) => [
      r.mode,
      String(r.arrivalsPerSecond),
      String(r.matches),
      s(r.timeToMatchS.p50),
      s(r.timeToMatchS.p95),
      s(r.timeToMatchS.p99),
      s(r.timeToMatchS.max),
      r.quality.mean.toFixed(3),
      r.quality.min.toFixed(3),
      r.spread.mean.toFixed(2),
      r.spread.max.toFixed(1),
      `${(r.crossRegionShare * 100).toFixed(1)} %`,
      String(r.waitingTickets.p50),
      ms(r.tickWallMs.p99),
    ]),
  };
}

function verdicts(report: MatcherBenchReport): string[] {
  const out: string[] = [];
  for (const t of report.ticks.filter((t) => t.tickets >= 10_000)) {
    const met = t.wallMs.p95 < TICK_TARGET_MS;
    out.push(`tick target (10k tickets under ${TICK_TARGET_MS} ms), ${t.mode}, ${t.variant}: ${met ? "met" : "MISSED"} (p50 ${ms(t.wallMs.p50)} ms, p95 ${ms(t.wallMs.p95)} ms)`);
  }
  for (const d of report.days.filter((d) => d.arrivalsPerSecond === 1)) {
    const party = d.timeToMatchPartyS ? `; solo p95 ${d.timeToMatchSoloS!.p95.toFixed(1)} s, parties p95 ${d.timeToMatchPartyS.p95.toFixed(1)} s` : "";
    out.push(`time-to-match target (p95 under ${P95_TARGET_S} s at 1/s), ${d.mode}: ${d.timeToMatchS.p95 < P95_TARGET_S ? "met" : "MISSED"} (${d.timeToMatchS.p95.toFixed(1)} s${party})`);
  }
  return out;
}

function render(report: BenchReport): string {
  const r = report as MatcherBenchReport;
  const parts = [
    "Tick time (one findMatches call over all waiting tickets):",
    textOf(tickTable(r.ticks)),
    "",
    "Simulated day (1 s ticks, simulated clock):",
    textOf(dayTable(r.days)),
    "",
    ...verdicts(r),
    "",
    "Markdown:",
    "",
    markdownOf(tickTable(r.ticks)),
    "",
    markdownOf(dayTable(r.days)),
  ];
  return parts.join("\n");
}

export const matcher: Benchmark & { render(report: BenchReport): string } = {
  name: "matcher",
  description:
    "The pure matchmaker: findMatches time for 1k and 10k waiting tickets per mode, and a simulated day per mode (Poisson arrivals, 1 s ticks on a simulated clock) with time to match, quality and spread.",
  render,
  async run(ctx: BenchContext): Promise<MatcherBenchReport> {
    const settings = serverSettings();
    const p = params(ctx.profile, settings.regions);
    const ticks: TickResult[] = [];
    for (const mode of p.parts.includes("ticks") ? settings.modes : []) {
      const cfg = settings.cfgFor(mode);
      for (const count of p.tickSizes) {
        for (const variant of TICK_VARIANTS) ticks.push(measureTicks(ctx, p, mode, cfg, count, variant));
      }
    }
    const days: DayResult[] = [];
    for (const rate of p.parts.includes("day") ? p.dayRates : []) {
      for (const [i, mode] of settings.modes.entries()) {
        days.push(simulateDay(ctx, p, mode, settings.cfgFor(mode), rate, p.seed + 1000 * i + Math.round(rate * 100)));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const report: MatcherBenchReport = {
      name: "matcher",
      description: matcher.description,
      params: {
        ...p,
        settings: (({ spreadSchedule, regionNeighbours, regionWidenSeconds }) => ({
          modes: settings.modes,
          regions: settings.regions,
          spreadSchedule,
          regionNeighbours,
          regionWidenSeconds,
          fromEnvironment: settings.env,
        }))(settings.cfgFor(settings.modes[0]!)),
        ratings: `each ticket's mean mu ~ N(25, ${p.muSd}); party members mean + N(0, ${p.partySd}); sigma ~ U(2, 25/3)`,
        tickInput: `${p.tickInputs} seeded ticket sets, the measured ticks rotate over them; enqueuedAt uniform over the last 60 s, or all now`,
        day: "arrivals: a Poisson process per mode; a findMatches call every simulated second over the tickets still waiting; matched tickets leave; nobody gives up",
        targets: { tickP95Ms: TICK_TARGET_MS, timeToMatchP95S: P95_TARGET_S },
      },
      scenarios: [],
      ticks,
      days,
    };
    for (const line of verdicts(report)) ctx.log(line);
    return report;
  },
};
