import { ErrorCode as ColyseusErrorCode, Room, ServerError, type Client } from "@colyseus/core";
import { CloseCode, ErrorCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { MatchClientMessage, MatchScoreMessageSchema, MatchServerMessage, type MatchResultMessage } from "../../../shared/schemas/match";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import type { MatchRoomConfig } from "../../modules/matchmaking/matchmaking-config";
import type { MatchmakingService } from "../../modules/matchmaking/matchmaking.service";
import type { BackfillHold, BackfillService } from "../../modules/matchmaking/backfill.service";
import { newId } from "../../lib/ids";
import { identityOf, type Identity } from "../../modules/identity";
import { RaceGame } from "../../modules/matches/race-game";
import type { RatingsService } from "../../modules/ratings/ratings.service";
import { accountChannel, type AccountEvent } from "../../backplane/presence-account-event-bus";
import { TopicSubscriptions } from "../topic-subscriptions";
import { MessageRouter, sendError } from "../message-router";
import { MatchPlayerState, MatchState } from "./match.state";
import { SpectatorHandOver } from "../spectating/spectator-hand-over";
import { isFinalPhase, type MatchSnapshot, type SpectatorFeeds } from "../spectating/spectator-feeds";
import type { SendBacklogGuard } from "../send-backlog";
import { MatchBackfillSeats, type HeldBackfillSeat } from "./match-backfill-seats";
import { clearSeatTimers, releaseUnconsumedSeats } from "./unconsumed-seats";

export interface MatchRoomDeps {
  /** Cuts connections that do not read what they are sent (shared by every room of the process). */
  sendBacklog: SendBacklogGuard;
  matchmaking: MatchmakingService;
  /** Records leavers and offers their seats to the queue (MATCH_BACKFILL). */
  backfill: Pick<BackfillService, "joined" | "noShow" | "close">;
  ratings: RatingsService;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  config: MatchRoomConfig;
  /** This process, as recorded on the match (see MatchmakingService.hostLost). */
  processId: string;
  /** Where the match's state goes to its spectate room (same process). */
  feeds: SpectatorFeeds;
}

/** What the matchmaker passes to matchMaker.createRoom. */
export interface MatchRoomOptions {
  matchId: string;
  mode: string;
  teams: Identity[][];
  /** Epoch ms on the injected clock. */
  deadline: number;
  /** A custom game lobby's settings for the game (matchmade: {}). The race game reads none. */
  settings: Record<string, string | number | boolean>;
  /** MATCH_BACKFILL's percent of the target score for the mode; null: seats are never refilled. */
  backfillPercent: number | null;
}

/** The seat reservation's auth: who the seat is for. */
export interface MatchAuth {
  accountId: string;
  username: string;
  displayName: string;
  matchId: string;
  /** A backfill's request id: the leaver's seat the match room holds for this player. */
  backfill?: string;
}

type MatchClient = Client<{ auth: MatchAuth }>;

/** How often the room checks the join deadline against the injected clock. */
const DEADLINE_CHECK_MS = 200;


/**
 * One match: joined only with the seat reservations the matchmaker made. Waits for every player
 * (or cancels at the deadline, handing the others back to the queue), runs the race, holds a
 * dropped player's seat for the reconnect window, and records the result and rating changes.
 */
export function createMatchRoom(deps: MatchRoomDeps) {
  return class MatchRoom extends Room<{ state: MatchState; client: MatchClient }> {
    /** Direct joins are refused: a seat comes only from the matchmaker's reservation. */
    static override async onAuth(): Promise<never> {
      throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Match rooms are joined with a seat reservation from the matchmaker.");
    }

    override maxMessagesPerSecond = Limits.wsMaxMessagesPerSecond;
    override state = new MatchState();
    private game!: RaceGame;
    private options!: MatchRoomOptions;
    private log!: Logger;
    private ending = false;
    private subscriptions!: TopicSubscriptions<AccountEvent>;
    /** Players removed by a sanction: their seat is not held for a reconnect. */
    private readonly removed = new Set<string>();
    private readonly reconnectDeadlines = new Map<string, number>();
    private spectators!: SpectatorHandOver;
    private backfillSeats!: MatchBackfillSeats;

    override onCreate(options: MatchRoomOptions): void {
      this.options = options;
      this.log = deps.logger.child({ room: "match", roomId: this.roomId, matchId: options.matchId });
      this.maxClients = options.teams.flat().length;
      this.seatReservationTimeout = Math.max(1, Math.ceil((options.deadline - deps.clock.now()) / 1000) + 1);
      void this.setPrivate(true);
      this.backfillSeats = new MatchBackfillSeats(options.backfillPercent ?? null, deps.config.targetScore);
      this.game = new RaceGame(options.teams.map((t) => t.map((p) => p.accountId)), deps.config.targetScore, deps.config.scoreCooldownMs);
      this.state.matchId = options.matchId;
      this.state.mode = options.mode;
      this.state.targetScore = deps.config.targetScore;
      this.state.joinDeadline = options.deadline;
      options.teams.forEach((team, index) => {
        this.state.teamScores.push(0);
        for (const p of team) {
          this.state.players.set(p.accountId, new MatchPlayerState().assign({ accountId: p.accountId, username: p.username, displayName: p.displayName, team: index }));
        }
      });
      this.spectators = new SpectatorHandOver({
        feeds: deps.feeds,
        config: deps.config.spectators,
        logger: this.log,
        match: { matchId: options.matchId, mode: options.mode },
        snapshot: () => this.snapshot(),
        every: (fn, ms) => this.clock.setInterval(fn, ms),
      });
      const router = new MessageRouter(this, this.log, deps.sendBacklog);
      router.on(MatchClientMessage.Score, MatchScoreMessageSchema, (client) => this.score(client as MatchClient));
      this.clock.setInterval(() => this.checkDeadline(), DEADLINE_CHECK_MS);
      // A ban, kick or account deletion reaches the player's match connection too.
      this.subscriptions = new TopicSubscriptions<AccountEvent>(this.presence, accountChannel, (accountId, event) => this.onAccountEvent(accountId, event));
      for (const id of this.state.players.keys()) void this.subscriptions.add(id).catch((err) => this.log.warn({ err }, "subscribing to a player failed"));
      deps.metrics.rooms.inc({ room: "match" });
      deps.matchmaking.matchHosted(options.matchId, this.roomId, deps.processId).catch((err) => this.log.warn({ err }, "recording the match host failed"));
    }

    override async onJoin(client: MatchClient): Promise<void> {
      const auth = client.auth as MatchAuth;
      let player = this.state.players.get(auth.accountId);
      if (!player && auth.backfill && auth.matchId === this.options.matchId && this.state.phase === "playing") {
        const seat = this.backfillSeats.take(auth.accountId, auth.backfill);
        if (seat) player = this.seatBackfill(seat);
      }
      if (auth.matchId !== this.options.matchId || !player) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Not a player of this match.");
      player.connected = true;
      if (this.state.phase === "waiting" && [...this.state.players.values()].every((p) => p.connected)) {
        this.state.phase = "playing";
        await this.spectators.start();
        await deps.matchmaking.matchStarted(this.options.matchId, [...this.state.players.keys()], this.options.mode);
      }
    }

    override onDrop(client: MatchClient): void {
      const player = this.state.players.get((client.auth as MatchAuth).accountId);
      if (player) player.connected = false;
      if ((this.state.phase === "playing" || this.state.phase === "waiting") && !this.removed.has((client.auth as MatchAuth).accountId)) {
        this.reconnectDeadlines.set(client.sessionId, deps.clock.now() + deps.config.reconnectSeconds * 1000);
        this.allowReconnection(client, deps.config.reconnectSeconds).catch(() => undefined);
      }
    }

    override onReconnect(client: MatchClient): void {
      // The window follows the injected clock (Colyseus' own timer frees the seat in real time).
      const deadline = this.reconnectDeadlines.get(client.sessionId);
      this.reconnectDeadlines.delete(client.sessionId);
      if (deadline !== undefined && deps.clock.now() >= deadline) {
        throw new ServerError(ColyseusErrorCode.MATCHMAKE_EXPIRED, "The reconnection window has closed.");
      }
      const player = this.state.players.get((client.auth as MatchAuth).accountId);
      if (player) player.connected = true;
    }

    override async onLeave(client: MatchClient): Promise<void> {
      const accountId = (client.auth as MatchAuth).accountId;
      const player = this.state.players.get(accountId);
      if (player) player.connected = false;
      if (this.state.phase !== "playing" || !player) return;
      player.left = true;
      const { finished, winnerTeam } = this.game.leave(accountId);
      // Recorded first either way: the result rates a leaver as a loss, and they are back in the lobby.
      await this.recordLeaver(accountId, player.team, !finished && this.backfillSeats.allows(this.game.teamScores));
      if (finished) await this.finish(winnerTeam, "forfeit");
    }

    /**
     * Called by the matchmaker (through Colyseus' room IPC, from any process): holds the open seat
     * `requestId` for `who` until `deadline`. False if the match can no longer take them.
     */
    holdBackfill(requestId: string, who: Identity, deadline: number): BackfillHold {
      if (this.state.phase !== "playing" || this.ending || this.state.players.has(who.accountId)) return "closed";
      return this.backfillSeats.hold(requestId, identityOf(who), deadline, this.game.teamScores);
    }

    override async onBeforeShutdown(): Promise<void> {
      // Draining: a match still forming goes back to the queue; one being played is called off
      // without a result (the players are told by the close code).
      if (this.state.phase === "waiting") {
        await this.cancel([]);
        return;
      }
      if (this.state.phase === "playing" && !this.ending) {
        this.ending = true;
        this.state.phase = "cancelled";
        await deps.matchmaking
          .matchAbandoned(this.options.matchId, this.stillIn(), "server_shutdown")
          .catch((err) => this.log.error({ err }, "abandoning the match failed"));
      }
      super.onBeforeShutdown();
    }

    override onDispose(): void {
      // Seats nobody consumed (a no-show's, or every seat of a match called off) keep Colyseus'
      // real-time expiry timer past the room's end, holding the process open for the rest of
      // seatReservationTimeout: clear them.
      clearSeatTimers(this);
      this.subscriptions?.clear();
      // Gone without an end (a crash of the room, not of the process): its spectators are told.
      if (!isFinalPhase(this.state.phase)) this.state.phase = "cancelled";
      this.spectators?.feed();
      deps.metrics.rooms.dec({ room: "match" });
    }

    /** Sanctions that end a player's sessions (ban, kick, account closed) close their seat here too. */
    private onAccountEvent(accountId: string, event: AccountEvent): void {
      if (event.kind !== "sessions_ended" || event.sessionIds !== null) return;
      for (const client of this.clients as Iterable<MatchClient>) {
        if ((client.auth as MatchAuth).accountId !== accountId) continue;
        this.removed.add(accountId);
        client.leave(event.closeCode);
      }
    }

    private async score(client: MatchClient): Promise<void> {
      const auth = client.auth as MatchAuth;
      if (this.state.phase !== "playing") {
        sendError(client, ErrorCode.InvalidMessage, "The match is not being played.", MatchClientMessage.Score);
        return;
      }
      const outcome = this.game.score(auth.accountId, deps.clock.now());
      if (!outcome.accepted) {
        if (outcome.reason === "cooldown") sendError(client, ErrorCode.RateLimited, "Too fast: wait for the cooldown.", MatchClientMessage.Score);
        return;
      }
      const team = this.game.team(auth.accountId)!;
      this.state.teamScores[team] = this.game.teamScores[team]!;
      const player = this.state.players.get(auth.accountId)!;
      player.score = this.game.playerScores.get(auth.accountId) ?? 0;
      if (this.game.finished) await this.finish(this.game.winnerTeam, "target_reached");
    }

    /** Players who have not left for good (a leaver is back in the lobby, maybe in another match already). */
    private stillIn(): string[] {
      return [...this.state.players.values()].filter((p) => !p.left).map((p) => p.accountId);
    }

    private snapshot(): MatchSnapshot {
      return {
        phase: this.state.phase,
        targetScore: this.state.targetScore,
        teamScores: [...this.state.teamScores],
        players: [...this.state.players.values()].map((p) => ({ accountId: p.accountId, username: p.username, displayName: p.displayName, team: p.team, score: p.score, connected: p.connected, left: p.left, backfill: p.backfill })),
        winnerTeam: this.state.winnerTeam,
      };
    }

    /** Records the leaver and, with `offer` (the match goes on, before its backfill point), offers the seat to the queue. */
    private async recordLeaver(accountId: string, team: number, offer: boolean): Promise<void> {
      // The seat is open here before the matchmaker can find it in the database.
      const requestId = offer ? newId() : null;
      if (requestId) this.backfillSeats.opened(requestId, team);
      const recorded = await deps.matchmaking
        .playerLeft(this.options.matchId, accountId, requestId ? { requestId, team, mode: this.options.mode } : null)
        .catch((err) => (this.log.warn({ err }, "recording the leaver failed"), false));
      if (!recorded && requestId) this.backfillSeats.withdraw(requestId);
    }

    /** The picked player joins on the leaver's team, with the team's score so far. */
    private seatBackfill(seat: HeldBackfillSeat): InstanceType<typeof MatchPlayerState> {
      const player = new MatchPlayerState().assign({ accountId: seat.accountId, username: seat.username, displayName: seat.displayName, team: seat.team, backfill: true });
      this.state.players.set(seat.accountId, player);
      this.game.add(seat.accountId, seat.team);
      void this.subscriptions.add(seat.accountId).catch((err) => this.log.warn({ err }, "subscribing to a player failed"));
      deps.backfill.joined(this.options.matchId, seat.requestId, seat.accountId, this.options.mode).catch((err) => this.log.warn({ err }, "recording the backfill failed"));
      return player;
    }

    /** Held seats nobody took in time: the reservation is withdrawn and the seat offered again. */
    private expireBackfills(now: number): void {
      for (const seat of this.backfillSeats.expired(now)) {
        releaseUnconsumedSeats(this, seat.accountId);
        deps.backfill.noShow(this.options.matchId, seat.requestId, seat.accountId, this.options.mode).catch((err) => this.log.warn({ err }, "recording the backfill no-show failed"));
      }
    }

    private checkDeadline(): void {
      if (this.state.phase === "playing") this.expireBackfills(deps.clock.now());
      if (this.state.phase !== "waiting" || deps.clock.now() < this.options.deadline) return;
      const noShows = [...this.state.players.values()].filter((p) => !p.connected).map((p) => p.accountId);
      void this.cancel(noShows);
    }

    /** Calls the match off: players who did not join lose their place, the rest are requeued. */
    private async cancel(noShows: string[]): Promise<void> {
      if (this.ending) return;
      this.ending = true;
      this.state.phase = "cancelled";
      try {
        await deps.matchmaking.matchCancelled(this.options.matchId, noShows);
      } catch (err) {
        this.log.error({ err }, "cancelling the match failed");
      }
      // Colyseus disposes a room only once no seat is reserved: without this, a match called off
      // stays listed (a no-show's reservation still usable) until the reservation times out.
      releaseUnconsumedSeats(this);
      this.spectators.feed();
      this.disconnect(CloseCode.MatchCancelled);
    }

    private async finish(winnerTeam: number | null, reason: MatchResultMessage["reason"]): Promise<void> {
      if (this.ending) return;
      this.ending = true;
      this.state.phase = "finished";
      this.state.winnerTeam = winnerTeam ?? -1;
      try {
        // Seats still open close first: a player picked but not yet in is not on the result.
        await deps.backfill.close(this.options.matchId).catch((err) => this.log.warn({ err }, "closing the backfill seats failed"));
        const result = await deps.ratings.recordResult(this.options.matchId, {
          winnerTeam,
          teamScores: [...this.game.teamScores],
          playerScores: new Map(this.game.playerScores),
          reason,
          finishedAt: new Date(deps.clock.now()),
        });
        if (result) this.broadcast(MatchServerMessage.Result, result);
        await deps.matchmaking.matchEnded(this.stillIn());
      } catch (err) {
        this.log.error({ err }, "recording the match result failed");
      }
      this.spectators.feed();
      this.disconnect(CloseCode.MatchFinished);
    }
  };
}
