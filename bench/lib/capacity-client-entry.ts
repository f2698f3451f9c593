/**
 * Child-process entry: a capacity-benchmark client process. Holds light lobby connections
 * (bench/lib/capacity-light-client.ts) for its share of the seeded accounts, per server under
 * test, and joins, drops and rejoins them on request over IPC (bench/lib/capacity-workers.ts).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import type WebSocket from "ws";
import { joinWithRetry, type JoinOutcome, type JoinTarget } from "./capacity-light-client";
import type { JoinBatchResult, WorkerReply, WorkerRequest } from "./capacity-worker-protocol";

const epochNow = () => performance.timeOrigin + performance.now();

let tokens: string[] = [];
/** Held sockets by server label, index = the account's index in this worker's share. */
const held = new Map<string, Array<WebSocket | undefined>>();
const dropping = new WeakSet<WebSocket>();
let unexpectedCloses = 0;
const onClose = (socket: WebSocket) => {
  if (!dropping.has(socket)) unexpectedCloses++;
};

function slots(label: string): Array<WebSocket | undefined> {
  let list = held.get(label);
  if (!list) held.set(label, (list = []));
  return list;
}

function heldCount(): Record<string, number> {
  return Object.fromEntries([...held].map(([label, list]) => [label, list.filter((s) => s && s.readyState === 1).length]));
}

/** Joins accounts `indexes` on `target`, `concurrency` at a time (a closed loop), or all after a jitter. */
async function joinMany(
  label: string,
  target: JoinTarget,
  indexes: number[],
  opts: { concurrency: number; httpSockets: number; spreadMs: number; maxAttempts: number; timeoutMs: number; deadlineMs: number },
): Promise<JoinBatchResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, opts.httpSockets) });
  const list = slots(label);
  const policy = { maxAttempts: opts.maxAttempts, timeoutMs: opts.timeoutMs, deadline: performance.now() + opts.deadlineMs };
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let refusals = 0;
  let failures = 0;
  let failed = 0;
  let lastWelcomeAt = 0;
  const startedAt = epochNow();
  const record = (index: number, r: JoinOutcome) => {
    refusals += r.refusals;
    failures += r.failures;
    if (r.socket) {
      list[index] = r.socket;
      latencies.push(r.ms);
      lastWelcomeAt = Math.max(lastWelcomeAt, epochNow());
    } else {
      failed++;
      errors.set(r.error ?? "?", (errors.get(r.error ?? "?") ?? 0) + 1);
    }
  };
  const joinOne = async (index: number) => record(index, await joinWithRetry(target, tokens[index]!, agent, policy, onClose));
  if (opts.spreadMs > 0) {
    // A storm: everyone at once, each after a uniform jitter in [0, spreadMs).
    await Promise.all(indexes.map((i) => new Promise<void>((resolve) => setTimeout(() => void joinOne(i).then(resolve), Math.random() * opts.spreadMs))));
  } else {
    let next = 0;
    const loop = async () => {
      while (next < indexes.length) await joinOne(indexes[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, indexes.length) }, loop));
  }
  agent.destroy();
  return {
    startedAt,
    endedAt: epochNow(),
    lastWelcomeAt,
    latenciesMs: latencies,
    refusals,
    failures,
    failed,
    errors: Object.fromEntries([...errors].slice(0, 5)),
  };
}

/** Terminates held sockets (a network loss: no close frame; the server sees 1006). */
function drop(label: string, count: number | undefined): { dropped: number[]; at: number } {
  const list = slots(label);
  const dropped: number[] = [];
  for (let i = 0; i < list.length && (count === undefined || dropped.length < count); i++) {
    const socket = list[i];
    if (!socket) continue;
    dropping.add(socket);
    socket.terminate();
    list[i] = undefined;
    dropped.push(i);
  }
  return { dropped, at: epochNow() };
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case "init":
      tokens = req.tokens;
      return { accounts: tokens.length };
    case "join": {
      const indexes = Array.from({ length: req.to - req.from }, (_, k) => req.from + k);
      return joinMany(req.label, req.target, indexes, { ...req.opts, spreadMs: 0 });
    }
    case "storm": {
      const { dropped, at } = drop(req.label, req.count);
      const result = await joinMany(req.label, req.target, dropped, req.opts);
      return { ...result, droppedAt: at, dropped: dropped.length };
    }
    case "topUp": {
      // Accounts [0, to) of this process that hold no socket on `label` (e.g. still out after a storm).
      const list = slots(req.label);
      const indexes = Array.from({ length: req.to }, (_, i) => i).filter((i) => !list[i] || list[i]!.readyState !== 1);
      return joinMany(req.label, req.target, indexes, { ...req.opts, spreadMs: 0 });
    }
    case "drop": {
      const { dropped, at } = drop(req.label, undefined);
      return { dropped: dropped.length, at };
    }
    case "status":
      return { held: heldCount(), unexpectedCloses, rssMb: process.memoryUsage().rss / 1024 ** 2 };
    case "stop":
      for (const label of held.keys()) drop(label, undefined);
      setTimeout(() => process.exit(0), 50).unref();
      return {};
  }
}

if (!process.send) throw new Error("capacity-client-entry must be forked with an IPC channel");
process.on("message", (raw: unknown) => {
  const req = raw as WorkerRequest;
  handle(req).then(
    (result) => process.send?.({ id: req.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => process.send?.({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply),
  );
});
// The parent went away: drop everything and go.
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
