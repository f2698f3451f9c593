import { performance } from "node:perf_hooks";
import type { FirstMessage } from "../lib/capacity-baseline-common";
import type { MemoryReading } from "../lib/capacity-control";
import { measureDrop, measureStep, measureStorm, type DropResult, type MeasureContext, type StepResult, type StormResult } from "../lib/capacity-measure";
import { RoundTripProbe } from "../lib/capacity-probes";
import { renderCapacity, summarize, type CapacityReport } from "../lib/capacity-render";
import { memory, startBaselines, startLobby, type CapacityServer, type TargetName } from "../lib/capacity-servers";
import { ClientPool } from "../lib/capacity-workers";
import { createBenchDatabase } from "../lib/database";
import { flushRedis } from "../lib/redis";
import type { BenchContext, Benchmark, BenchReport, Profile } from "../lib/report";
import { seedPlayers } from "../lib/seed";

/**
 * capacity (issue 10): how fast one lobby process admits players, against what it costs to hold
 * them. Per variant (PostgreSQL alone; PostgreSQL + Redis), three servers run side by side, each
 * in its own process: the real lobby (LOBBY_RECONNECT_SECONDS=0 unless told: a drop is a leave),
 * a raw `ws` server verifying the same JWT on upgrade and sending the same first messages, and
 * the bare-Colyseus floor (the lobby's transport settings, a room verifying the JWT in onAuth and
 * sending the same first messages in onJoin, no database).
 *
 * Light clients (bench/lib/capacity-light-client.ts: matchmake + WebSocket + `welcome`, the same
 * code against all three) in several client processes join accounts seeded straight into the
 * database. Per step (1k -> 5k -> 10k -> 19k connections held), interleaved over the three
 * servers (the order rotates per step): joins/s and join p50/p99 at N in flight (closed loop),
 * server CPU-ms per join, database statements per join (lobby_db_queries_total; pg_stat_database
 * as a second opinion), /healthz latency and a joined player's round trip during the joins, then
 * idle CPU and event-loop delay with everything held, and memory after a GC (slope between steps).
 * Then a reconnect storm (N held players drop and all join again at once, backing off on 503)
 * and a mass drop (leaves/s until the server holds only the probe player).
 */

interface Params {
  steps: number[];
  variants: string[];
  targets: TargetName[];
  inFlight: number;
  clientProcesses: number;
  idleSeconds: number;
  stormPlayers: number;
  stormSpreadMs: number;
  stormHttpSockets: number;
  stormSeconds: number;
  reconnectSeconds: number;
  joinTimeoutMs: number;
  maxAttempts: number;
  maxMinutes: number;
}

/** What a process may open here (ulimit -Hn); the server keeps some for HTTP, the database and Redis. */
const FILE_LIMIT = 20_000;
const SERVER_MAX_CONNECTIONS = 19_000;

function params(profile: Profile): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
  const steps = list("BENCH_CAPACITY_STEPS", profile === "long" ? "1000,5000,10000,19000" : "1000,5000").map(Number);
  if (steps.some((n, i) => !Number.isInteger(n) || n <= 0 || (i > 0 && n <= steps[i - 1]!))) throw new Error("BENCH_CAPACITY_STEPS: increasing connection counts, e.g. 1000,5000");
  const targets = list("BENCH_CAPACITY_TARGETS", "lobby,raw,floor") as TargetName[];
  if (!targets.includes("lobby") || targets.some((t) => !["lobby", "raw", "floor"].includes(t))) throw new Error("BENCH_CAPACITY_TARGETS: lobby plus any of raw, floor");
  const redis = process.env.BENCH_CAPACITY_REDIS ?? "both";
  const p: Params = {
    steps,
    variants: (redis === "0" ? ["postgres"] : redis === "1" ? ["postgres+redis"] : ["postgres", "postgres+redis"]).map((v) =>
      process.env.BENCH_CAPACITY_RECONNECT_SECONDS && process.env.BENCH_CAPACITY_RECONNECT_SECONDS !== "0" ? `${v}, ${process.env.BENCH_CAPACITY_RECONNECT_SECONDS} s window` : v,
    ),
    targets,
    inFlight: env("BENCH_CAPACITY_IN_FLIGHT", 100),
    clientProcesses: env("BENCH_CAPACITY_CLIENT_PROCESSES", 4),
    idleSeconds: env("BENCH_CAPACITY_IDLE_SECONDS", profile === "long" ? 10 : 5),
    stormPlayers: Math.min(env("BENCH_CAPACITY_STORM", steps[steps.length - 1]!), steps[steps.length - 1]!),
    stormSpreadMs: env("BENCH_CAPACITY_STORM_SPREAD_MS", 1000),
    // Every rejoin needs its WebSocket plus (while it matchmakes) an HTTP socket on the server, under one file limit.
    stormHttpSockets: env("BENCH_CAPACITY_STORM_HTTP_SOCKETS", Math.max(64, Math.min(2000, SERVER_MAX_CONNECTIONS + 600 - steps[steps.length - 1]!))),
    // A storm that has not settled by then is reported as such (players still out), not waited for.
    stormSeconds: env("BENCH_CAPACITY_STORM_SECONDS", profile === "long" ? 600 : 300),
    reconnectSeconds: env("BENCH_CAPACITY_RECONNECT_SECONDS", 0),
    joinTimeoutMs: env("BENCH_CAPACITY_JOIN_TIMEOUT_MS", 60_000),
    maxAttempts: 5,
    maxMinutes: env("BENCH_CAPACITY_MAX_MINUTES", 150),
  };
  const top = steps[steps.length - 1]!;
  if (top > SERVER_MAX_CONNECTIONS) throw new Error(`BENCH_CAPACITY_STEPS: at most ${SERVER_MAX_CONNECTIONS} connections (a process may open ${FILE_LIMIT} files)`);
  const perClientProcess = Math.ceil((top * targets.length) / p.clientProcesses) + p.stormHttpSockets + 100;
  if (perClientProcess > FILE_LIMIT - 500) throw new Error(`${perClientProcess} sockets per client process: raise BENCH_CAPACITY_CLIENT_PROCESSES`);
  return p;
}

/** The probe player's join on the lobby: every first frame until 1 s of quiet (at most 5 s). */
async function captureFirstMessages(lobby: CapacityServer, token: string): Promise<{ probe: RoundTripProbe; messages: FirstMessage[]; bytes: Record<string, number> }> {
  const messages: FirstMessage[] = [];
  const bytes: Record<string, number> = {};
  let last = performance.now();
  const probe = await RoundTripProbe.join(lobby.target, token, (type, payload, size) => {
    if (typeof type !== "string" || type === "error" || messages.length >= 20 || bytes[type] !== undefined) return;
    messages.push({ type, payload });
    bytes[type] = size;
    last = performance.now();
  });
  const started = performance.now();
  while (performance.now() - last < 1000 && performance.now() - started < 5000) await new Promise((r) => setTimeout(r, 100));
  if (messages[0]?.type !== "welcome") throw new Error(`the lobby's first message was ${messages[0]?.type}, not welcome`);
  return { probe, messages, bytes };
}

interface VariantResult {
  steps: StepResult[];
  storms: StormResult[];
  drops: DropResult[];
  info: Record<string, unknown>;
}

async function runVariant(ctx: BenchContext, p: Params, variant: string): Promise<VariantResult> {
  const top = p.steps[p.steps.length - 1]!;
  const db = await createBenchDatabase();
  const redisUrl = variant.includes("redis") ? (process.env.BENCH_CAPACITY_REDIS_URL ?? "redis://127.0.0.1:6379/15") : undefined;
  if (redisUrl) await flushRedis(redisUrl);
  const servers: CapacityServer[] = [];
  const probes: RoundTripProbe[] = [];
  let pool: ClientPool | undefined;
  try {
    const { server: lobby, config, env } = await startLobby({ databaseUrl: db.url, redisUrl, reconnectSeconds: p.reconnectSeconds });
    servers.push(lobby);
    const seeded = await seedPlayers(db.url, config, top + 1, "cap");
    const probeToken = seeded.players[top]!.accessToken;
    const first = await captureFirstMessages(lobby, probeToken);
    probes.push(first.probe);
    ctx.log(`${variant}: lobby up (shard size ${config.lobby.shardSize}), ${top + 1} accounts seeded, first messages ${JSON.stringify(first.bytes)} bytes`);
    const baselines = p.targets.some((t) => t !== "lobby") ? await startBaselines(config, first.messages) : [];
    servers.push(...baselines.filter((b) => p.targets.includes(b.name)));
    for (const b of baselines) if (!p.targets.includes(b.name)) await b.child.stop();
    for (const s of servers.slice(1)) probes.push(await RoundTripProbe.join(s.target, probeToken));
    pool = await ClientPool.start(p.clientProcesses, seeded.players.slice(0, top).map((x) => x.accessToken));

    const mctx: MeasureContext = {
      variant,
      pool,
      databaseName: db.name,
      inFlight: p.inFlight,
      idleSeconds: p.idleSeconds,
      joinTimeoutMs: p.joinTimeoutMs,
      maxAttempts: p.maxAttempts,
      batchDeadlineMs: 30 * 60_000,
      reconnectSeconds: p.reconnectSeconds,
    };
    const memoryOf = new Map<TargetName, MemoryReading>();
    for (const s of servers) memoryOf.set(s.name, await memory(s));
    const rotated = (i: number) => servers.map((_, k) => servers[(k + i) % servers.length]!);
    const steps: StepResult[] = [];
    for (const [i, to] of p.steps.entries()) {
      const from = i === 0 ? 0 : p.steps[i - 1]!;
      for (const s of rotated(i)) {
        const step = await measureStep(mctx, s, probes[servers.indexOf(s)]!, from, to, memoryOf.get(s.name)!);
        memoryOf.set(s.name, step.memory);
        steps.push(step);
        ctx.log(
          `${variant} ${to} ${s.name}: ${step.joinsPerSecond.toFixed(0)} joins/s, p50/p99 ${step.joinMs.p50.toFixed(0)}/${step.joinMs.p99.toFixed(0)} ms, ` +
            `${step.serverCpuMsPerJoin.toFixed(2)} CPU ms/join${step.dbQueriesPerJoin !== undefined ? `, ${step.dbQueriesPerJoin.toFixed(1)} DB statements/join` : ""}, ` +
            `RSS ${step.memory.rssMb.toFixed(0)} MB${step.failed ? `, ${step.failed} FAILED ${JSON.stringify(step.errors)}` : ""}${step.refusals ? `, ${step.refusals} refusals` : ""}`,
        );
      }
    }
    const storms: StormResult[] = [];
    if (p.stormPlayers > 0) {
      for (const s of rotated(p.steps.length)) {
        const storm = await measureStorm(mctx, s, probes[servers.indexOf(s)]!, p.stormPlayers, p.stormSpreadMs, p.stormHttpSockets, p.stormSeconds);
        storms.push(storm);
        const back = storm.back === storm.players ? `all back in ${storm.allBackSeconds.toFixed(1)} s` : `only ${storm.back} of ${storm.players} back within ${p.stormSeconds} s`;
        ctx.log(`${variant} storm ${s.name}: ${back}, p50/p99 ${storm.joinMs.p50.toFixed(0)}/${storm.joinMs.p99.toFixed(0)} ms, ${storm.refusals} refusals, ${storm.failed} failed, healthz p99 ${storm.health.p99.toFixed(0)} ms, RTT p99 ${storm.roundTrip.p99.toFixed(0)} ms`);
      }
    }
    // The mass drop starts from the full size on every server: players a storm left out join again first.
    for (const storm of storms.filter((x) => x.back < x.players)) {
      const s = servers.find((x) => x.name === storm.target)!;
      const r = await pool.topUp(s.name, s.target, top, p.inFlight, { maxAttempts: p.maxAttempts, timeoutMs: p.joinTimeoutMs, deadlineMs: mctx.batchDeadlineMs });
      storm.toppedUp = r.latenciesMs.length;
      ctx.log(`${variant} ${s.name}: ${r.latenciesMs.length} players still out after the storm joined again (${r.failed} failed) before the mass drop`);
    }
    const drops: DropResult[] = [];
    for (const s of rotated(p.steps.length + 1)) {
      const d = await measureDrop(mctx, s, Math.min(15 * 60_000, 30_000 + top * 20));
      drops.push(d);
      ctx.log(`${variant} drop ${s.name}: ${d.dropped} left in ${d.seconds.toFixed(2)} s (${d.leavesPerSecond.toFixed(0)}/s)${d.remaining ? `, ${d.remaining} still held` : ""}`);
    }
    const status = await pool.status();
    return { steps, storms, drops, info: { variant, shardSize: config.lobby.shardSize, serverEnv: env, firstMessageBytes: first.bytes, unexpectedCloses: status.unexpectedCloses, clientRssMb: status.rssMb } };
  } finally {
    for (const probe of probes) probe.close();
    await pool?.stop().catch(() => pool?.kill());
    for (const s of servers) await s.child.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    if (redisUrl) await flushRedis(redisUrl).catch(() => undefined);
  }
}

export const capacityBench: Benchmark & { render(report: BenchReport): string } = {
  name: "capacity",
  description:
    "One lobby process admitting light clients (matchmake + WebSocket + welcome) 1k -> 19k held, PostgreSQL with and without Redis, against a raw ws server and the bare-Colyseus floor in the same run: joins/s, p50/p99, CPU and DB statements per join, memory per connection, idle CPU, healthz, a reconnect storm and a mass drop.",
  render: renderCapacity,
  async run(ctx: BenchContext): Promise<CapacityReport> {
    const p = params(ctx.profile);
    const deadline = performance.now() + p.maxMinutes * 60_000;
    const steps: StepResult[] = [];
    const storms: StormResult[] = [];
    const drops: DropResult[] = [];
    const variants: Record<string, unknown>[] = [];
    for (const variant of p.variants) {
      if (performance.now() > deadline) throw new Error(`BENCH_CAPACITY_MAX_MINUTES (${p.maxMinutes}) reached before ${variant}`);
      let timer: NodeJS.Timeout | undefined;
      const watchdog = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`capacity: over BENCH_CAPACITY_MAX_MINUTES (${p.maxMinutes})`)), deadline - performance.now());
      });
      try {
        const r = await Promise.race([runVariant(ctx, p, variant), watchdog]);
        steps.push(...r.steps);
        storms.push(...r.storms);
        drops.push(...r.drops);
        variants.push(r.info);
      } finally {
        clearTimeout(timer);
      }
    }
    return {
      name: "capacity",
      description: capacityBench.description,
      params: {
        ...p,
        variantInfo: variants,
        clients: "light clients (bench/lib/capacity-light-client.ts), keep-alive HTTP for the matchmake requests (one socket per join in flight; BENCH_CAPACITY_STORM_HTTP_SOCKETS in a storm)",
        raw: "node:http + ws, JWT verified on upgrade, the lobby's first messages, no heartbeat",
        floor: "@colyseus/core Server, the lobby's WebSocketTransport settings, onAuth verifies the JWT, onJoin sends the lobby's first messages; no state, no database, LocalPresence",
        memory: "control port of each server: two full GCs, then process.memoryUsage(); per connection = slope between steps",
      },
      scenarios: [],
      steps,
      storms,
      drops,
      summary: p.variants.map((v) => summarize(v, steps, drops)),
    };
  },
};
