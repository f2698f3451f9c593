import os from "node:os";
import { performance } from "node:perf_hooks";
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../shared/codes";
import type { ChatHistoryMessage, ChatMessage } from "../../shared/schemas/chat";
import { LobbyClientMessage, LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { checkChatTexts, chatIdOf, chatTextOf, SeqCheck } from "../lib/chat-texts";
import { mapLimit, sleep } from "../lib/concurrency";
import { createBenchDatabase } from "../lib/database";
import { FanoutTracker } from "../lib/fanout";
import { joinLobby, watchFrameSizes } from "../lib/lobby-clients";
import { startBenchLobby, type BenchLobby } from "../lib/lobby-server";
import { StatsWindow } from "../lib/process-stats";
import { measureRawStream } from "../lib/raw-stream";
import { benchRedisUrl, flushRedis, redisCpuSeconds } from "../lib/redis";
import type { BenchContext, BenchReport, Benchmark, Profile, ScenarioResult } from "../lib/report";
import { seedPlayers } from "../lib/seed";
import { markdownOf, textOf, type SimpleTable } from "../lib/simple-table";
import { ms, summarize, type Summary } from "../lib/stats";
import { runStream } from "../lib/stream";

/**
 * scale-out: the same lobby on 1, 2 and 3 server processes of this machine (RedisPresence +
 * RedisDriver on the bench Redis database, one shared PostgreSQL database, one JWT secret, each
 * process its own port and PUBLIC_ADDRESS), measured twice per process count:
 *
 *  (a) connected clients: N @colyseus/sdk clients join the lobby, matchmaking requests spread
 *      round-robin over the processes (the matchmaker creates each new shard on the process with
 *      the fewest rooms, so N / shardSize shards end up evenly spread); join time, RSS and
 *      event-loop delay per process.
 *  (b) chat throughput: all N in `public:general`, senders spread evenly over the processes, an
 *      open-loop stream at each offered rate; delivered/s, per-delivery latency (split into
 *      deliveries on the sender's own process and on another one), seq gaps/repeats, CPU per
 *      process and Redis CPU.
 *
 * The raw `ws` relay baseline (bench/lib/raw-stream.ts) runs at the same N and rates in the same run.
 */

interface Params {
  clients: number;
  processCounts: number[];
  rates: number[];
  senders: number;
  warmupSeconds: number;
  measureSeconds: number;
  shardSize: number;
  joinConcurrency: number;
  drainTimeoutMs: number;
  channelId: string;
  baseline: boolean;
}

function params(profile: Profile): Params {
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const list = (name: string, fallback: string) =>
    (process.env[name] ?? fallback)
      .split(",")
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isFinite(n) && n > 0);
  const processCounts = list("BENCH_SCALE_PROCESSES", "1,2,3");
  if (processCounts.length === 0) throw new Error("BENCH_SCALE_PROCESSES: expected a list such as 1,2,3");
  return {
    clients: env("BENCH_SCALE_CLIENTS", 600),
    processCounts,
    rates: list("BENCH_SCALE_RATES", "20,60"),
    senders: env("BENCH_SCALE_SENDERS", 120),
    warmupSeconds: env("BENCH_SCALE_WARMUP_SECONDS", 5),
    measureSeconds: env("BENCH_SCALE_SECONDS", profile === "long" ? 60 : 20),
    shardSize: env("BENCH_SCALE_SHARD_SIZE", 100),
    joinConcurrency: 25,
    drainTimeoutMs: 15_000,
    channelId: "public:general",
    baseline: process.env.BENCH_SCALE_BASELINE !== "0",
  };
}

/** The server's default flood control (CHAT_FLOOD_PER_SECOND 1): the benchmark stays under it. */
const SERVER_FLOOD_PER_SECOND = 1;
/** Used if no lobby frame was captured before the baselines run. */
const FALLBACK_FRAME_BYTES = 245;

interface ProcessJoin {
  process: number;
  clients: number;
  rooms: number;
  rssMbIdle: number;
  rssMbJoined: number;
  /** (joined - idle) / clients on this process: the memory cost of one connected player. */
  rssKbPerClient: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  cpuPercent: number;
}

export interface ConnectedResult {
  processes: number;
  clients: number;
  /** Shards created one at a time (one client each) before the rest join, and how long that took (includes 1.2 s pauses). */
  shards: number;
  layoutSeconds: number;
  /** The other clients - shards joining, joinConcurrency in flight. */
  joinSeconds: number;
  /** Each of those clients' joinLobby (matchmaking request + WebSocket + welcome), with joinConcurrency in flight. */
  perClientJoinMs: Summary;
  chatJoinSeconds: number;
  perProcess: ProcessJoin[];
  totalRssMbIdle: number;
  totalRssMbJoined: number;
  /** Benchmark (client) process over the join window. */
  clientsCpuPercent: number;
}

interface ProcessChat {
  process: number;
  clients: number;
  senders: number;
  cpuPercent: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  chatSend?: Summary;
  gapFills: number;
}

export interface ChatResult {
  processes: number;
  ratePerSecond: number;
  scenario: string;
  deliveredPerSecond: number;
  offeredPerSecond: number;
  lost: number;
  expectedDeliveries: number;
  latencyMs: Summary;
  /** Deliveries to members on the sender's own process (no Redis hop needed for the fan-out). */
  sameProcessMs: Summary;
  /** Deliveries to members on another process (the message crossed Redis pub/sub). */
  crossProcessMs: Summary;
  gaps: number;
  repeats: number;
  errors: number;
  perProcess: ProcessChat[];
  totalServerCpuPercent: number;
  redisCpuPercent: number;
  clientsCpuPercent: number;
  sendLagP99Ms: number;
}

export interface ScaleOutReport extends BenchReport {
  connected: ConnectedResult[];
  chat: ChatResult[];
}

const labelOf = (processes: number, rate: number) => `lobby, RedisPresence, ${processes} process${processes > 1 ? "es" : ""}, ${rate} msg/s`;
const portOf = (room: Room): number => Number(new URL(room.connection.url ?? "ws://x:0").port);

async function lobbyRun(
  ctx: BenchContext,
  p: Params,
  processes: number,
  onFrameBytes: (bytes: number) => void,
): Promise<{ connected: ConnectedResult; chat: ChatResult[]; scenarios: ScenarioResult[] }> {
  const tag = `${processes} process${processes > 1 ? "es" : ""}`;
  ctx.log(`${tag}: preparing database and Redis`);
  const db = await createBenchDatabase();
  const redisUrl = await benchRedisUrl();
  const servers: BenchLobby[] = [];
  const rooms: Room[] = [];
  try {
    // One PostgreSQL database, one Redis, one JWT secret, as behind a load balancer; each process
    // its own port and PUBLIC_ADDRESS (startBenchLobby sets it with REDIS_URL).
    const env = { LOBBY_SHARD_SIZE: String(p.shardSize) };
    for (let i = 0; i < processes; i++) {
      const secret = servers[0]?.config.jwt.secret;
      servers.push(await startBenchLobby({ databaseUrl: db.url, redisUrl, env: secret ? { ...env, JWT_SECRET: secret } : env, mode: "child" }));
    }
    const processOfPort = new Map(servers.map((s, i) => [s.port, i]));
    const home = servers[0]!;
    const totalMessages = p.rates.reduce((n, rate) => n + Math.ceil((p.warmupSeconds + p.measureSeconds) * rate) + 1, 0);
    checkChatTexts(home.config, totalMessages);
    const { players, password } = await seedPlayers(db.url, home.config, p.clients, "s");
    const login = await fetch(`${home.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: players[0]!.username, password }),
    });
    if (login.status !== 200) throw new Error(`seeded player cannot log in: HTTP ${login.status} ${await login.text()}`);

    // ---- (a) connected clients ----
    await sleep(1000);
    const idle = await Promise.all(servers.map((s) => s.readStats()));

    const errors: WsErrorMessage[] = [];
    const checks = players.map(() => new SeqCheck());
    /** Receiver index -> process index (known once joined). */
    const receiverProcess = new Int8Array(p.clients).fill(-1);
    /** The stream being measured: its tracker and per-delivery split are keyed by stream id (text id - offset). */
    let current: { offset: number; tracker: FanoutTracker; sentAt: Map<number, number>; senderProcess: Map<number, number>; same: number[]; cross: number[] } | undefined;
    let unparsed = 0;
    let frameBytes = 0;
    let lastFrame = 0;
    const ignore = () => undefined;
    const joinTimes: number[] = [];

    ctx.log(`${tag}: ${p.clients} players joining the lobby (matchmaking round-robin over ${processes})`);
    // The first client of each shard creates it, one at a time (the matchmaker puts each new room
    // on the process with the fewest rooms), so the shards are laid out evenly and reproducibly;
    // the rest then join or create with joinConcurrency in flight and fill the seats.
    const shards = Math.ceil(p.clients / p.shardSize);
    const joinOne = async (player: (typeof players)[number], index: number, how: { roomId: string } | "joinOrCreate") => {
      const started = performance.now();
      const room = await joinLobby(servers[index % servers.length]!.url, player.accessToken, (r) => {
        if (index === 1) watchFrameSizes(r, (bytes) => (lastFrame = bytes));
        const check = checks[index]!;
        r.onMessage(LobbyServerMessage.ChatMessage, (m: ChatMessage) => {
          const id = chatIdOf(m.text);
          if (Number.isInteger(id)) {
            const run = current;
            if (run) {
              const streamId = id - run.offset;
              run.tracker.arrived(streamId);
              const sentAt = run.sentAt.get(streamId);
              if (sentAt !== undefined) {
                const latency = performance.now() - sentAt;
                (run.senderProcess.get(streamId) === receiverProcess[index] ? run.same : run.cross).push(latency);
              }
            }
          } else unparsed++;
          check.see(m.seq);
          if (index === 1) frameBytes = lastFrame;
        });
        r.onMessage(LobbyServerMessage.ChatHistory, ignore);
        r.onMessage(LobbyServerMessage.ChatUnread, ignore);
        r.onMessage(LobbyServerMessage.ChatDeleted, ignore);
        r.onMessage(LobbyServerMessage.ChatMuted, (m: unknown) => errors.push({ code: "muted", message: JSON.stringify(m) }));
        r.onMessage(LobbyServerMessage.PresenceUpdate, ignore);
        r.onMessage(LobbyServerMessage.FriendsUpdate, ignore);
        r.onMessage(LobbyServerMessage.Notification, ignore);
        r.onMessage(LobbyServerMessage.PartySnapshot, ignore);
        r.onMessage(LobbyServerMessage.Error, (m: WsErrorMessage) => errors.push(m));
      }, 30_000, how);
      joinTimes.push(performance.now() - started);
      return room;
    };
    const layoutStart = performance.now();
    const creators: Room[] = [];
    for (let index = 0; index < Math.min(shards, players.length); index++) {
      // Colyseus persists each process's room count at most once a second: wait so the next
      // create sees this one. Clients may not create rooms (POST /matchmake/create is refused):
      // the home process's matchmaker opens each shard, its first client joins it by id.
      if (index > 0) await sleep(1200);
      creators.push(await joinOne(players[index]!, index, { roomId: await home.createLobby() }));
    }
    const layoutSeconds = (performance.now() - layoutStart) / 1000;
    joinTimes.length = 0;
    await Promise.all(servers.map((s) => s.resetStats()));
    const clientJoinStats = new StatsWindow();
    const joinStart = performance.now();
    const rest = await mapLimit(players.slice(creators.length), p.joinConcurrency, (player, i) => joinOne(player, creators.length + i, "joinOrCreate"));
    const joined = [...creators, ...rest];
    rooms.push(...joined);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const joinStats = await Promise.all(servers.map((s) => s.readStats()));
    const clientJoin = clientJoinStats.read();
    clientJoinStats.stop();
    joined.forEach((room, i) => {
      const proc = processOfPort.get(portOf(room));
      if (proc === undefined) throw new Error(`client ${i} connected to an unknown port ${portOf(room)}`);
      receiverProcess[i] = proc;
    });

    ctx.log(`${tag}: ${creators.length} shards laid out in ${layoutSeconds.toFixed(1)} s, ${rest.length} more joined in ${joinSeconds.toFixed(1)} s; ${p.clients} chat.join ${p.channelId}`);
    const chatJoinStart = performance.now();
    await mapLimit(joined, p.joinConcurrency, async (room, index) => {
      const history = (await room.request(LobbyClientMessage.ChatJoin, { channelId: p.channelId })) as ChatHistoryMessage | undefined;
      if (!history || typeof history.lastSeq !== "number") throw new Error(`chat.join refused: ${JSON.stringify(errors.slice(-3))}`);
      checks[index]!.start(history.lastSeq);
    });
    const chatJoinSeconds = (performance.now() - chatJoinStart) / 1000;
    await sleep(500);

    const byProcess = servers.map((_, proc) => joined.map((room, i) => ({ room, i })).filter(({ i }) => receiverProcess[i] === proc));
    const perProcessJoin: ProcessJoin[] = servers.map((_, proc) => {
      const clients = byProcess[proc]!.length;
      const rssMbIdle = idle[proc]!.rssMb;
      const rssMbJoined = joinStats[proc]!.rssMb;
      return {
        process: proc + 1,
        clients,
        rooms: joinStats[proc]!.context?.rooms ?? Number.NaN,
        rssMbIdle,
        rssMbJoined,
        rssKbPerClient: clients > 0 ? ((rssMbJoined - rssMbIdle) * 1024) / clients : Number.NaN,
        eventLoopP99Ms: joinStats[proc]!.eventLoopDelayMs.p99,
        eventLoopMaxMs: joinStats[proc]!.eventLoopDelayMs.max,
        cpuPercent: joinStats[proc]!.cpuPercent,
      };
    });
    const connected: ConnectedResult = {
      processes,
      clients: p.clients,
      shards,
      layoutSeconds,
      joinSeconds,
      perClientJoinMs: summarize(joinTimes),
      chatJoinSeconds,
      perProcess: perProcessJoin,
      totalRssMbIdle: perProcessJoin.reduce((n, x) => n + x.rssMbIdle, 0),
      totalRssMbJoined: perProcessJoin.reduce((n, x) => n + x.rssMbJoined, 0),
      clientsCpuPercent: clientJoin.cpuPercent,
    };
    ctx.log(`${tag}: placement ${perProcessJoin.map((x) => `${x.clients} clients / ${x.rooms} rooms`).join(", ")}`);

    // ---- (b) chat throughput ----
    // Senders spread evenly over the processes (round-robin), and within a process over its clients.
    const senderCount = Math.min(p.senders, p.clients);
    const senders: Array<{ room: Room; process: number }> = [];
    const cursor = servers.map(() => 0);
    for (let k = 0; senders.length < senderCount && k < senderCount * processes * 2; k++) {
      const proc = k % processes;
      const group = byProcess[proc]!;
      if (group.length === 0) continue;
      const perProc = Math.ceil(senderCount / processes);
      const stride = Math.max(1, Math.floor(group.length / perProc));
      const pick = group[(cursor[proc]! * stride) % group.length]!;
      cursor[proc]!++;
      senders.push({ room: pick.room, process: proc });
    }

    const chat: ChatResult[] = [];
    const scenarios: ScenarioResult[] = [];
    let nextId = 0;
    for (const rate of p.rates) {
      const label = labelOf(processes, rate);
      const tracker = new FanoutTracker(p.clients);
      const offset = nextId;
      const run = { offset, tracker, sentAt: new Map<number, number>(), senderProcess: new Map<number, number>(), same: [] as number[], cross: [] as number[] };
      const errorsBefore = errors.length;
      let measuring = false;
      const gapsBefore = checks.reduce((n, c) => n + c.gaps, 0);
      const repeatsBefore = checks.reduce((n, c) => n + c.repeats, 0);
      const warmup = Math.round(p.warmupSeconds * rate);
      nextId += warmup + Math.round(p.measureSeconds * rate);
      ctx.log(`${label}: ${senders.length} senders (${(rate / senders.length).toFixed(2)} msg/s each), ${p.warmupSeconds} s warm-up + ${p.measureSeconds} s`);
      // The tracker and the stream count from 0; the texts carry offset + i so that every text of the run is distinct.
      current = run;
      const clientStats = new StatsWindow();
      let redisCpuStart = 0;
      let redisTimeStart = 0;
      const stream = await runStream({
        ratePerSecond: rate,
        warmupSeconds: p.warmupSeconds,
        measureSeconds: p.measureSeconds,
        drainTimeoutMs: p.drainTimeoutMs,
        tracker,
        onMeasureStart: async () => {
          await Promise.all(servers.map((s) => s.resetStats()));
          clientStats.reset();
          redisCpuStart = await redisCpuSeconds(redisUrl);
          redisTimeStart = performance.now();
          measuring = true;
        },
        send: (i) => {
          const sender = senders[i % senders.length]!;
          tracker.sent(i);
          if (measuring) {
            run.sentAt.set(i, performance.now());
            run.senderProcess.set(i, sender.process);
          }
          sender.room.send(LobbyClientMessage.ChatSend, { channelId: p.channelId, text: chatTextOf(offset + i) });
        },
      });
      const redisCpuPercent = ((await redisCpuSeconds(redisUrl)) - redisCpuStart) / ((performance.now() - redisTimeStart) / 1000) * 100;
      const stats = await Promise.all(servers.map((s) => s.readStats()));
      const clients = clientStats.read();
      clientStats.stop();
      current = undefined;
      const s = tracker.summary(stream.measured);
      const span = tracker.span(stream.measured);
      const gaps = checks.reduce((n, c) => n + c.gaps, 0) - gapsBefore;
      const repeats = checks.reduce((n, c) => n + c.repeats, 0) - repeatsBefore;
      const newErrors = errors.slice(errorsBefore);
      const rateLimited = newErrors.filter((e) => e.code === ErrorCode.ChatRateLimited || e.code === ErrorCode.RateLimited).length;
      const perProcess: ProcessChat[] = stats.map((st, proc) => ({
        process: proc + 1,
        clients: byProcess[proc]!.length,
        senders: senders.filter((x) => x.process === proc).length,
        cpuPercent: st.cpuPercent,
        eventLoopP99Ms: st.eventLoopDelayMs.p99,
        eventLoopMaxMs: st.eventLoopDelayMs.max,
        ...(st.timings["chat.send (whole message)"] ? { chatSend: st.timings["chat.send (whole message)"] } : {}),
        gapFills: st.timings["chat.gap (cursor gap fill)"]?.count ?? 0,
      }));
      const deliveredPerSecond = span.delivered / ((span.lastArrivalAt - span.firstSentAt) / 1000);
      const result: ChatResult = {
        processes,
        ratePerSecond: rate,
        scenario: label,
        deliveredPerSecond,
        offeredPerSecond: rate * p.clients,
        lost: s.lost,
        expectedDeliveries: s.expected,
        latencyMs: s.latencyMs,
        sameProcessMs: summarize(run.same),
        crossProcessMs: summarize(run.cross),
        gaps,
        repeats,
        errors: newErrors.length,
        perProcess,
        totalServerCpuPercent: stats.reduce((n, st) => n + st.cpuPercent, 0),
        redisCpuPercent,
        clientsCpuPercent: clients.cpuPercent,
        sendLagP99Ms: stream.scheduleLagMs.p99,
      };
      chat.push(result);
      const [first, ...rest] = stats;
      scenarios.push({
        scenario: label,
        kind: "system",
        expectedDeliveries: s.expected,
        lost: s.lost,
        frameBytes,
        throughput: { offeredPerSecond: rate * p.clients, sentPerSecond: stream.sentPerSecond, deliveredPerSecond },
        latencyMs: s.latencyMs,
        firstDeliveryMs: s.firstDeliveryMs,
        allDeliveredMs: s.allDeliveredMs,
        ...(first ? { server: first } : {}),
        ...(rest.length ? { peerServers: rest } : {}),
        clients,
        notes: [
          `placement: ${perProcess.map((x) => `process ${x.process}: ${x.clients} clients, ${x.senders} senders`).join("; ")}`,
          `sent ${stream.sentPerSecond.toFixed(2)} msg/s (offered ${rate}); send lag p99 ${stream.scheduleLagMs.p99.toFixed(2)} ms, max ${stream.scheduleLagMs.max.toFixed(1)} ms${stream.drained ? "" : "; NOT every measured message was delivered within the drain timeout"}`,
          `seq check: ${gaps} gaps, ${repeats} repeats or out-of-order${unparsed ? `; ${unparsed} texts without a readable id` : ""}`,
          `same-process deliveries p50 / p99 ${ms(result.sameProcessMs.p50)} / ${ms(result.sameProcessMs.p99)} ms (${result.sameProcessMs.count}); cross-process ${ms(result.crossProcessMs.p50)} / ${ms(result.crossProcessMs.p99)} ms (${result.crossProcessMs.count})`,
          `CPU per process ${perProcess.map((x) => `${x.cpuPercent.toFixed(0)} %`).join(" / ")}; Redis ${redisCpuPercent.toFixed(0)} %; clients ${clients.cpuPercent.toFixed(0)} %`,
          ...(newErrors.length ? [`${newErrors.length} error messages (${rateLimited} rate limited): ${JSON.stringify(newErrors.slice(0, 3))}`] : []),
        ],
      });
      ctx.log(
        `${label}: delivered ${deliveredPerSecond.toFixed(0)}/s, p50 ${ms(s.latencyMs.p50)} p99 ${ms(s.latencyMs.p99)} ms, lost ${s.lost}, gaps ${gaps}, repeats ${repeats}, CPU ${perProcess.map((x) => x.cpuPercent.toFixed(0)).join("/")} %`,
      );
      await sleep(2000);
    }
    // The size of a delivered chat.message frame (captured on one member during the streams).
    if (frameBytes) onFrameBytes(frameBytes);
    return { connected, chat, scenarios };
  } finally {
    ctx.log(`${tag}: stopping`);
    for (const room of rooms) room.removeAllListeners();
    for (const room of rooms) room.connection.close();
    await Promise.all(servers.map((server) => server.stop()));
    await db.drop();
    await flushRedis(redisUrl);
  }
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "-");

function connectedTable(rows: ConnectedResult[]): SimpleTable {
  return {
    headers: ["processes", "clients per process", "join total s (after shard layout)", "join p50 / p99 ms", "chat.join s", "RSS MB per process (idle -> joined)", "RSS total MB", "KB / client", "loop p99 ms per process", "srv CPU % per process", "clients CPU %"],
    rows: rows.map((r) => [
      String(r.processes),
      r.perProcess.map((x) => `${x.clients} (${x.rooms} rooms)`).join(" / "),
      r.joinSeconds.toFixed(1),
      `${ms(r.perClientJoinMs.p50)} / ${ms(r.perClientJoinMs.p99)}`,
      r.chatJoinSeconds.toFixed(1),
      r.perProcess.map((x) => `${f0(x.rssMbIdle)} -> ${f0(x.rssMbJoined)}`).join(" / "),
      `${f0(r.totalRssMbIdle)} -> ${f0(r.totalRssMbJoined)}`,
      r.perProcess.map((x) => f0(x.rssKbPerClient)).join(" / "),
      r.perProcess.map((x) => ms(x.eventLoopP99Ms)).join(" / "),
      r.perProcess.map((x) => f0(x.cpuPercent)).join(" / "),
      f0(r.clientsCpuPercent),
    ]),
  };
}

function chatTable(chat: ChatResult[], baselines: ScenarioResult[]): SimpleTable {
  const rows = [
    ...baselines.map((b) => [
      b.scenario,
      String(b.throughput?.offeredPerSecond ?? "-"),
      f0(b.throughput?.deliveredPerSecond ?? Number.NaN),
      `${b.expectedDeliveries - b.lost}/${b.expectedDeliveries}`,
      ms(b.latencyMs.p50),
      ms(b.latencyMs.p95),
      ms(b.latencyMs.p99),
      ms(b.latencyMs.max),
      "-",
      "-",
      "-",
      f0(b.server?.cpuPercent ?? Number.NaN),
      "-",
      f0(b.clients?.cpuPercent ?? Number.NaN),
      ms(b.server?.eventLoopDelayMs.p99),
    ]),
    ...chat.map((c) => [
      c.scenario,
      String(c.offeredPerSecond),
      f0(c.deliveredPerSecond),
      `${c.expectedDeliveries - c.lost}/${c.expectedDeliveries}`,
      ms(c.latencyMs.p50),
      ms(c.latencyMs.p95),
      ms(c.latencyMs.p99),
      ms(c.latencyMs.max),
      `${ms(c.sameProcessMs.p50)} / ${ms(c.sameProcessMs.p99)}`,
      c.processes > 1 ? `${ms(c.crossProcessMs.p50)} / ${ms(c.crossProcessMs.p99)}` : "-",
      `${c.gaps} / ${c.repeats}`,
      `${c.perProcess.map((x) => f0(x.cpuPercent)).join(" / ")}${c.processes > 1 ? ` (sum ${f0(c.totalServerCpuPercent)})` : ""}`,
      f0(c.redisCpuPercent),
      f0(c.clientsCpuPercent),
      c.perProcess.map((x) => ms(x.eventLoopP99Ms)).join(" / "),
    ]),
  ];
  return {
    headers: ["scenario", "offered/s", "delivered/s", "deliveries", "p50 ms", "p95 ms", "p99 ms", "max ms", "same-proc p50 / p99", "cross-proc p50 / p99", "gaps / repeats", "srv CPU % per process", "Redis CPU %", "clients CPU %", "srv loop p99 ms"],
    rows,
  };
}

function render(report: BenchReport): string {
  const r = report as ScaleOutReport;
  const baselines = r.scenarios.filter((s) => s.kind === "baseline");
  const a = connectedTable(r.connected);
  const b = chatTable(r.chat, baselines);
  const notes = r.scenarios.flatMap((s) => (s.notes ?? []).map((n) => `  note (${s.scenario}): ${n}`));
  return [
    "Connected clients:",
    textOf(a),
    "",
    "Chat throughput:",
    textOf(b),
    "",
    ...notes,
    "",
    "Markdown:",
    "",
    markdownOf(a),
    "",
    markdownOf(b),
  ].join("\n");
}

export const scaleOut: Benchmark & { render(report: BenchReport): string } = {
  name: "scale-out",
  description:
    "The lobby on 1, 2 and 3 server processes (Redis backplane, one PostgreSQL): N clients spread over the processes (join time, RSS, event loop per process), then chat throughput in one public channel at fixed rates (delivered/s, latency same- vs cross-process, gaps, CPU per process), against the raw ws relay at the same N and rates.",
  render,
  async run(ctx: BenchContext): Promise<BenchReport> {
    const p = params(ctx.profile);
    const maxRate = Math.max(...p.rates);
    if (maxRate / Math.min(p.senders, p.clients) > SERVER_FLOOD_PER_SECOND) {
      ctx.log(`warning: ${(maxRate / p.senders).toFixed(2)} msg/s per sender exceeds the server's flood limit (${SERVER_FLOOD_PER_SECOND}/s): expect chat_rate_limited`);
    }
    const loadAt: Array<{ at: string; load1m: number }> = [];
    const noteLoad = (at: string) => loadAt.push({ at, load1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100 });
    const connected: ConnectedResult[] = [];
    const chat: ChatResult[] = [];
    const systems: ScenarioResult[] = [];
    const baselines: ScenarioResult[] = [];
    let frameBytes = 0;
    const runBaselines = async () => {
      for (const rate of p.rates) {
        noteLoad(`raw ws relay ${rate} msg/s`);
        baselines.push(
          await measureRawStream(ctx, {
            recipients: p.clients,
            ratePerSecond: rate,
            warmupSeconds: p.warmupSeconds,
            measureSeconds: p.measureSeconds,
            drainTimeoutMs: p.drainTimeoutMs,
            frameBytes: frameBytes || FALLBACK_FRAME_BYTES,
            type: LobbyServerMessage.ChatMessage,
            clients: "ws",
          }),
        );
        const last = baselines[baselines.length - 1]!;
        last.scenario = `${last.scenario}, ${rate} msg/s`;
      }
    };
    // The baselines run right after the first lobby run (whose frame size they copy).
    for (const [i, processes] of p.processCounts.entries()) {
      noteLoad(`${processes} process(es)`);
      const out = await lobbyRun(ctx, p, processes, (bytes) => (frameBytes ||= bytes));
      connected.push(out.connected);
      chat.push(...out.chat);
      systems.push(...out.scenarios);
      if (i === 0 && p.baseline) await runBaselines();
    }
    noteLoad("end");
    const report: ScaleOutReport = {
      name: this.name,
      description: this.description,
      params: {
        ...p,
        perSenderPerSecond: p.rates.map((rate) => rate / Math.min(p.senders, p.clients)),
        placement:
          "each of the clients / shardSize shards is opened server-side (matchMaker.createRoom over the benchmark's IPC: clients may not create rooms) and its first client joins it by id (one at a time, 1.2 s apart because Colyseus persists room counts at most once a second; the matchmaker puts each new room on the process with the fewest), then the rest joinOrCreate with matchmaking requests round-robin over the processes; each client's process is read from its WebSocket URL (the seat reservation's PUBLIC_ADDRESS)",
        servers: "child processes (NODE_ENV=production, REDIS_URL on the bench Redis DB, one shared PostgreSQL database, one JWT secret, LOG_LEVEL=warn); every client in the benchmark process",
        pacing: "open loop: message i is sent at start + i / rate whatever the deliveries; latency from the actual send",
        loadAverage: loadAt,
      },
      scenarios: [...baselines, ...systems],
      connected,
      chat,
    };
    return report;
  },
};
