import { matchMaker } from "@colyseus/core";
import { RoomName } from "../../../shared/rooms";
import type { Logger } from "../../lib/logger";
import type { SpectatingConfig } from "../../modules/matchmaking/matchmaking-config";
import type { SpectateRoomOptions } from "./spectate.room";
import { spectateRoomId, type MatchSnapshot, type SpectatorFeeds } from "./spectator-feeds";

/** How often a changed state is handed to the spectate room. */
const FEED_MS = 100;

export interface SpectatorHandOverDeps {
  feeds: SpectatorFeeds;
  config: SpectatingConfig;
  logger: Logger;
  match: { matchId: string; mode: string };
  /** The match room's state as it is now. */
  snapshot: () => MatchSnapshot;
  /** The match room's clock (its timers end with the room). */
  every: (fn: () => void, ms: number) => void;
}

/** A match room's side of spectating: opens the spectate room and hands it every change. */
export class SpectatorHandOver {
  private last = "";
  private open = false;

  constructor(private readonly d: SpectatorHandOverDeps) {}

  /**
   * Creates the match's spectate room on this process (MATCH_SPECTATORS not off), under a room id
   * any process can derive, and starts feeding it. A failure leaves the match unwatched, not ended.
   */
  async start(): Promise<void> {
    const { policy, delaySeconds, max } = this.d.config;
    if (policy === "off" || this.open) return;
    const initial = this.d.snapshot();
    const options: SpectateRoomOptions = { ...this.d.match, delayMs: delaySeconds * 1000, maxSpectators: max, initial };
    try {
      await matchMaker.handleCreateRoom(RoomName.Spectate, options, undefined, spectateRoomId(this.d.match.matchId));
      this.open = true;
      this.last = JSON.stringify(initial);
      this.d.every(() => this.feed(), FEED_MS);
    } catch (err) {
      this.d.logger.warn({ err }, "opening the match to spectators failed");
    }
  }

  /** Hands the spectate room the state if it changed since the last hand-over (and at the end). */
  feed(): void {
    if (!this.open) return;
    const snapshot = this.d.snapshot();
    const json = JSON.stringify(snapshot);
    if (json === this.last) return;
    this.last = json;
    this.d.feeds.publish(this.d.match.matchId, snapshot);
  }
}
