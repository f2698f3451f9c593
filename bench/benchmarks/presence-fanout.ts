import { performance } from "node:perf_hooks";
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import type { ChosenStatus, FriendPresence } from "../../shared/schemas/presence";
import { mapLimit, sleep, withTimeout } from "../lib/concurrency";
import { createBenchDatabase } from "../lib/database";
import { FanoutTracker, runFanoutLoop } from "../lib/fanout";
import { joinLobby, watchFrameSizes } from "../lib/lobby-clients";
import { startBenchLobby, type BenchLobby } from "../lib/lobby-server";
import { StatsWindow, type ProcessStats } from "../lib/process-stats";
import { measureRawRelay } from "../lib/raw-baseline";
import { benchRedisUrl, flushRedis } from "../lib/redis";
import type { BenchContext, BenchReport, Benchmark, Profile, ScenarioResult } from "../lib/report";
import { seedFriendGraph } from "../lib/seed";

interface Params {
  friends: number;
  warmup: number;
  measured: number;
  /** Lobby joins in flight at once while the friends connect. */
  joinConcurrency: number;
  /** Quiet time after each fan-out completes. */
  gapMs: number;
  deliveryTimeoutMs: number;
}

function params(profile: Profile): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  return {
    friends: env("BENCH_FRIENDS", 500),
    warmup: 2,
    measured: env("BENCH_CHANGES", profile === "long" ? 60 : 10),
    joinConcurrency: 25,
    gapMs: 150,
    deliveryTimeoutMs: 15_000,
  };
}

/**
 * The server's presence.set limit per connection (server/realtime/rooms/lobby-social.ts: a burst
 * of 5, then one every 2 s), modelled here with a slower refill so the benchmark never hits it.
 */
class PresencePacer {
  private tokens = 5;
  private at = performance.now();
  constructor(private readonly refillPerSecond = 0.45) {}

  async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(5, this.tokens + ((now - this.at) / 1000) * this.refillPerSecond);
      this.at = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000));
    }
  }
}

const TWO_PROCESS_SHARD_SIZE = 100;

const STATUSES: ChosenStatus[] = ["away", "busy", "online"];
const TAG = "fanout-";

type Backplane = { kind: "local" } | { kind: "redis"; processes: 1 | 2 };

function labelOf(b: Backplane): string {
  if (b.kind === "local") return "lobby, LocalPresence (1 process)";
  return b.processes === 1 ? "lobby, RedisPresence (1 process)" : "lobby, RedisPresence (2 processes)";
}

async function lobbyScenario(ctx: BenchContext, p: Params, backplane: Backplane): Promise<ScenarioResult> {
  const label = labelOf(backplane);
  ctx.log(`${label}: preparing database${backplane.kind === "redis" ? " and Redis" : ""}`);
  const db = await createBenchDatabase();
  const redisUrl = backplane.kind === "redis" ? await benchRedisUrl() : undefined;
  const servers: BenchLobby[] = [];
  const rooms: Room[] = [];
  try {
    if (backplane.kind === "redis" && backplane.processes === 2) {
      // A second process on the same PostgreSQL, Redis and JWT secret, as behind a load balancer.
      // Smaller shards (100 instead of 250) so the matchmaker spreads the rooms over both processes.
      const env = { LOBBY_SHARD_SIZE: String(TWO_PROCESS_SHARD_SIZE) };
      servers.push(await startBenchLobby({ databaseUrl: db.url, redisUrl, env, mode: "child" }));
      const secret = servers[0]!.config.jwt.secret;
      servers.push(await startBenchLobby({ databaseUrl: db.url, redisUrl, env: { ...env, JWT_SECRET: secret }, mode: "child" }));
    } else {
      servers.push(await startBenchLobby({ databaseUrl: db.url, redisUrl }));
    }
    const home = servers[0]!;
    const graph = await seedFriendGraph(db.url, home.config, p.friends);
    // The seeded accounts are real: the subject logs in over HTTP like any player.
    const login = await fetch(`${home.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: graph.subject.username, password: graph.password }),
    });
    if (login.status !== 200) throw new Error(`seeded subject cannot log in: HTTP ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };

    const tracker = new FanoutTracker(p.friends);
    const errors: WsErrorMessage[] = [];
    let friendsOnline = 0;
    let allOnline!: () => void;
    const everyoneOnline = new Promise<void>((resolve) => (allOnline = resolve));

    ctx.log(`${label}: subject and ${p.friends} friends joining the lobby`);
    const subject = await joinLobby(home.url, accessToken, (room) => {
      room.onMessage(LobbyServerMessage.PresenceUpdate, (m: FriendPresence) => {
        if (m.status === "online" && ++friendsOnline === p.friends) allOnline();
      });
      room.onMessage(LobbyServerMessage.Notification, () => undefined);
      room.onMessage(LobbyServerMessage.Error, (m: WsErrorMessage) => errors.push(m));
    });
    rooms.push(subject);

    let frameBytes = 0;
    let lastFrame = 0;
    const joinStart = performance.now();
    const friendRooms = await mapLimit(graph.friends, p.joinConcurrency, (friend, index) =>
      // With two processes, friends' matchmaking requests alternate between them (the room they
      // land in is the matchmaker's choice, on either process).
      joinLobby(servers[index % servers.length]!.url, friend.accessToken, (room) => {
        if (index === 0) watchFrameSizes(room, (bytes) => (lastFrame = bytes));
        room.onMessage(LobbyServerMessage.PresenceUpdate, (m: FriendPresence) => {
          if (m.accountId !== graph.subject.id || !m.text?.startsWith(TAG)) return;
          tracker.arrived(Number(m.text.slice(TAG.length)));
          if (index === 0) frameBytes = lastFrame;
        });
        room.onMessage(LobbyServerMessage.Notification, () => undefined);
        room.onMessage(LobbyServerMessage.Error, (m: WsErrorMessage) => errors.push(m));
      }),
    );
    rooms.push(...friendRooms);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    await withTimeout(everyoneOnline, 30_000, `the subject saw ${friendsOnline}/${p.friends} friends come online`);
    ctx.log(`${label}: ${p.friends} friends joined in ${joinSeconds.toFixed(1)} s; measuring ${p.measured} status changes`);
    await sleep(500);

    const clientStats = new StatsWindow();
    const pacer = new PresencePacer();
    const measured = await runFanoutLoop({
      warmup: p.warmup,
      measured: p.measured,
      tracker,
      gapMs: p.gapMs,
      timeoutMs: p.deliveryTimeoutMs,
      pace: () => pacer.take(),
      onMeasureStart: async () => {
        await Promise.all(servers.map((s) => s.resetStats()));
        clientStats.reset();
      },
      send: (id) => {
        tracker.sent(id);
        subject.send(LobbyClientMessage.PresenceSet, { status: STATUSES[id % STATUSES.length], text: `${TAG}${id}` });
      },
    });
    // The process whose room holds the subject handled presence.set: report it first.
    const stats = await Promise.all(servers.map((server) => server.readStats()));
    const handled = (st: ProcessStats) => Object.values(st.timings).some((t) => t.count > 0);
    const [serverStats, ...peerStats] = [...stats.filter(handled), ...stats.filter((st) => !handled(st))];
    const clients = clientStats.read();
    clientStats.stop();
    const s = tracker.summary(measured);
    const rateLimited = errors.filter((e) => e.code === ErrorCode.RateLimited).length;
    const placement = [serverStats, ...peerStats].map((st, i) => `process ${i + 1}: ${st?.context?.clients ?? "?"} clients in ${st?.context?.rooms ?? "?"} rooms`);
    const where = servers.length > 1 ? " (process 1 holds the subject)" : "";
    return {
      scenario: label,
      kind: "system",
      expectedDeliveries: s.expected,
      lost: s.lost,
      frameBytes,
      latencyMs: s.latencyMs,
      firstDeliveryMs: s.firstDeliveryMs,
      allDeliveredMs: s.allDeliveredMs,
      server: serverStats,
      ...(peerStats.length ? { peerServers: peerStats } : {}),
      clients,
      notes: [
        `${p.friends} friends joined in ${joinSeconds.toFixed(1)} s (${p.joinConcurrency} joins in flight); ${placement.join("; ")}${where}`,
        ...peerStats.map(
          (st, i) =>
            `process ${i + 2}: event-loop delay p99 ${st.eventLoopDelayMs.p99.toFixed(2)} ms, max ${st.eventLoopDelayMs.max.toFixed(1)} ms, CPU ${st.cpuPercent.toFixed(0)} %`,
        ),
        ...(errors.length ? [`${errors.length} error messages (${rateLimited} rate_limited): ${JSON.stringify(errors.slice(0, 3))}`] : []),
      ],
    };
  } finally {
    ctx.log(`${label}: stopping`);
    for (const room of rooms) room.removeAllListeners();
    await Promise.all(servers.map((server) => server.stop()));
    await db.drop();
    if (redisUrl) await flushRedis(redisUrl);
  }
}

/** Used when the lobby scenarios did not capture a frame (e.g. every delivery was lost). */
const FALLBACK_FRAME_BYTES = 160;

export const presenceFanout: Benchmark = {
  name: "presence-fanout",
  description:
    "One player with N online friends (real @colyseus/sdk clients in the lobby) changes status; latency from presence.set to each friend's presence.update, against a raw ws relay of the same frame to N clients.",
  async run(ctx: BenchContext): Promise<BenchReport> {
    const p = params(ctx.profile);
    const local = await lobbyScenario(ctx, p, { kind: "local" });
    const redis = await lobbyScenario(ctx, p, { kind: "redis", processes: 1 });
    const redis2 = await lobbyScenario(ctx, p, { kind: "redis", processes: 2 });
    const frameBytes = local.frameBytes || redis.frameBytes || FALLBACK_FRAME_BYTES;
    const baseline = { recipients: p.friends, warmup: p.warmup, measured: p.measured, gapMs: p.gapMs, timeoutMs: p.deliveryTimeoutMs, frameBytes };
    const rawWs = await measureRawRelay(ctx, { ...baseline, clients: "ws" });
    const rawNative = await measureRawRelay(ctx, { ...baseline, clients: "node-websocket" });
    return {
      name: this.name,
      description: this.description,
      params: {
        ...p,
        pacing: "one change at a time; each waits for the previous fan-out to complete, then for presence.set's rate limit (burst 5, then 1 per 2 s)",
        serverProcess:
          process.env.BENCH_SERVER_MODE === "in-process"
            ? "in the benchmark process (BENCH_SERVER_MODE=in-process; the 2-process scenario still uses child processes)"
            : "child process(es) (NODE_ENV=production, PostgreSQL, LOG_LEVEL=warn); every client in the benchmark process",
        twoProcessShardSize: TWO_PROCESS_SHARD_SIZE,
      },
      scenarios: [rawWs, rawNative, local, redis, redis2],
    };
  },
};
