import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { summarize, type Summary } from "./stats";

const RESOLUTION_MS = 1;

/** What a process did during a measurement window. */
export interface ProcessStats {
  elapsedMs: number;
  /**
   * perf_hooks.monitorEventLoopDelay sampled every 1 ms. Node records the whole interval between
   * two samples, so an idle loop reads about 1.1 ms: the 1 ms resolution is subtracted here.
   */
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number };
  /** CPU time spent by this process (user + system) as a share of one core. */
  cpuPercent: number;
  rssMb: number;
  /** Named durations recorded by instrumentation in this process (e.g. a service call). */
  timings: Record<string, Summary>;
  /** Figures the process reports about itself when read (e.g. rooms and clients it holds). */
  context?: Record<string, number>;
}

/**
 * A measurement window over this process: event-loop delay, CPU and named timings since the last
 * reset(). Cheap enough to leave on while measuring.
 */
export class StatsWindow {
  private readonly histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private startedAt = performance.now();
  private cpuAtStart = process.cpuUsage();
  private timings = new Map<string, number[]>();
  private context: (() => Record<string, number>) | undefined;

  constructor() {
    this.histogram.enable();
  }

  reset(): void {
    this.histogram.reset();
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
    this.timings = new Map();
  }

  /** Called on every read(); its figures are reported as `context`. */
  describe(context: () => Record<string, number>): void {
    this.context = context;
  }

  record(name: string, durationMs: number): void {
    let list = this.timings.get(name);
    if (!list) this.timings.set(name, (list = []));
    list.push(durationMs);
  }

  /** Wraps an async method of `target` so every call's duration is recorded under `name`. */
  timeMethod<T extends object, K extends keyof T>(target: T, method: K, name: string): void {
    const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    const record = (start: number) => this.record(name, performance.now() - start);
    (target as Record<K, unknown>)[method] = async function timed(this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        record(start);
      }
    };
  }

  read(): ProcessStats {
    const elapsedMs = performance.now() - this.startedAt;
    const cpu = process.cpuUsage(this.cpuAtStart);
    const h = this.histogram;
    const toMs = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
    return {
      elapsedMs,
      eventLoopDelayMs: {
        mean: toMs(h.mean),
        p50: toMs(h.percentile(50)),
        p99: toMs(h.percentile(99)),
        max: toMs(h.max),
      },
      cpuPercent: elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0,
      rssMb: process.memoryUsage().rss / 1024 ** 2,
      timings: Object.fromEntries([...this.timings].map(([name, list]) => [name, summarize(list)])),
      ...(this.context ? { context: this.context() } : {}),
    };
  }

  stop(): void {
    this.histogram.disable();
  }
}
