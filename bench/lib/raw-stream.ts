import { rawRelayLabel, withRawRelay } from "./raw-baseline";
import { rawMessage, type RawClientKind } from "./raw-clients";
import type { BenchContext, ScenarioResult } from "./report";
import { runStream } from "./stream";

export interface RawStreamOptions {
  recipients: number;
  ratePerSecond: number;
  warmupSeconds: number;
  measureSeconds: number;
  drainTimeoutMs: number;
  /** The size of the system's frame, so both carry the same bytes. */
  frameBytes: number;
  /** The `t` field of the baseline frame (cosmetic: the relay never reads it). */
  type: string;
  clients: RawClientKind;
}

/**
 * The baseline of a steady-stream fan-out benchmark, measured in the same run: the raw `ws`
 * relay of bench/lib/relay-entry.ts (its own process) forwards every frame from one sender to
 * every listener, at the same rate, for the same time, with the same frame size; the listeners
 * (in this process, like the system's clients) decode each frame (bytes -> text -> JSON).
 */
export async function measureRawStream(ctx: BenchContext, o: RawStreamOptions): Promise<ScenarioResult> {
  const label = rawRelayLabel(o.clients);
  ctx.log(`${label}: ${o.recipients} listeners, ${o.frameBytes}-byte frames, ${o.ratePerSecond} msg/s for ${o.measureSeconds} s`);
  return withRawRelay(o.recipients, o.clients, async ({ relay, tracker, sender, clientStats }) => {
    const stream = await runStream({
      ratePerSecond: o.ratePerSecond,
      warmupSeconds: o.warmupSeconds,
      measureSeconds: o.measureSeconds,
      drainTimeoutMs: o.drainTimeoutMs,
      tracker,
      onMeasureStart: async () => {
        await relay.resetStats();
        clientStats.reset();
      },
      send: (id) => {
        const frame = rawMessage(id, o.frameBytes, o.type);
        tracker.sent(id);
        sender.send(frame);
      },
    });
    const server = await relay.readStats();
    const clients = clientStats.read();
    const s = tracker.summary(stream.measured);
    const span = tracker.span(stream.measured);
    return {
      scenario: label,
      kind: "baseline",
      expectedDeliveries: s.expected,
      lost: s.lost,
      frameBytes: o.frameBytes,
      throughput: {
        offeredPerSecond: o.ratePerSecond * o.recipients,
        sentPerSecond: stream.sentPerSecond,
        deliveredPerSecond: span.delivered / ((span.lastArrivalAt - span.firstSentAt) / 1000),
      },
      latencyMs: s.latencyMs,
      firstDeliveryMs: s.firstDeliveryMs,
      allDeliveredMs: s.allDeliveredMs,
      server,
      clients,
      notes: [
        `sent ${stream.sentPerSecond.toFixed(2)} msg/s (offered ${o.ratePerSecond}); send lag behind schedule p99 ${stream.scheduleLagMs.p99.toFixed(2)} ms, max ${stream.scheduleLagMs.max.toFixed(1)} ms`,
      ],
    };
  });
}
