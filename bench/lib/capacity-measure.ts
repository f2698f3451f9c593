/**
 * The capacity benchmark's three measurements on one server: a join step (closed loop up to a
 * number of held connections, then an idle window), a reconnect storm, and a mass drop.
 */
import { performance } from "node:perf_hooks";
import type { MemoryReading } from "./capacity-control";
import { HealthProbe, type ProbeSummary, type RoundTripProbe } from "./capacity-probes";
import { connections, lobbyMetric, memory, pgTransactions, type CapacityServer, type TargetName } from "./capacity-servers";
import type { ClientPool } from "./capacity-workers";
import type { JoinBatchResult } from "./capacity-worker-protocol";
import type { ProcessStats } from "./process-stats";
import { summarize, type Summary } from "./stats";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const epochNow = () => performance.timeOrigin + performance.now();

export interface MeasureContext {
  variant: string;
  pool: ClientPool;
  /** The lobby's database (pg_stat_database), for the lobby's second opinion on round trips. */
  databaseName: string;
  inFlight: number;
  idleSeconds: number;
  joinTimeoutMs: number;
  maxAttempts: number;
  /** Upper bound on one batch of joins. */
  batchDeadlineMs: number;
  /** The lobby's LOBBY_RECONNECT_SECONDS: a dropped seat is held this long before its leave. */
  reconnectSeconds: number;
}

export interface LoopFigures {
  cpuPercent: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
}

export interface StepResult {
  variant: string;
  target: TargetName;
  /** Connections held by the benchmark's clients after the step (the probe player not counted). */
  connections: number;
  joins: number;
  joinSeconds: number;
  joinsPerSecond: number;
  joinMs: Summary;
  refusals: number;
  failures: number;
  failed: number;
  errors: Record<string, number>;
  serverCpuMsPerJoin: number;
  /** Statements the lobby sent to PostgreSQL during the join window, per join (lobby_db_queries_total). */
  dbQueriesPerJoin?: number;
  /** PostgreSQL's own count for the lobby's database, join window + idle window, per join. */
  pgTransactionsPerJoin?: number;
  during: LoopFigures;
  health: ProbeSummary;
  roundTrip: ProbeSummary;
  idle: LoopFigures;
  /** After the idle window, after a full GC; `count` is what the server holds (probe included). */
  memory: MemoryReading;
  rssKbPerConnection?: number;
  heapKbPerConnection?: number;
}

export interface StormResult {
  variant: string;
  target: TargetName;
  players: number;
  /** Players back (welcome) before the storm's time limit. */
  back: number;
  /** Drop -> the last player's welcome (the time limit if not all came back). */
  allBackSeconds: number;
  joinMs: Summary;
  refusals: number;
  failures: number;
  failed: number;
  errors: Record<string, number>;
  serverCpuMsPerJoin: number;
  dbQueriesPerJoin?: number;
  during: LoopFigures;
  health: ProbeSummary;
  roundTrip: ProbeSummary;
  connectionsAfter: number;
  /** Players still out after the storm, joined again (closed loop) before the mass drop. */
  toppedUp?: number;
}

export interface DropResult {
  variant: string;
  target: TargetName;
  dropped: number;
  /** Drop -> the server holds only the probe player (or the timeout). */
  seconds: number;
  /** The reconnect window the lobby holds dropped seats for (0 for the baselines). */
  heldSeconds: number;
  /** dropped / (seconds - heldSeconds): how fast the leaves were processed once due. */
  leavesPerSecond: number;
  remaining: number;
  serverCpuMs: number;
  during: LoopFigures;
  health: ProbeSummary;
}

const loop = (s: ProcessStats): LoopFigures => ({ cpuPercent: s.cpuPercent, eventLoopP99Ms: s.eventLoopDelayMs.p99, eventLoopMaxMs: s.eventLoopDelayMs.max });
const cpuMs = (s: ProcessStats) => (s.cpuPercent / 100) * s.elapsedMs;
const kbPer = (mb: number, n: number) => (n > 0 ? (mb * 1024) / n : undefined);

/** Runs `work` with the server's stats window, /healthz and the probe player's round trips around it. */
async function observed<T>(server: CapacityServer, probe: RoundTripProbe, work: () => Promise<T>): Promise<{ result: T; stats: ProcessStats; health: ProbeSummary; roundTrip: ProbeSummary }> {
  const health = new HealthProbe(server.target.port, server.healthPath);
  await server.child.resetStats();
  health.start();
  probe.start();
  try {
    const result = await work();
    const stats = await server.child.readStats();
    return { result, stats, health: await health.stop(), roundTrip: await probe.stop() };
  } finally {
    await health.stop();
    await probe.stop();
    health.close();
  }
}

const isLobby = (s: CapacityServer) => s.name === "lobby";

/** Accounts [from, to) join (closed loop, ctx.inFlight in flight), then the server idles. */
export async function measureStep(ctx: MeasureContext, server: CapacityServer, probe: RoundTripProbe, from: number, to: number, previous: MemoryReading): Promise<StepResult> {
  const queriesBefore = isLobby(server) ? await lobbyMetric(server, "lobby_db_queries_total") : 0;
  const xactBefore = isLobby(server) ? await pgTransactions(ctx.databaseName) : 0;
  const run = await observed(server, probe, () =>
    ctx.pool.join(server.name, server.target, from, to, ctx.inFlight, { maxAttempts: ctx.maxAttempts, timeoutMs: ctx.joinTimeoutMs, deadlineMs: ctx.batchDeadlineMs }),
  );
  const queriesAfter = isLobby(server) ? await lobbyMetric(server, "lobby_db_queries_total") : 0;
  const r: JoinBatchResult = run.result;
  const joins = r.latenciesMs.length;
  const joinSeconds = Math.max(0.001, (r.lastWelcomeAt - r.startedAt) / 1000);

  await server.child.resetStats();
  await sleep(ctx.idleSeconds * 1000);
  const idle = await server.child.readStats();
  const mem = await memory(server);
  const xactAfter = isLobby(server) ? await pgTransactions(ctx.databaseName) : 0;
  const added = mem.count - previous.count;
  return {
    variant: ctx.variant,
    target: server.name,
    connections: to,
    joins,
    joinSeconds,
    joinsPerSecond: joins / joinSeconds,
    joinMs: summarize(r.latenciesMs),
    refusals: r.refusals,
    failures: r.failures,
    failed: r.failed,
    errors: r.errors,
    serverCpuMsPerJoin: joins > 0 ? cpuMs(run.stats) / joins : Number.NaN,
    ...(isLobby(server) && joins > 0 ? { dbQueriesPerJoin: (queriesAfter - queriesBefore) / joins, pgTransactionsPerJoin: (xactAfter - xactBefore) / joins } : {}),
    during: loop(run.stats),
    health: run.health,
    roundTrip: run.roundTrip,
    idle: loop(idle),
    memory: mem,
    ...(added > 0 ? { rssKbPerConnection: kbPer(mem.rssMb - previous.rssMb, added), heapKbPerConnection: kbPer(mem.heapUsedMb - previous.heapUsedMb, added) } : {}),
  };
}

/** The first `players` held connections drop at once and all join again. */
export async function measureStorm(
  ctx: MeasureContext,
  server: CapacityServer,
  probe: RoundTripProbe,
  players: number,
  spreadMs: number,
  httpSockets: number,
  seconds: number,
): Promise<StormResult> {
  const queriesBefore = isLobby(server) ? await lobbyMetric(server, "lobby_db_queries_total") : 0;
  const run = await observed(server, probe, () =>
    ctx.pool.storm(server.name, server.target, players, spreadMs, httpSockets, { maxAttempts: 1000, timeoutMs: ctx.joinTimeoutMs, deadlineMs: seconds * 1000 }),
  );
  const queriesAfter = isLobby(server) ? await lobbyMetric(server, "lobby_db_queries_total") : 0;
  const r = run.result;
  const joins = r.latenciesMs.length;
  return {
    variant: ctx.variant,
    target: server.name,
    players: r.dropped,
    back: joins,
    allBackSeconds: joins === r.dropped ? (r.lastWelcomeAt - r.droppedAt) / 1000 : (r.endedAt - r.droppedAt) / 1000,
    joinMs: summarize(r.latenciesMs),
    refusals: r.refusals,
    failures: r.failures,
    failed: r.failed,
    errors: r.errors,
    serverCpuMsPerJoin: joins > 0 ? cpuMs(run.stats) / joins : Number.NaN,
    ...(isLobby(server) && joins > 0 ? { dbQueriesPerJoin: (queriesAfter - queriesBefore) / joins } : {}),
    during: loop(run.stats),
    health: run.health,
    roundTrip: run.roundTrip,
    connectionsAfter: await connections(server),
  };
}

/** Every held connection drops at once; time until the server holds only the probe player. */
export async function measureDrop(ctx: MeasureContext, server: CapacityServer, timeoutMs: number): Promise<DropResult> {
  timeoutMs += isLobby(server) ? ctx.reconnectSeconds * 1000 : 0;
  const health = new HealthProbe(server.target.port, server.healthPath);
  await server.child.resetStats();
  health.start();
  const t0 = epochNow();
  const { dropped } = await ctx.pool.drop(server.name);
  let remaining = await connections(server);
  while (remaining > 1 && epochNow() - t0 < timeoutMs) {
    await sleep(20);
    remaining = await connections(server);
  }
  const seconds = (epochNow() - t0) / 1000;
  const heldSeconds = isLobby(server) ? ctx.reconnectSeconds : 0;
  const stats = await server.child.readStats();
  const h = await health.stop();
  health.close();
  return {
    variant: ctx.variant,
    target: server.name,
    dropped,
    seconds,
    heldSeconds,
    leavesPerSecond: dropped / Math.max(0.001, seconds - heldSeconds),
    remaining: Math.max(0, remaining - 1),
    serverCpuMs: cpuMs(stats),
    during: loop(stats),
    health: h,
  };
}
