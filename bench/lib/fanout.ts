import { performance } from "node:perf_hooks";
import { sleep } from "./concurrency";
import { summarize, type Summary } from "./stats";

interface Message {
  sentAt: number;
  arrivals: number[];
  complete: Promise<void>;
  resolve: () => void;
}

/**
 * Send and arrival times of one-to-many messages, all taken with performance.now() in this
 * process (senders and recipients live here; only the server is elsewhere).
 */
export class FanoutTracker {
  private readonly messages = new Map<number, Message>();

  constructor(readonly recipients: number) {}

  /** Call immediately before handing message `id` to the transport. */
  sent(id: number): void {
    let resolve!: () => void;
    const complete = new Promise<void>((r) => (resolve = r));
    this.messages.set(id, { sentAt: performance.now(), arrivals: [], complete, resolve });
  }

  /** Call first thing in a recipient's handler. */
  arrived(id: number): void {
    const at = performance.now();
    const m = this.messages.get(id);
    if (!m) return;
    m.arrivals.push(at - m.sentAt);
    if (m.arrivals.length === this.recipients) m.resolve();
  }

  /** Resolves true once every recipient has message `id`, false after `timeoutMs`. */
  async delivered(id: number, timeoutMs: number): Promise<boolean> {
    const m = this.messages.get(id);
    if (!m) throw new Error(`message ${id} was never sent`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([m.complete.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return ok;
  }

  /** The given messages that did not reach every recipient, with how many they reached. */
  incomplete(ids: number[]): Array<{ id: number; arrivals: number }> {
    const out: Array<{ id: number; arrivals: number }> = [];
    for (const id of ids) {
      const n = this.messages.get(id)?.arrivals.length ?? 0;
      if (n < this.recipients) out.push({ id, arrivals: n });
    }
    return out;
  }

  /**
   * Over the given messages: deliveries that arrived, the first send and the last arrival
   * (performance.now() times), for a delivered-per-second figure.
   */
  span(ids: number[]): { delivered: number; firstSentAt: number; lastArrivalAt: number } {
    let delivered = 0;
    let firstSentAt = Number.POSITIVE_INFINITY;
    let lastArrivalAt = Number.NEGATIVE_INFINITY;
    for (const id of ids) {
      const m = this.messages.get(id);
      if (!m) continue;
      delivered += m.arrivals.length;
      firstSentAt = Math.min(firstSentAt, m.sentAt);
      for (const a of m.arrivals) lastArrivalAt = Math.max(lastArrivalAt, m.sentAt + a);
    }
    return { delivered, firstSentAt, lastArrivalAt };
  }

  /** Latency summaries over the given messages (e.g. all but the warm-up ones). */
  summary(ids: number[]): { latencyMs: Summary; firstDeliveryMs: Summary; allDeliveredMs: Summary; expected: number; lost: number } {
    const all: number[] = [];
    const first: number[] = [];
    const last: number[] = [];
    let lost = 0;
    for (const id of ids) {
      const m = this.messages.get(id);
      if (!m) continue;
      all.push(...m.arrivals);
      lost += this.recipients - m.arrivals.length;
      if (m.arrivals.length > 0) first.push(Math.min(...m.arrivals));
      if (m.arrivals.length === this.recipients) last.push(Math.max(...m.arrivals));
    }
    return {
      latencyMs: summarize(all),
      firstDeliveryMs: summarize(first),
      allDeliveredMs: summarize(last),
      expected: ids.length * this.recipients,
      lost,
    };
  }
}

export interface FanoutLoopOptions {
  warmup: number;
  measured: number;
  /** Sends message `id`; must call tracker.sent(id) right before the transport send. */
  send(id: number): void | Promise<void>;
  tracker: FanoutTracker;
  /** Waits until the next message may be sent (e.g. a server-side rate limit). */
  pace?: () => Promise<void>;
  /** Quiet time after a message is fully delivered, before the next one. */
  gapMs: number;
  timeoutMs: number;
  /** Called once the warm-up messages are done, right before the first measured one. */
  onMeasureStart?: () => Promise<void>;
}

/**
 * Sends warm-up then measured messages one at a time: each waits until the previous one reached
 * every recipient (or timed out), so the numbers are the latency of one fan-out on a quiet system,
 * not of a queue. Returns the ids of the measured messages.
 */
export async function runFanoutLoop(o: FanoutLoopOptions): Promise<number[]> {
  const measured: number[] = [];
  for (let id = 0; id < o.warmup + o.measured; id++) {
    if (id === o.warmup) await o.onMeasureStart?.();
    await o.pace?.();
    await o.send(id);
    await o.tracker.delivered(id, o.timeoutMs);
    if (id >= o.warmup) measured.push(id);
    await sleep(o.gapMs);
  }
  return measured;
}
