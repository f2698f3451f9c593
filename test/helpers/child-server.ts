import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { testHashCostEnv } from "./hash-cost";
import { testDataDir, testSecret } from "./test-server";

const ROOT = path.resolve(__dirname, "../..");
/** tsx's CLI, run by the Node that runs Jest (Node 24 under npm scripts). Same as `npm start`. */
const TSX_CLI = require.resolve("tsx/cli");

/** A port nobody listens on right now (the OS picks it; it is free again once we close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One pino JSON line from the child's stdout (non-JSON lines are kept as `{ msg: line }`). */
export type LogEntry = Record<string, unknown> & { msg?: string };

export interface ChildServer {
  proc: ChildProcess;
  port: number;
  url: string;
  env: Record<string, string>;
  /** Every stdout line so far, parsed. */
  logs: LogEntry[];
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first log entry (past or future) that matches. */
  waitForLog(match: (entry: LogEntry) => boolean): Promise<LogEntry>;
  exited: Promise<ExitStatus>;
  /**
   * Sends `signal` (SIGTERM by default) to the process, as an orchestrator would (tsx relays it to
   * the server), and resolves with how the process ended.
   */
  stop(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** SIGKILL if still running; for afterAll/afterEach. */
  kill(): Promise<void>;
}

export interface ChildServerOptions {
  /** The script to run under tsx, relative to the repository root. */
  entry?: string;
  /** The stdout log message that says the server is ready. */
  readyMessage?: string;
}

/**
 * Starts the real server (`tsx server/main.ts`) as a child process on a free port and waits for
 * its "lobby server listening" log line. The child's environment is only what is given here plus
 * test defaults (NODE_ENV=test, HOST=127.0.0.1, LOG_LEVEL=info, a temp DATA_DIR, a random
 * JWT_SECRET, the cheap hash cost of hash-cost.ts): nothing leaks in from the Jest process. Pass
 * DATABASE_URL for PostgreSQL, or leave it out for the embedded default store.
 */
export async function startChildServer(env: Record<string, string> = {}, opts: ChildServerOptions = {}): Promise<ChildServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DATA_DIR: testDataDir(),
    JWT_SECRET: testSecret(),
    ...testHashCostEnv(env),
    ...env,
    PORT: String(port),
  };
  const proc = spawn(process.execPath, [TSX_CLI, opts.entry ?? "server/main.ts"], {
    cwd: ROOT,
    env: fullEnv,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: tsx runs the server in a grandchild, and kill() must reach both.
    detached: true,
  });

  const logs: LogEntry[] = [];
  const waiters: Array<{ match: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }> = [];
  let stderr = "";
  let partial = "";
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines.filter((l) => l.trim() !== "")) {
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      for (const w of [...waiters]) {
        if (w.match(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  });
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const exited = new Promise<ExitStatus>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const waitForLog = (match: (e: LogEntry) => boolean): Promise<LogEntry> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };

  const readyMessage = opts.readyMessage ?? "lobby server listening";
  const outcome = await Promise.race([
    waitForLog((e) => e.msg === readyMessage).then((entry) => ({ ready: entry })),
    exited.then((status) => ({ status })),
  ]);
  if ("status" in outcome) {
    throw new Error(
      `child server exited before it was ready (code ${outcome.status.code}, signal ${outcome.status.signal})\n` +
        `stderr:\n${stderr}\nstdout:\n${logs.map((l) => JSON.stringify(l)).join("\n")}`,
    );
  }

  const child: ChildServer = {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    env: fullEnv,
    logs,
    stderr: () => stderr,
    waitForLog,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        try {
          process.kill(-proc.pid, "SIGKILL");
        } catch {
          proc.kill("SIGKILL");
        }
      }
      await exited;
    },
  };
  return child;
}
