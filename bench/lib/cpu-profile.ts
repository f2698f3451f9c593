import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

/**
 * Optional CPU profile of a benchmark child over the measured window only (not the setup):
 * with BENCH_CPU_PROF=<dir>, each child writes <dir>/<label>-<pid>-<window>.cpuprofile (one per measured window) (open it in Chrome
 * DevTools or speedscope). Profiling slows the process down: never record numbers from such a run.
 */
export class WindowProfiler {
  private session: inspector.Session | undefined;
  private windows = 0;

  constructor(
    private readonly dir: string | undefined,
    private readonly label: string,
  ) {}

  async start(): Promise<void> {
    if (!this.dir) return;
    if (this.session) await this.stop();
    const session = new inspector.Session();
    session.connect();
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: 200 });
    await post(session, "Profiler.start");
    this.session = session;
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session || !this.dir) return;
    this.session = undefined;
    const { profile } = (await post(session, "Profiler.stop")) as { profile: unknown };
    session.disconnect();
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, `${this.label}-${process.pid}-${++this.windows}.cpuprofile`), JSON.stringify(profile));
  }
}

function post(session: inspector.Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
}
