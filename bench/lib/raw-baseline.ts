import { forkBenchChild } from "./child";
import { sleep } from "./concurrency";
import { FanoutTracker, runFanoutLoop } from "./fanout";
import { StatsWindow } from "./process-stats";
import { openListeners, openSender, rawMessage, type RawClientKind } from "./raw-clients";
import type { BenchContext, ScenarioResult } from "./report";

export interface RawRelayOptions {
  recipients: number;
  warmup: number;
  measured: number;
  gapMs: number;
  timeoutMs: number;
  /** The size of the system's frame, so both carry the same bytes. */
  frameBytes: number;
  clients: RawClientKind;
}

/**
 * The baseline of a fan-out benchmark, measured in the same run: a plain `ws` server in its own
 * process (bench/lib/relay-entry.ts) forwards each frame from one sender to every listener, and
 * the listeners (in this process, like the system's clients) decode it. Same pacing, same
 * tracker, same statistics as the system under test.
 */
export async function measureRawRelay(ctx: BenchContext, o: RawRelayOptions): Promise<ScenarioResult> {
  const label = rawRelayLabel(o.clients);
  ctx.log(`${label}: ${o.recipients} listeners, ${o.frameBytes}-byte frames`);
  return withRawRelay(o.recipients, o.clients, async ({ relay, tracker, sender, clientStats }) => {
    const measured = await runFanoutLoop({
      warmup: o.warmup,
      measured: o.measured,
      tracker,
      gapMs: o.gapMs,
      timeoutMs: o.timeoutMs,
      onMeasureStart: async () => {
        await relay.resetStats();
        clientStats.reset();
      },
      send: (id) => {
        const frame = rawMessage(id, o.frameBytes);
        tracker.sent(id);
        sender.send(frame);
      },
    });
    const server = await relay.readStats();
    const clients = clientStats.read();
    const s = tracker.summary(measured);
    return {
      scenario: label,
      kind: "baseline",
      expectedDeliveries: s.expected,
      lost: s.lost,
      frameBytes: o.frameBytes,
      latencyMs: s.latencyMs,
      firstDeliveryMs: s.firstDeliveryMs,
      allDeliveredMs: s.allDeliveredMs,
      server,
      clients,
    };
  });
}

export const rawRelayLabel = (clients: RawClientKind): string =>
  clients === "ws" ? "raw ws relay -> ws clients (baseline)" : "raw ws relay -> Node WebSocket clients (baseline)";

export interface RawRelayRun {
  relay: Awaited<ReturnType<typeof forkBenchChild>>;
  tracker: FanoutTracker;
  sender: Awaited<ReturnType<typeof openSender>>;
  clientStats: StatsWindow;
}

/**
 * The relay (bench/lib/relay-entry.ts, in its own process), `recipients` listeners here and one
 * sender, connected and settled; `run` measures, then everything is closed.
 */
export async function withRawRelay<T>(recipients: number, clients: RawClientKind, run: (r: RawRelayRun) => Promise<T>): Promise<T> {
  const relay = await forkBenchChild("lib/relay-entry.ts", {});
  const tracker = new FanoutTracker(recipients);
  const sockets: Array<{ close(): void }> = [];
  try {
    sockets.push(...(await openListeners(relay.port, recipients, clients, (id) => tracker.arrived(id))));
    const sender = await openSender(relay.port);
    sockets.push(sender);
    await sleep(500);
    const clientStats = new StatsWindow();
    try {
      return await run({ relay, tracker, sender, clientStats });
    } finally {
      clientStats.stop();
    }
  } finally {
    for (const socket of sockets) socket.close();
    await relay.stop();
  }
}
