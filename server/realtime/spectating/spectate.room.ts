import { ErrorCode as ColyseusErrorCode, Room, ServerError, type Client } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import { MessageRouter } from "../message-router";
import { MatchPlayerState, MatchState } from "../rooms/match.state";
import type { SendBacklogGuard } from "../send-backlog";
import { isFinalPhase, type MatchSnapshot, type SpectatorFeeds } from "./spectator-feeds";

export interface SpectateRoomDeps {
  sendBacklog: SendBacklogGuard;
  feeds: SpectatorFeeds;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/** What the match room passes when it creates its spectate room. */
export interface SpectateRoomOptions {
  matchId: string;
  mode: string;
  delayMs: number;
  maxSpectators: number;
  initial: MatchSnapshot;
}

/** The seat reservation's auth (made by the lobby's `match.spectate`). */
export interface SpectatorAuth {
  accountId: string;
  username: string;
  displayName: string;
  matchId: string;
  spectator: true;
}

/** How often held-back snapshots are checked against the injected clock. */
const RELEASE_CHECK_MS = 100;
/** After the final state went out, spectators are closed this much later (the last patch first). */
const CLOSE_AFTER_MS = 250;

/**
 * Watching one match: read-only seats (MATCH_SPECTATORS_MAX of them) that receive the match's
 * state MATCH_SPECTATOR_DELAY_SECONDS behind it. A separate room, so a spectator is never counted
 * as a player and can send the match nothing: every message here is refused. Closed (4202 or
 * 4201) once the match's end has been shown.
 */
export function createSpectateRoom(deps: SpectateRoomDeps) {
  return class SpectateRoom extends Room<{ state: MatchState; client: Client<{ auth: SpectatorAuth }> }> {
    /** Direct joins are refused: a seat comes only from `match.spectate`. */
    static override async onAuth(): Promise<never> {
      throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Spectating is joined with a seat reservation from match.spectate.");
    }

    override maxMessagesPerSecond = Limits.wsMaxMessagesPerSecond;
    override state = new MatchState();
    override autoDispose = false;
    private matchId = "";
    private readonly held: { at: number; snapshot: MatchSnapshot }[] = [];
    private unsubscribe?: () => void;
    private closing = false;

    override onCreate(options: SpectateRoomOptions): void {
      this.matchId = options.matchId;
      this.maxClients = options.maxSpectators;
      void this.setPrivate(true);
      this.state.matchId = options.matchId;
      this.state.mode = options.mode;
      // No handlers: whatever a spectator sends is answered unknown_message and changes nothing.
      new MessageRouter(this, deps.logger.child({ room: "spectate", matchId: options.matchId }), deps.sendBacklog);
      // The line-up at the start shows at once (it gives nothing away); every change after it waits.
      this.apply(options.initial);
      const hold = (snapshot: MatchSnapshot) => this.held.push({ at: deps.clock.now() + options.delayMs, snapshot });
      this.unsubscribe = deps.feeds.subscribe(options.matchId, hold);
      this.clock.setInterval(() => this.release(), RELEASE_CHECK_MS);
      this.release();
      deps.metrics.rooms.inc({ room: "spectate" });
    }

    override onJoin(client: Client<{ auth: SpectatorAuth }>): void {
      const auth = client.auth as SpectatorAuth | undefined;
      if (!auth?.spectator || auth.matchId !== this.matchId) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Not a spectator seat of this match.");
    }

    override onDispose(): void {
      this.unsubscribe?.();
      deps.metrics.rooms.dec({ room: "spectate" });
    }

    /** Shows every snapshot whose delay has passed; after the last one, closes the room. */
    private release(): void {
      const now = deps.clock.now();
      while (this.held.length > 0 && this.held[0]!.at <= now) this.apply(this.held.shift()!.snapshot);
      if (isFinalPhase(this.state.phase) && !this.closing) {
        this.closing = true;
        const code = this.state.phase === "finished" ? CloseCode.MatchFinished : CloseCode.MatchCancelled;
        this.clock.setTimeout(() => void this.disconnect(code), CLOSE_AFTER_MS);
      }
    }

    private apply(s: MatchSnapshot): void {
      this.state.phase = s.phase;
      this.state.targetScore = s.targetScore;
      this.state.winnerTeam = s.winnerTeam;
      s.teamScores.forEach((score, i) => {
        if (this.state.teamScores[i] === undefined) this.state.teamScores.push(score);
        else this.state.teamScores[i] = score;
      });
      for (const p of s.players) {
        const held = this.state.players.get(p.accountId);
        if (held) held.assign(p);
        else this.state.players.set(p.accountId, new MatchPlayerState().assign(p));
      }
    }
  };
}
