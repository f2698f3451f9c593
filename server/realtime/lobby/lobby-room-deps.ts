import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import type { AuthService } from "../../modules/auth/auth.service";
import type { JoinSnapshotSource } from "../../modules/lobby/join-snapshot";
import type { JoinAdmission } from "../join-admission";
import type { SendBacklogGuard } from "../send-backlog";
import type { WeakListeners } from "../weak-listeners";
import type { LobbyFeatureList } from "./feature";

/** What is told when the backplane's subscriber reconnected (events published meanwhile were lost). */
export interface Resyncable {
  resync(): Promise<void>;
}

export interface LobbyRoomDeps {
  /** Cuts connections that do not read what they are sent (shared by every room of the process). */
  sendBacklog: SendBacklogGuard;
  auth: AuthService;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Connections per lobby shard before matchmaking opens another. */
  shardSize: number;
  /** How long a dropped connection keeps its seat for a reconnect. */
  reconnectSeconds: number;
  /** How often live connections' sessions are re-checked, in case a revocation event was lost. */
  sessionSweepMs: number;
  /** How often the shard's client count in the room state is brought up to date. */
  shardCountEveryMs: number;
  /** The lobby's features (see features.ts). */
  features: LobbyFeatureList;
  /** What a new connection needs from the database, in one statement. */
  joinSnapshots: JoinSnapshotSource;
  /** Admission control: joins past the process' capacity wait, or are refused with 503. */
  admission: JoinAdmission;
  /** Rooms to refresh when the backplane reconnects (held weakly). */
  resyncs: WeakListeners<Resyncable>;
}
