import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { isProcessAlive } from "../../server/db/data-dir-lock";
import { freePort, type ExitStatus, type LogEntry } from "../helpers/child-server";
import { testDataDir, testSecret } from "../helpers/test-server";

/**
 * `npm start` / `npm run dev` as an operator or a process manager runs them: the signal goes to
 * the npm process only (not its process group), and must reach the server, which drains, releases
 * the port and the data directory, and exits before npm does.
 */
const ROOT = path.resolve(__dirname, "../..");

interface NpmRun {
  npm: ChildProcess;
  port: number;
  dataDir: string;
  logs: LogEntry[];
  exited: Promise<ExitStatus>;
  waitForLog(match: (e: LogEntry) => boolean): Promise<LogEntry>;
}

const runs: NpmRun[] = [];
afterEach(() => {
  // Whatever a failed test left behind: npm's process group (the server with it, orphaned or not).
  for (const run of runs.splice(0)) {
    const serverPid = run.logs.find((e) => typeof e.pid === "number")?.pid as number | undefined;
    for (const pid of [-run.npm.pid!, serverPid]) {
      try {
        if (pid !== undefined) process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

async function npmRun(script: "start" | "dev"): Promise<NpmRun> {
  const port = await freePort();
  const dataDir = testDataDir();
  const npm = spawn("npm", ["run", script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      DATA_DIR: dataDir,
      JWT_SECRET: testSecret(),
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so afterEach can reach an orphaned server; signals go to npm alone.
    detached: true,
  });
  const logs: LogEntry[] = [];
  const waiters: Array<{ match: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }> = [];
  let partial = "";
  npm.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    // npm's own banner ("> lobby-backend@0.1.0 start") is not JSON.
    for (const line of lines.filter((l) => l.startsWith("{"))) {
      const entry = JSON.parse(line) as LogEntry;
      logs.push(entry);
      for (const w of waiters.filter((w) => w.match(entry))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entry);
      }
    }
  });
  npm.stderr!.resume();
  const exited = new Promise<ExitStatus>((resolve) => npm.once("exit", (code, signal) => resolve({ code, signal })));
  const waitForLog = (match: (e: LogEntry) => boolean): Promise<LogEntry> =>
    logs.find(match) ? Promise.resolve(logs.find(match)!) : new Promise((resolve) => waiters.push({ match, resolve }));
  const run = { npm, port, dataDir, logs, exited, waitForLog };
  runs.push(run);
  return run;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe.each(["start", "dev"] as const)("npm run %s", (script) => {
  test("SIGTERM to npm drains the server, which exits before npm and frees the port and the data directory", async () => {
    const run = await npmRun(script);
    const listening = await Promise.race([
      run.waitForLog((e) => e.msg === "lobby server listening"),
      run.exited.then((s) => Promise.reject(new Error(`npm exited before the server was ready: ${JSON.stringify(s)}`))),
    ]);
    const serverPid = listening.pid as number;
    expect(serverPid).not.toBe(run.npm.pid);
    expect(fs.readFileSync(path.join(run.dataDir, "lobby.lock"), "utf8")).toBe(String(serverPid));

    run.npm.kill("SIGTERM");
    const status = await run.exited;

    expect(isProcessAlive(serverPid)).toBe(false);
    // The server is gone, so its last lines are in the pipe: read them to the end.
    if (!run.npm.stdout!.readableEnded) await once(run.npm.stdout!, "end");
    expect(run.logs.some((e) => e.msg === "shutdown complete")).toBe(true);
    expect(status).toEqual({ code: 0, signal: null });
    expect(await portIsFree(run.port)).toBe(true);
    expect(fs.existsSync(path.join(run.dataDir, "lobby.lock"))).toBe(false);
  }, 120_000);
});
