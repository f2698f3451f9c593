import type { MachineInfo } from "./machine";
import type { ProcessStats } from "./process-stats";
import type { Summary } from "./stats";

export type Profile = "quick" | "long";

export interface BenchContext {
  profile: Profile;
  log(message: string): void;
}

/** One measured configuration: the system under test or a baseline from the same run. */
export interface ScenarioResult {
  scenario: string;
  kind: "baseline" | "system";
  /** Messages each recipient should have received, times recipients. */
  expectedDeliveries: number;
  /** Deliveries that did not arrive within the timeout. */
  lost: number;
  /** Frame size on the wire (bytes) of one delivered message. */
  frameBytes: number;
  /** Send -> one recipient's handler, over every recipient of every measured message. */
  latencyMs: Summary;
  /** Per message: send -> the first recipient's handler. */
  firstDeliveryMs: Summary;
  /** Per message: send -> the last recipient's handler (the whole fan-out done). */
  allDeliveredMs: Summary;
  /**
   * Open-loop (steady stream) benchmarks only: the offered message rate, the rate actually sent,
   * and deliveries per second (deliveries of the measured messages / first send to last arrival).
   */
  throughput?: { offeredPerSecond: number; sentPerSecond: number; deliveredPerSecond: number };
  /** The server process (lobby or relay) during the measured window; the sender's, if several. */
  server?: ProcessStats;
  /** Further server processes of the scenario, if any. */
  peerServers?: ProcessStats[];
  /** The benchmark process (all clients) during the measured window. */
  clients?: ProcessStats;
  notes?: string[];
}

export interface BenchReport {
  name: string;
  description: string;
  params: Record<string, unknown>;
  scenarios: ScenarioResult[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchReport>;
}

/** What bench/results/<name>.json holds. */
export interface BenchResultFile extends BenchReport {
  date: string;
  command: string;
  profile: Profile;
  durationSeconds: number;
  machine: MachineInfo;
  /** 1-minute load average when the benchmark finished (compare with machine.loadAverage1m). */
  loadAverage1mAtEnd: number;
}
