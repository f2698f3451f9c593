/**
 * What someone else sees while the capacity benchmark's joins run, measured from the benchmark
 * process (not a client process): `/healthz` latency (one keep-alive connection, a request every
 * 100 ms, one at a time), and an already-joined player's round trip (it sends a message type the
 * server does not know and waits for the `error` reply, as test/helpers/realtime.ts roundTrip()).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import type WebSocket from "ws";
import { HOST, joinWithRetry, type JoinTarget } from "./capacity-light-client";
import { decodeFrame, roomData } from "./capacity-wire";
import { summarize, type Summary } from "./stats";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TIMEOUT_MS = 10_000;

export interface ProbeSummary extends Summary {
  /** Probes with no answer within 10 s (counted in the summary as 10 s). */
  timeouts: number;
}

/** A loop of one-at-a-time probes between start() and stop(). */
abstract class ProbeLoop {
  private samples: number[] = [];
  private timeouts = 0;
  private running: Promise<void> | undefined;
  private stopping = false;

  protected constructor(private readonly gapMs: number) {}

  protected abstract once(): Promise<void>;

  start(): void {
    this.samples = [];
    this.timeouts = 0;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        const t0 = performance.now();
        try {
          await this.once();
          this.samples.push(performance.now() - t0);
        } catch {
          this.timeouts++;
          this.samples.push(TIMEOUT_MS);
        }
        await sleep(this.gapMs);
      }
    })();
  }

  async stop(): Promise<ProbeSummary> {
    this.stopping = true;
    await this.running;
    return { ...summarize(this.samples), timeouts: this.timeouts };
  }
}

export class HealthProbe extends ProbeLoop {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly port: number,
    private readonly path: string,
  ) {
    super(100);
  }

  protected once(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: HOST, port: this.port, path: this.path, agent: this.agent, timeout: TIMEOUT_MS }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`healthz ${res.statusCode}`))));
      });
      req.on("timeout", () => req.destroy(new Error("healthz timed out")));
      req.on("error", reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A player joined before the measurement; sends `probe` every 200 ms (the lobby allows 20/s). */
export class RoundTripProbe extends ProbeLoop {
  private waiting: ((ok: boolean) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    super(200);
  }

  /** Joins `target` as the probe player; `frames` sees every ROOM_DATA frame (type, payload, bytes). */
  static async join(target: JoinTarget, token: string, frames?: (type: string | number, message: unknown, bytes: number) => void): Promise<RoundTripProbe> {
    let probe: RoundTripProbe | undefined;
    const agent = new http.Agent({ keepAlive: false });
    const outcome = await joinWithRetry(target, token, agent, { maxAttempts: 5, timeoutMs: 30_000, deadline: performance.now() + 120_000 }, () => probe?.waiting?.(false), (data) => {
      const f = decodeFrame(data);
      if (!("type" in f)) return;
      frames?.(f.type, f.message, data.byteLength);
      if (f.type === "error" && (f.message as { type?: string } | undefined)?.type === "probe") probe?.waiting?.(true);
    });
    if (!outcome.socket) throw new Error(`the probe player could not join ${target.kind}:${target.port}: ${outcome.error}`);
    probe = new RoundTripProbe(outcome.socket);
    return probe;
  }

  protected once(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(false), TIMEOUT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiting = undefined;
        if (ok) resolve();
        else reject(new Error("no reply"));
      };
      this.waiting = done;
      this.socket.send(roomData("probe", {}));
    });
  }

  close(): void {
    this.socket.close();
  }
}
