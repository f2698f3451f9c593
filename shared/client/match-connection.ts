import type { Client, Room } from "@colyseus/sdk";
import { CloseCode } from "../codes";
import type { WsErrorMessage } from "../schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../schemas/match";
import type { MatchFoundMessage } from "../schemas/matchmaking";
import { MessagePacer } from "./outbound";
import { RoomKeeper, type ConnectionStatus } from "./room-keeper";

/** One player of the match room's state. */
export interface MatchPlayerView {
  accountId: string;
  username: string;
  /** The name to show (the username is the login handle). */
  displayName: string;
  team: number;
  score: number;
  /** False until the player joins, and while they are away. */
  connected: boolean;
  /** Left the match for good. */
  left: boolean;
  /** Joined in progress, taking a leaver's seat (backfill). */
  backfill: boolean;
}

/** The match room's state as plain data (docs/ws-protocol.md "The match room"). */
export interface MatchStateView {
  matchId: string;
  mode: string;
  phase: "waiting" | "playing" | "finished" | "cancelled";
  targetScore: number;
  /** Epoch ms (server clock). */
  joinDeadline: number;
  teamScores: number[];
  /** By account id. */
  players: Record<string, MatchPlayerView>;
  /** -1 until finished, and for a draw. */
  winnerTeam: number;
}

/** How a match ended for this player. */
export type MatchOutcome =
  | { kind: "finished"; result: MatchResultMessage }
  /** Called off before it started (4201): the lobby's match.cancelled says whether the search resumed. */
  | { kind: "cancelled" }
  /** Closed without a result: server shutdown (4001), an operator's action (41xx), or the reconnect window passed. */
  | { kind: "closed"; code: number };

export interface MatchConnectionOptions {
  /** The server's MATCH_RECONNECT_SECONDS, in ms (default 30 s). */
  reconnectWindowMs?: number;
  /** The server's MATCH_SCORE_COOLDOWN_MS plus a margin for network jitter (default 300 ms): score() waits this long between points. */
  scoreIntervalMs?: number;
}

const toView = (room: Room): MatchStateView | undefined => {
  const state = room.state as { toJSON?: () => unknown } | undefined;
  return state?.toJSON ? (state.toJSON() as MatchStateView) : undefined;
};

/** A player's seat in a match room: its state, scoring at the server's pace, and the outcome. */
export class MatchConnection {
  readonly matchId: string;
  readonly team: number;
  /** Settles once: the result, a cancellation, or a close without a result. */
  readonly outcome: Promise<MatchOutcome>;
  private settle!: (o: MatchOutcome) => void;
  private result: MatchResultMessage | undefined;
  private lastError: WsErrorMessage | undefined;
  private readonly keeper: RoomKeeper;
  private readonly stateHandlers = new Set<(s: MatchStateView) => void>();
  private readonly statusHandlers = new Set<(s: ConnectionStatus) => void>();
  private readonly pacer: MessagePacer;
  private lastScoreAt = 0;

  constructor(
    room: Room,
    found: MatchFoundMessage,
    colyseus: Client,
    private readonly o: MatchConnectionOptions = {},
  ) {
    this.matchId = found.matchId;
    this.team = found.team;
    this.pacer = new MessagePacer();
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    this.keeper = new RoomKeeper(room, {
      colyseus,
      windowMs: o.reconnectWindowMs ?? 30_000,
      setup: (r) => this.listen(r),
      onStatus: (s) => this.status(s),
    });
  }

  /** The consumed seat reservation's room (a reconnect replaces it). */
  get room(): Room {
    return this.keeper.room;
  }

  get state(): MatchStateView | undefined {
    return toView(this.keeper.room);
  }

  /** Every state change (also right after joining and after a reconnect). */
  onState(handler: (s: MatchStateView) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  onStatus(handler: (s: ConnectionStatus) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /**
   * One point for the team: waits out the score interval, then asks. Resolves true when the
   * server counted it, false when it refused (`rate_limited`, or `invalid_message` outside `playing`).
   */
  async score(): Promise<boolean> {
    const interval = this.o.scoreIntervalMs ?? 300;
    const wait = this.lastScoreAt + interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.keeper.whenOpen();
    await this.pacer.slot();
    this.lastScoreAt = Date.now();
    this.lastError = undefined;
    await this.keeper.room.request(MatchClientMessage.Score, {});
    return this.lastError === undefined;
  }

  /** Leaves for good (the team may forfeit if nobody is left on it). */
  leave(): Promise<void> {
    return this.keeper.leave();
  }

  private listen(room: Room): void {
    room.onMessage(MatchServerMessage.Result, (r: MatchResultMessage) => (this.result = r));
    room.onMessage(MatchServerMessage.Error, (e: WsErrorMessage) => {
      if (e.type === MatchClientMessage.Score) this.lastError = e;
    });
    room.onStateChange(() => {
      const view = toView(room);
      if (view) this.stateHandlers.forEach((h) => h(view));
    });
  }

  private status(s: ConnectionStatus): void {
    this.statusHandlers.forEach((h) => h(s));
    if (s.state !== "closed") return;
    if (this.result) this.settle({ kind: "finished", result: this.result });
    else if (s.code === CloseCode.MatchCancelled) this.settle({ kind: "cancelled" });
    else this.settle({ kind: "closed", code: s.code });
  }
}
