import { performance } from "node:perf_hooks";
import { sleep } from "./concurrency";
import type { FanoutTracker } from "./fanout";
import { summarize, type Summary } from "./stats";

export interface StreamOptions {
  /** Messages per second, all senders together (open loop: the schedule never waits for deliveries). */
  ratePerSecond: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** After the last send, how long to wait for the measured messages to reach everyone. */
  drainTimeoutMs: number;
  tracker: FanoutTracker;
  /** Sends message `id`; must call tracker.sent(id) right before the transport send. */
  send(id: number): void;
  /** Called once the warm-up messages are sent, right before the first measured one. */
  onMeasureStart?: () => Promise<void>;
}

export interface StreamResult {
  /** Ids of the measured messages. */
  measured: number[];
  /** Measured messages actually sent per second (timer precision, a busy client process). */
  sentPerSecond: number;
  /** How late each measured send was against its planned time: a client process that cannot keep up shows here. */
  scheduleLagMs: Summary;
  /** Every measured message reached every recipient before the drain timeout. */
  drained: boolean;
}

/**
 * A steady stream: message i is planned at start + i / rate, sent as soon as the timer fires
 * (never waiting for earlier messages to be delivered), first `warmupSeconds` of warm-up, then
 * `measureSeconds` measured. Latency is taken from the actual send, and the lag behind the
 * schedule is reported so that a sender falling behind is visible rather than hidden.
 */
export async function runStream(o: StreamOptions): Promise<StreamResult> {
  const interval = 1000 / o.ratePerSecond;
  const warmup = Math.round(o.warmupSeconds * o.ratePerSecond);
  const total = warmup + Math.round(o.measureSeconds * o.ratePerSecond);
  const measured: number[] = [];
  const lags: number[] = [];
  let base = performance.now();
  let baseIndex = 0;
  let firstMeasuredAt = 0;
  let lastSentAt = 0;
  for (let id = 0; id < total; id++) {
    if (id === warmup) {
      await o.onMeasureStart?.();
      base = performance.now();
      baseIndex = id;
    }
    const planned = base + (id - baseIndex) * interval;
    const wait = planned - performance.now();
    if (wait > 0.5) await sleep(wait);
    const now = performance.now();
    o.send(id);
    if (id >= warmup) {
      if (id === warmup) firstMeasuredAt = now;
      lastSentAt = now;
      measured.push(id);
      lags.push(Math.max(0, now - planned));
    }
  }
  const deadline = performance.now() + o.drainTimeoutMs;
  const results = await Promise.all(measured.map((id) => o.tracker.delivered(id, Math.max(1, deadline - performance.now()))));
  const span = (lastSentAt - firstMeasuredAt) / 1000;
  return {
    measured,
    sentPerSecond: span > 0 ? (measured.length - 1) / span : Number.NaN,
    scheduleLagMs: summarize(lags),
    drained: results.every(Boolean),
  };
}
