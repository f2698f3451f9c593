import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

export type BoundRequest = { id: number; op: "run"; concurrency: number; count: number } | { id: number; op: "stop" };
export interface BoundRun {
  elapsedMs: number;
  /** CPU of the whole child (every thread: the verifications themselves). */
  cpuMs: number;
  latencies: number[];
  /** Verifications that answered false (must be 0). */
  failed: number;
}
export type BoundReply = { id: number; ok: true; run?: BoundRun };

/** The argon2id verify bound in its own process, with a thread pool of `threads`. */
export interface LoginBound {
  run(concurrency: number, count: number): Promise<BoundRun>;
  stop(): Promise<void>;
}

export async function startLoginBound(threads: number, password: string): Promise<LoginBound> {
  const proc: ChildProcess = fork(path.resolve(__dirname, "login-bound-entry.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", UV_THREADPOOL_SIZE: String(threads), BENCH_LOGIN_PASSWORD: password },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.once("message", () => resolve());
    void exited.then(() => reject(new Error("the argon2 bound process exited before it was ready")));
  });
  let nextId = 1;
  const pending = new Map<number, (r: BoundReply) => void>();
  proc.on("message", (m: unknown) => {
    const reply = m as BoundReply;
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const ask = (req: { op: "run"; concurrency: number; count: number } | { op: "stop" }): Promise<BoundReply> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      proc.send({ ...req, id });
    });
  return {
    async run(concurrency, count) {
      const reply = await ask({ op: "run", concurrency, count });
      if (!reply.run) throw new Error("the argon2 bound answered no figures");
      return reply.run;
    },
    async stop() {
      if (proc.exitCode !== null) return;
      await Promise.race([ask({ op: "stop" }), exited]);
      await exited;
    },
  };
}
