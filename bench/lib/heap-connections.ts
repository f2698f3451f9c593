/**
 * What a lobby connection keeps alive, from V8 heap snapshots at two sizes.
 *
 *   tsx bench/lib/heap-connections.ts            (HEAP_N1=1000 HEAP_N2=3000, PostgreSQL, no Redis)
 *
 * Seeds HEAP_N2 accounts with sessions and tokens straight into a fresh PostgreSQL database, then
 * runs the real lobby server (bench/lib/heap-server-entry.ts) in a child process and light clients
 * that really join (bench/lib/heap-clients-entry.ts) in another:
 *   1. HEAP_ROUNDS (3) rounds, interleaved, of memory-only passes of the lobby and of the raw
 *      baseline (bench/lib/heap-raw-entry.ts: node:http + ws verifying the same JWT): RSS and heap
 *      after a full GC at N1 and at N2, a fresh server each time; medians of the slopes are
 *      reported (a snapshot leaves C++ memory behind that would inflate the second RSS reading,
 *      so none is taken in these passes);
 *   2. a fresh lobby server, then a fresh raw server: a heap snapshot after a full GC at N1 and
 *      at N2 each.
 * Each pair of snapshots is summarized (count, self, owned and retained bytes per group:
 * constructor, closure with its source line, plain-object shape) and the difference divided by
 * N2 - N1 is printed, the lobby's with the raw baseline's owned bytes of the same group beside it
 * (what the raw server has too is the transport's, not the lobby's).
 * HEAP_OUT=<dir> keeps the snapshots and writes heap-connections.json there (default: a temp dir,
 * snapshots deleted). HEAP_TOP (40): rows shown. HEAP_REDIS_URL: run with the Redis backplane.
 * HEAP_SNAPSHOTS=0: memory passes only. MALLOC_ARENA_MAX, if set, is passed to the servers (glibc:
 * how much of the RSS slope is allocator arenas rather than live objects).
 */
import { fork, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/config";
import { createBenchDatabase } from "./database";
import { diffSummaries, summarizeHeapSnapshot, type GroupDelta } from "./heap-snapshot";
import type { HeapMemory } from "./heap-protocol";
import { freePort } from "./lobby-server";
import { seedPlayers } from "./seed";

const N1 = Number(process.env.HEAP_N1 ?? 1000);
const N2 = Number(process.env.HEAP_N2 ?? 3000);
const TOP = Number(process.env.HEAP_TOP ?? 40);
const ROUNDS = Number(process.env.HEAP_ROUNDS ?? 3);

interface Child {
  proc: ChildProcess;
  ready: Record<string, unknown>;
  request<T>(message: Record<string, unknown>): Promise<T>;
}

async function start(entry: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const proc = fork(path.join(__dirname, entry), [], {
    execArgv: ["--import", "tsx", ...execArgv],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (m: unknown) => void>();
  let nextId = 1;
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${entry} exited (${code}) before it was ready`)));
    proc.on("message", (m: unknown) => {
      const msg = m as { type?: string; id?: number };
      if (msg.type === "ready") resolve(msg as Record<string, unknown>);
      else if (typeof msg.id === "number") waiting.get(msg.id)?.(msg);
    });
  });
  return {
    proc,
    ready,
    request: <T>(message: Record<string, unknown>) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve as (m: unknown) => void);
        proc.send({ id, ...message });
      }),
  };
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode !== null) return;
  const exited = new Promise((r) => child.proc.once("exit", r));
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), 15_000);
  child.proc.send({ id: 0, op: child.ready.port ? "stop" : "close" });
  await exited;
  clearTimeout(timer);
}

interface Pass {
  at: HeapMemory[];
}

async function runPass(env: Record<string, string>, tokens: string[], snapshotDir?: string, raw = false): Promise<Pass> {
  const server = await start(raw ? "heap-raw-entry.ts" : "heap-server-entry.ts", env, ["--max-old-space-size=4096"]);
  const clients = await start("heap-clients-entry.ts", {});
  const at: HeapMemory[] = [];
  try {
    let joinedSoFar = 0;
    for (const n of [N1, N2]) {
      const r = await clients.request<{ joined: number; failed: number; errors: string[] }>({ op: "join", port: server.ready.port, tokens: tokens.slice(joinedSoFar, n), raw });
      joinedSoFar = n;
      if (r.failed > 0) throw new Error(`${r.failed} joins failed: ${r.errors.join("; ")}`);
      // Let the joins' last promises settle (presence fan-out, chat start) before measuring.
      await new Promise((res) => setTimeout(res, 2_000));
      const snapshot = snapshotDir ? path.join(snapshotDir, `${raw ? "raw" : "lobby"}-${n}.heapsnapshot`) : undefined;
      const m = await server.request<HeapMemory>({ op: "memory", ...(snapshot ? { snapshot } : {}) });
      if (m.count !== n) throw new Error(`server holds ${m.count} connections, expected ${n}`);
      at.push(m);
      console.log(`  ${n} connections: rss ${(m.rss / 2 ** 20).toFixed(1)} MB, heapUsed ${(m.heapUsed / 2 ** 20).toFixed(1)} MB${snapshot ? ", snapshot written" : ""}`);
    }
  } finally {
    await stop(clients);
    await stop(server);
  }
  return { at };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(2);
const slope1 = (p: Pass, key: keyof HeapMemory) => ((p.at[1]![key] as number) - (p.at[0]![key] as number)) / (N2 - N1);
/** Median over the rounds of the per-connection slope of `key`. */
const slope = (passes: Pass[], key: keyof HeapMemory) => {
  const values = passes.map((p) => slope1(p, key)).sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
};
const range = (passes: Pass[], key: keyof HeapMemory) => passes.map((p) => kb(slope1(p, key))).join(", ");

function table(rows: GroupDelta[], raw: Map<string, GroupDelta> | undefined): string {
  const rawHead = raw ? " raw: count/conn | raw: owned B/conn |" : "";
  const lines = [`| group | count/conn | owned B/conn | self B/conn | retained B/conn |${rawHead}`, `|---|---:|---:|---:|---:|${raw ? "---:|---:|" : ""}`];
  for (const r of rows) {
    const b = raw?.get(r.group);
    const rawCells = raw ? ` ${(b?.countPer ?? 0).toFixed(2)} | ${(b?.ownedPer ?? 0).toFixed(0)} |` : "";
    lines.push(`| \`${r.group.replace(/\|/g, "/").slice(0, 90)}\` | ${r.countPer.toFixed(2)} | ${r.ownedPer.toFixed(0)} | ${r.selfPer.toFixed(0)} | ${r.retainedPer.toFixed(0)} |${rawCells}`);
  }
  return lines.join("\n");
}

/** Summarizes and diffs the two snapshots in `dir`; writes heap-connections.json there; returns the markdown. */
function analyze(dir: string, memory: Pass[] | undefined, snaps: Pass | undefined, raw?: Pass[]): string {
  const a = summarizeHeapSnapshot(path.join(dir, `lobby-${N1}.heapsnapshot`));
  const b = summarizeHeapSnapshot(path.join(dir, `lobby-${N2}.heapsnapshot`));
  const deltas = diffSummaries(a, b, N2 - N1);
  const totalPer = (b.totalSelf - a.totalSelf) / (N2 - N1);
  const rawFiles = [N1, N2].map((n) => path.join(dir, `raw-${n}.heapsnapshot`));
  let rawDeltas: Map<string, GroupDelta> | undefined;
  let rawTotalPer = 0;
  if (rawFiles.every((f) => fs.existsSync(f))) {
    const [ra, rb] = rawFiles.map(summarizeHeapSnapshot) as [ReturnType<typeof summarizeHeapSnapshot>, ReturnType<typeof summarizeHeapSnapshot>];
    rawDeltas = new Map(diffSummaries(ra, rb, N2 - N1).map((d) => [d.group, d]));
    rawTotalPer = (rb.totalSelf - ra.totalSelf) / (N2 - N1);
  }
  fs.writeFileSync(path.join(dir, "heap-connections.json"), JSON.stringify({ n1: N1, n2: N2, memory: memory?.map((p) => p.at), raw: raw?.map((p) => p.at), snapshots: snaps?.at, totalPer, deltas, rawTotalPer, rawDeltas: rawDeltas ? [...rawDeltas.values()] : undefined }, null, 1));
  return [
    `## Per connection, ${N1} -> ${N2} connections${process.env.HEAP_REDIS_URL ? " (Redis)" : ""}`,
    "",
    ...(memory && snaps
      ? [
          `- RSS after GC: ${kb(slope(memory, "rss"))} KB per connection (median of ${memory.length} memory passes: ${range(memory, "rss")}); ${kb(slope1(snaps, "rss"))} KB in the snapshot pass`,
          `- heapUsed after GC: ${kb(slope(memory, "heapUsed"))} KB (heapTotal ${kb(slope(memory, "heapTotal"))} KB); external ${kb(slope(memory, "external"))} KB (arrayBuffers ${kb(slope(memory, "arrayBuffers"))} KB)`,
        ]
      : []),
    ...(memory && raw
      ? [
          `- raw ws baseline, same run: RSS ${kb(slope(raw, "rss"))} KB (${range(raw, "rss")}), heapUsed ${kb(slope(raw, "heapUsed"))} KB (heapTotal ${kb(slope(raw, "heapTotal"))} KB) per connection`,
          `- lobby / raw: RSS ${(slope(memory, "rss") / slope(raw, "rss")).toFixed(2)}x, heapUsed ${(slope(memory, "heapUsed") / slope(raw, "heapUsed")).toFixed(2)}x`,
        ]
      : []),
    `- snapshot: ${kb(totalPer)} KB of heap objects per connection (${((b.nodes - a.nodes) / (N2 - N1)).toFixed(1)} objects)${rawDeltas ? `; raw baseline ${kb(rawTotalPer)} KB` : ""}`,
    "",
    table(deltas.slice(0, TOP), rawDeltas),
  ].join("\n");
}

async function main(): Promise<void> {
  const outDir = process.env.HEAP_OUT ? path.resolve(process.env.HEAP_OUT) : fs.mkdtempSync(path.join(os.tmpdir(), "heap-connections-"));
  fs.mkdirSync(outDir, { recursive: true });
  if (process.env.HEAP_ANALYZE) return void console.log(analyze(outDir, undefined, undefined));
  const db = await createBenchDatabase();
  try {
    const port = await freePort();
    const env: Record<string, string> = {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "lobby-heap-")),
      DATABASE_URL: db.url,
      MIGRATE_ON_START: "false",
      JWT_SECRET: crypto.randomBytes(48).toString("base64url"),
      LOG_LEVEL: "warn",
      ...(process.env.HEAP_REDIS_URL ? { REDIS_URL: process.env.HEAP_REDIS_URL, PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}),
    };
    const { players } = await seedPlayers(db.url, loadConfig(env), N2, "h");
    const tokens = players.map((p) => p.accessToken);
    const memory: Pass[] = [];
    const raw: Pass[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round}: lobby memory pass (${N1} -> ${N2} connections, no snapshot)`);
      memory.push(await runPass(env, tokens));
      console.log(`round ${round}: raw ws baseline (memory only)`);
      raw.push(await runPass(env, tokens, undefined, true));
    }
    if (process.env.HEAP_SNAPSHOTS === "0") {
      const line = (name: string, p: Pass[]) => `${name}: RSS ${kb(slope(p, "rss"))} KB (${range(p, "rss")}), heapUsed ${kb(slope(p, "heapUsed"))} KB, heapTotal ${kb(slope(p, "heapTotal"))} KB`;
      return void console.log(`\n${line("lobby", memory)}\n${line("raw", raw)}\n`);
    }
    console.log(`snapshot pass (fresh server)`);
    const snaps = await runPass(env, tokens, outDir);
    console.log(`raw baseline snapshot pass`);
    await runPass(env, tokens, outDir, true);
    const report = analyze(outDir, memory, snaps, raw);
    console.log(`\n${report}\n`);
    fs.writeFileSync(path.join(outDir, "heap-connections.md"), report + "\n");
    if (!process.env.HEAP_OUT) for (const f of fs.readdirSync(outDir)) if (f.endsWith(".heapsnapshot")) fs.rmSync(path.join(outDir, f));
    console.log(`written to ${outDir}`);
  } finally {
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
