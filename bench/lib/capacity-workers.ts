import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { JoinTarget } from "./capacity-light-client";
import type { JoinBatchResult, JoinOpts, StormBatchResult, WorkerReply, WorkerRequest, WorkerStatus } from "./capacity-worker-protocol";

type Body<R> = R extends { id: number } ? Omit<R, "id"> : never;

class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private output = "";
  readonly exited: Promise<void>;

  constructor(private readonly proc: ChildProcess) {
    const keep = (chunk: Buffer) => void (this.output = (this.output + chunk.toString("utf8")).slice(-10_000));
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    proc.on("message", (m: unknown) => {
      const reply = m as WorkerReply;
      if (typeof reply.id !== "number") return;
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) p?.resolve(reply.result);
      else p?.reject(new Error(`client process: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        for (const p of this.pending.values()) p.reject(new Error(`client process exited (${code ?? signal})\n${this.output}`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  static async start(): Promise<Worker> {
    const proc = fork(path.join(__dirname, "capacity-client-entry.ts"), [], {
      execArgv: ["--import", "tsx"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const worker = new Worker(proc);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client process not ready within 60 s\n${worker.output}`)), 60_000);
      proc.on("message", (m: unknown) => {
        if ((m as { type?: string }).type === "ready") {
          clearTimeout(timer);
          resolve();
        }
      });
      void worker.exited.then(() => reject(new Error(`client process exited before it was ready\n${worker.output}`)));
    });
    return worker;
  }

  request<T>(body: Body<WorkerRequest>): Promise<T> {
    return new Promise((resolve, reject) => {
      if (!this.proc.connected) return reject(new Error(`client process is not running\n${this.output}`));
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...body, id } as WorkerRequest);
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await Promise.race([this.request({ op: "stop" }).catch(() => undefined), this.exited]);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }
}

/** Splits `total` over `n` parts as evenly as possible (the first ones get the remainder). */
const share = (total: number, n: number, i: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
/** Local indexes of worker w (of k) for global account indexes in [a, b): global g = local * k + w. */
const localRange = (a: number, b: number, k: number, w: number): [number, number] => [Math.ceil((a - w) / k), Math.ceil((b - w) / k)];

function merge(results: JoinBatchResult[]): JoinBatchResult {
  const errors: Record<string, number> = {};
  for (const r of results) for (const [e, n] of Object.entries(r.errors)) errors[e] = (errors[e] ?? 0) + n;
  return {
    startedAt: Math.min(...results.map((r) => r.startedAt)),
    endedAt: Math.max(...results.map((r) => r.endedAt)),
    lastWelcomeAt: Math.max(...results.map((r) => r.lastWelcomeAt)),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    refusals: results.reduce((s, r) => s + r.refusals, 0),
    failures: results.reduce((s, r) => s + r.failures, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    errors,
  };
}

/**
 * The light clients, spread over `k` processes: account g lives in process g % k. Every call
 * splits its work (and its joins in flight) over the processes and merges the answers.
 */
export class ClientPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(k: number, tokens: string[]): Promise<ClientPool> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < k; i++) workers.push(await Worker.start());
      await Promise.all(workers.map((w, i) => w.request({ op: "init", tokens: tokens.filter((_, g) => g % k === i) })));
    } catch (err) {
      for (const w of workers) w.kill();
      throw err;
    }
    return new ClientPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Accounts [a, b) join `target` (held under `label`), `inFlight` joins at a time in all. */
  async join(label: string, target: JoinTarget, a: number, b: number, inFlight: number, opts: Omit<JoinOpts, "concurrency" | "httpSockets">): Promise<JoinBatchResult> {
    const k = this.workers.length;
    const results = await Promise.all(
      this.workers.map((w, i) => {
        const [from, to] = localRange(a, b, k, i);
        const concurrency = Math.max(1, share(inFlight, k, i));
        return w.request<JoinBatchResult>({ op: "join", label, target, from, to, opts: { ...opts, concurrency, httpSockets: concurrency } });
      }),
    );
    return merge(results);
  }

  /** Accounts [0, b) with no held socket on `label` join again (closed loop, `inFlight` in all). */
  async topUp(label: string, target: JoinTarget, b: number, inFlight: number, opts: Omit<JoinOpts, "concurrency" | "httpSockets">): Promise<JoinBatchResult> {
    const k = this.workers.length;
    const results = await Promise.all(
      this.workers.map((w, i) => {
        const concurrency = Math.max(1, share(inFlight, k, i));
        return w.request<JoinBatchResult>({ op: "topUp", label, target, to: localRange(0, b, k, i)[1], opts: { ...opts, concurrency, httpSockets: concurrency } });
      }),
    );
    return merge(results);
  }

  /** The first `count` held players on `label` drop at once and all join again (each after a jitter in [0, spreadMs)). */
  async storm(label: string, target: JoinTarget, count: number, spreadMs: number, httpSockets: number, opts: Omit<JoinOpts, "concurrency" | "httpSockets">): Promise<StormBatchResult> {
    const k = this.workers.length;
    const results = await Promise.all(
      this.workers.map((w, i) =>
        w.request<StormBatchResult>({ op: "storm", label, target, count: share(count, k, i), opts: { ...opts, concurrency: 0, httpSockets: share(httpSockets, k, i) || 1, spreadMs } }),
      ),
    );
    return { ...merge(results), droppedAt: Math.max(...results.map((r) => r.droppedAt)), dropped: results.reduce((s, r) => s + r.dropped, 0) };
  }

  /** Every held socket on `label` terminated at once; resolves with the count and when the last went. */
  async drop(label: string): Promise<{ dropped: number; at: number }> {
    const results = await Promise.all(this.workers.map((w) => w.request<{ dropped: number; at: number }>({ op: "drop", label })));
    return { dropped: results.reduce((s, r) => s + r.dropped, 0), at: Math.max(...results.map((r) => r.at)) };
  }

  async status(): Promise<{ held: Record<string, number>; unexpectedCloses: number; rssMb: number }> {
    const all = await Promise.all(this.workers.map((w) => w.request<WorkerStatus>({ op: "status" })));
    const held: Record<string, number> = {};
    for (const s of all) for (const [label, n] of Object.entries(s.held)) held[label] = (held[label] ?? 0) + n;
    return { held, unexpectedCloses: all.reduce((s, x) => s + x.unexpectedCloses, 0), rssMb: all.reduce((s, x) => s + x.rssMb, 0) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop().catch(() => w.kill())));
  }

  kill(): void {
    for (const w of this.workers) w.kill();
  }
}
