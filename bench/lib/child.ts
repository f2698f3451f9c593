import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { ChildReady, ChildReply, ChildRequest } from "./child-protocol";
import type { ProcessStats } from "./process-stats";

/** A benchmark process (a lobby server or a raw relay) driven over IPC. */
export interface BenchChild {
  readonly port: number;
  readonly pid: number;
  readonly info: Record<string, unknown>;
  resetStats(): Promise<void>;
  readStats(): Promise<ProcessStats>;
  /** A new lobby instance, opened by the child's matchmaker (on the process with the fewest rooms); its room id. */
  createLobby(): Promise<string>;
  /** Asks the child to close cleanly; kills it if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Forks `entry` (a TypeScript file under bench/, run through tsx's loader in the same Node) with
 * only the given environment plus PATH/HOME, and waits for its `ready` message.
 */
export async function forkBenchChild(entry: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<BenchChild> {
  const proc: ChildProcess = fork(path.resolve(__dirname, "..", entry), [], {
    execArgv: ["--import", "tsx"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(process.env.BENCH_CPU_PROF ? { BENCH_CPU_PROF: path.resolve(process.env.BENCH_CPU_PROF) } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  // BENCH_CHILD_LOG_DIR=<dir>: every child's stdout and stderr also go to <dir>/<entry>-<pid>.log.
  const logDir = process.env.BENCH_CHILD_LOG_DIR;
  let logFile: fs.WriteStream | undefined;
  if (logDir) {
    fs.mkdirSync(logDir, { recursive: true });
    logFile = fs.createWriteStream(path.join(logDir, `${path.basename(entry, ".ts")}-${proc.pid ?? "x"}.log`));
    proc.once("exit", () => logFile?.end());
  }
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
    logFile?.write(chunk);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));

  const ready = await new Promise<ChildReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} was not ready within ${readyTimeoutMs} ms\n${output}`)), readyTimeoutMs);
    proc.on("message", (m: unknown) => {
      if ((m as ChildReady).type === "ready") {
        clearTimeout(timer);
        resolve(m as ChildReady);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (code ${code}) before it was ready\n${output}`));
    });
  });

  let nextId = 1;
  const pending = new Map<number, (reply: ChildReply) => void>();
  proc.on("message", (m: unknown) => {
    const reply = m as ChildReply;
    if (typeof reply.id !== "number") return;
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const request = (op: ChildRequest["op"]): Promise<ChildReply> =>
    new Promise((resolve, reject) => {
      if (!proc.connected) return reject(new Error(`${entry} is not running\n${output}`));
      const id = nextId++;
      pending.set(id, resolve);
      proc.send({ id, op } satisfies ChildRequest);
    });
  const checked = async (op: ChildRequest["op"]) => {
    const reply = await request(op);
    if (!reply.ok) throw new Error(`${entry}: ${op} failed: ${reply.error}`);
    return reply;
  };

  return {
    port: ready.port,
    pid: proc.pid ?? -1,
    info: ready.info ?? {},
    resetStats: async () => void (await checked("reset")),
    readStats: async () => {
      const reply = await checked("read");
      if (!reply.stats) throw new Error(`${entry}: no stats in reply`);
      return reply.stats;
    },
    createLobby: async () => {
      const reply = await checked("createLobby");
      if (!reply.roomId) throw new Error(`${entry}: no roomId in reply`);
      return reply.roomId;
    },
    async stop(timeoutMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
      await Promise.race([checked("stop").catch(() => undefined), exited]);
      await exited;
      clearTimeout(timer);
    },
  };
}
