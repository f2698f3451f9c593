import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import { blockIndex } from "./block-index";
import type { MatchCancelledMessage, QueueStats, QueueUpdateMessage } from "../../../shared/schemas/matchmaking";
import type { Activity } from "../../../shared/schemas/presence";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { isUniqueViolation } from "../../db/db-errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../../shared/schemas/lobby-server-messages";
import type { Identity } from "../identity";
import { UNKNOWN_NAMES } from "../accounts/account-names.repo";
import type { PartiesService, PartyChange, PartyQueuePort } from "../parties/parties.service";
import { findMatches } from "./matcher";
import type { MatcherTicket, ProposedMatch } from "./matcher-types";
import type { GameMode, MatchmakingConfig } from "./matchmaking-config";
import type { MatchmakingRepo, TicketRow } from "./matchmaking.repo";
import type { MatchNotices } from "./match-notices";
import type { BackfillSeatOffer } from "./backfill.service";

/** What the matchmaker needs of backfill (BackfillService). */
export interface BackfillPort {
  playerLeft(matchId: string, accountId: string, offer: BackfillSeatOffer | null): Promise<boolean>;
  /** Seats leavers left in running matches of `mode` with waiting solo tickets; returns the ticket ids taken. */
  fill(mode: GameMode, waiting: TicketRow[], now: number): Promise<Set<string>>;
  /** The match ended: its open seats close, players picked but not yet in go back to the queue. */
  close(matchId: string): Promise<void>;
}

export type { Identity } from "../identity";

export interface FormedMatch {
  id: string;
  mode: GameMode;
  region: string;
  quality: number;
  teams: Identity[][];
  /** Epoch ms on the injected clock: every player joins by then, or the match is called off. */
  deadline: number;
  /** A custom game lobby's settings, passed to the match room (matchmade: none). */
  settings?: Record<string, string | number | boolean>;
  /**
   * Matchmade in a MATCH_BACKFILL mode: a leaver's seat is offered to the queue while the leading
   * team is below this percent of the target score. Absent: never backfilled (custom lobbies too).
   */
  backfillPercent?: number;
}

/** The realtime edge: creates the match room and sends each player its seat reservation. */
export interface MatchHandoff {
  start(match: FormedMatch): Promise<void>;
}

export interface MatchmakingServiceDeps {
  repo: MatchmakingRepo;
  parties: PartiesService;
  /** A player seated in a custom game lobby does not queue. */
  gameLobbies: { inLobbyAny(accountIds: string[]): Promise<boolean> };
  /** Who friends see as watchable when a match starts (spectating). */
  spectating: { watchable(playerIds: string[]): Promise<Set<string>> };
  /** Creates the match room and sends the seat reservations (the realtime edge). */
  handoff: MatchHandoff;
  ratings: { ratingsFor(accountIds: string[], mode: string): Promise<Map<string, { mu: number; sigma: number }>> };
  /** Queue updates, lobby messages and presence activity to players. */
  notices: MatchNotices;
  /** Refills leavers' seats in running matches from this queue (MATCH_BACKFILL). */
  backfill: BackfillPort;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  /** This process, as queue-lease owner. */
  processId: string;
  /** Observes formed matches and waits (metrics). */
  onMatchFormed?: (mode: string, waitsSeconds: number[], quality: number) => void;
}

type EndReason = NonNullable<QueueUpdateMessage["reason"]>;

/** How long past its deadline a pending match may stay before any queue owner calls it off. */
const STALE_GRACE_MS = 30_000;
const STATS_WINDOW_MINUTES = 15;

/**
 * Queues and the hand-off into matches. Any process accepts tickets (stored in PostgreSQL, one per
 * player by primary key); one process at a time owns each mode's queue through a lease and runs
 * its matcher ticks; a lease not renewed expires and another process takes the queue over.
 */
export class MatchmakingService implements PartyQueuePort {
  private readonly modes: Map<string, GameMode>;
  private readonly notices: MatchNotices;

  constructor(private readonly d: MatchmakingServiceDeps) {
    this.modes = new Map(d.config.modes.map((m) => [m.id, m]));
    this.notices = d.notices;
  }

  /** A solo player, or a party's leader for the whole party, starts searching. */
  async join(who: Identity, req: { mode: string; region: string }): Promise<QueueUpdateMessage> {
    const mode = this.modes.get(req.mode);
    if (!mode) throw new AppError(ErrorCode.UnknownMode, `No such mode; modes: ${[...this.modes.keys()].join(", ")}.`);
    if (!this.d.config.regions.includes(req.region)) {
      throw new AppError(ErrorCode.UnknownRegion, `No such region; regions: ${this.d.config.regions.join(", ")}.`);
    }
    const party = await this.d.parties.partyOf(who.accountId);
    if (party) {
      if (party.leaderId !== who.accountId) throw new AppError(ErrorCode.NotPartyLeader, "Only the party leader can queue the party.");
      if (party.members.length > mode.teamSize) {
        throw new AppError(ErrorCode.PartyTooLarge, `A ${mode.id} team has ${mode.teamSize} player(s); the party has ${party.members.length}.`);
      }
      if (party.members.some((m) => !m.ready)) throw new AppError(ErrorCode.PartyNotReady, "Every member must be ready.");
    }
    const playerIds = party ? party.members.map((m) => m.accountId) : [who.accountId];
    if (await this.d.repo.activeMatchOfAny(playerIds)) throw new AppError(ErrorCode.InMatch, "A player of the party is in a match.");
    if (await this.d.gameLobbies.inLobbyAny(playerIds)) throw new AppError(ErrorCode.AlreadyInGameLobby, "A player is in a custom game lobby: leave it first.");
    const enqueuedAt = this.now();
    const ticketId = newId();
    try {
      await this.d.repo.insertTicket({ id: ticketId, mode: mode.id, region: req.region, partyId: party?.id ?? null, leaderId: who.accountId, enqueuedAt, playerIds });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(ErrorCode.AlreadyQueued, "Already searching: leave the queue first.");
      throw err;
    }
    if (party) {
      // A member who joined or left while the ticket was written would be left out (or in).
      const now = await this.d.parties.partyOf(who.accountId);
      const same = now?.id === party.id && now.members.map((m) => m.accountId).sort().join() === [...playerIds].sort().join();
      if (!same) {
        await this.d.repo.cancelWaiting(ticketId);
        throw new AppError(ErrorCode.PartyBusy, "The party changed; try again.");
      }
    }
    const update: QueueUpdateMessage = { state: "searching", mode: mode.id, region: req.region, since: enqueuedAt.toISOString() };
    await this.tell(playerIds, update);
    await this.setActivity(playerIds, { kind: "queue", mode: mode.id });
    if (party) await this.d.parties.touch(party.id);
    return update;
  }

  /** Cancels the player's (or their party's) waiting ticket. */
  async leave(who: Identity): Promise<void> {
    const ticket = await this.d.repo.ticketOf(who.accountId);
    if (!ticket || ticket.status !== "WAITING") throw new AppError(ErrorCode.NotQueued, "Not searching.");
    await this.cancel(ticket, "cancelled");
  }

  async cancelPartyTicket(partyId: string, reason: PartyChange): Promise<void> {
    const ticket = await this.d.repo.ticketOfParty(partyId);
    if (ticket) await this.cancel(ticket, reason);
  }

  /** The player is gone for good: their ticket (and their party's) is cancelled. */
  async disconnected(who: Identity): Promise<void> {
    const ticket = await this.d.repo.ticketOf(who.accountId);
    if (ticket) await this.cancel(ticket, "disconnected");
  }

  /**
   * One matcher round for every queue this process owns (or can take over). Returns the matches
   * formed. Each mode's tickets are claimed in a transaction, so even two owners at once (a lease
   * that expired mid-tick) never place a player twice.
   */
  async tick(): Promise<FormedMatch[]> {
    const now = this.d.clock.now();
    const formed: FormedMatch[] = [];
    for (const mode of this.modes.values()) {
      const owner = await this.d.repo.tryLease(`queue:${mode.id}`, this.d.processId, new Date(now), new Date(now + this.d.config.leaseSeconds * 1000));
      if (!owner) continue;
      formed.push(...(await this.tickMode(mode, now)));
    }
    await this.cancelStale(now).catch((err) => this.d.logger.warn({ err }, "stale match sweep failed"));
    return formed;
  }

  /** Every player joined the match room: the match is on. */
  async matchStarted(matchId: string, playerIds: string[], mode: string): Promise<void> {
    if (!(await this.d.repo.activate(matchId, this.now()))) return;
    const watchable = await this.d.spectating.watchable(playerIds).catch(() => new Set<string>());
    await this.setActivity(playerIds, (id) => ({ kind: "match", mode, matchId, joinable: watchable.has(id) }));
  }

  /** The hand-off failed (someone did not join in time, or the room could not be made). */
  async matchCancelled(matchId: string, noShowIds: string[], reason = "join_deadline"): Promise<void> {
    const out = await this.d.repo.cancelPending(matchId, noShowIds, this.now(), reason);
    if (!out) return;
    for (const t of out.requeued) {
      await this.tellPlayers(t.playerIds, LobbyServerMessage.MatchCancelled, { matchId, requeued: true } satisfies MatchCancelledMessage);
      await this.tell(t.playerIds, { state: "searching", mode: t.mode, region: t.region, since: t.enqueuedAt.toISOString() });
      await this.setActivity(t.playerIds, { kind: "queue", mode: t.mode });
      if (t.partyId) await this.d.parties.touch(t.partyId).catch(() => undefined);
    }
    for (const t of out.dropped) {
      await this.tellPlayers(t.playerIds, LobbyServerMessage.MatchCancelled, { matchId, requeued: false } satisfies MatchCancelledMessage);
      await this.tell(t.playerIds, { state: "idle", reason: "match_cancelled" });
      if (t.partyId) await this.d.parties.touch(t.partyId).catch(() => undefined);
      await this.setActivity(t.playerIds, { kind: "lobby" });
    }
    if (out.unticketed.length > 0) {
      await this.tellPlayers(out.unticketed, LobbyServerMessage.MatchCancelled, { matchId, requeued: false } satisfies MatchCancelledMessage);
      await this.setActivity(out.unticketed, { kind: "lobby" });
    }
  }

  /** The match room exists on `hostProcess` (so the match can be ended if that process dies). */
  async matchHosted(matchId: string, roomId: string, hostProcess: string): Promise<void> {
    await this.d.repo.setHost(matchId, roomId, hostProcess);
  }

  /**
   * A process died with match rooms: matches still forming hand everyone back to the queue,
   * matches being played end without a result.
   */
  async hostLost(hostProcess: string): Promise<void> {
    for (const m of await this.d.repo.hostedBy(hostProcess)) {
      if (m.status === "PENDING") await this.matchCancelled(m.id, [], "host_lost");
      else await this.matchAbandoned(m.id, m.playerIds, "host_lost");
    }
  }

  /** A match being played was called off without a result (its process is shutting down). */
  async matchAbandoned(matchId: string, playerIds: string[], reason: string): Promise<void> {
    await this.d.repo.abandonActive(matchId, this.now(), reason);
    await this.d.backfill.close(matchId).catch((err) => this.d.logger.warn({ err, matchId }, "closing the match's backfill seats failed"));
    // Parties first: their activity (joinable again) is then current when the match's gives way.
    await this.d.parties.refreshPartiesOf(playerIds);
    await this.setActivity(playerIds, { kind: "lobby" });
  }

  /**
   * The match room: a player left the match being played for good. They are out of it: back in the
   * lobby, free to queue again. With `offer` (the match backfills and is before its backfill
   * point), their seat is offered to the queue. False if nothing was recorded (the match is over).
   */
  async playerLeft(matchId: string, accountId: string, offer: BackfillSeatOffer | null): Promise<boolean> {
    if (!(await this.d.backfill.playerLeft(matchId, accountId, offer))) return false;
    await this.d.parties.refreshPartiesOf([accountId]).catch((err) => this.d.logger.warn({ err, accountId }, "refreshing the leaver's party failed"));
    await this.setActivity([accountId], { kind: "lobby" });
    return true;
  }

  /** The match is over: its players (those still in it) are back in the lobby. */
  async matchEnded(playerIds: string[]): Promise<void> {
    await this.d.parties.refreshPartiesOf(playerIds);
    await this.setActivity(playerIds, { kind: "lobby" });
  }

  /** Tickets and players waiting now, per mode and region (all processes). */
  waitingCounts(): Promise<QueueStats["queues"]> {
    return this.d.repo.waitingCounts();
  }

  async stats(): Promise<QueueStats> {
    const since = new Date(this.d.clock.now() - STATS_WINDOW_MINUTES * 60_000);
    const [queues, window] = await Promise.all([this.d.repo.waitingCounts(), this.d.repo.windowStats(since)]);
    return {
      queues,
      window: { minutes: STATS_WINDOW_MINUTES, matches: window.matches, waitP50Seconds: window.p50, waitP95Seconds: window.p95, averageQuality: window.quality },
    };
  }

  /** Gives up this process' queues at once (shutdown), instead of letting the leases expire. */
  async releaseQueues(): Promise<void> {
    await this.d.repo.releaseLeases(this.d.processId);
  }

  private async tickMode(mode: GameMode, now: number): Promise<FormedMatch[]> {
    let rows = await this.d.repo.waiting(mode.id);
    // A running match short of a player goes first: it is being played now.
    const taken = await this.d.backfill.fill(mode, rows, now).catch((err) => (this.d.logger.warn({ err, mode: mode.id }, "backfill failed"), new Set<string>()));
    if (taken.size > 0) rows = rows.filter((t) => !taken.has(t.id));
    const players = rows.reduce((n, t) => n + t.playerIds.length, 0);
    if (players < mode.teamSize * mode.teamCount) return [];
    const ids = rows.flatMap((t) => t.playerIds);
    const [ratings, blocks] = await Promise.all([this.d.ratings.ratingsFor(ids, mode.id), this.d.repo.blocksAmong(ids)]);
    const blockedWith = blockIndex(blocks);
    const tickets: MatcherTicket[] = rows.map((t) => ({
      id: t.id,
      region: t.region,
      enqueuedAt: t.enqueuedAt.getTime(),
      players: t.playerIds.map((accountId) => ({ accountId, ...(ratings.get(accountId) ?? { mu: 25, sigma: 25 / 3 }) })),
      blocked: t.playerIds.flatMap((id) => blockedWith.get(id) ?? []),
    }));
    const proposals = findMatches(tickets, now, {
      mode,
      spreadSchedule: this.d.config.spreadSchedule,
      regionNeighbours: this.d.config.regionNeighbours,
      regionWidenSeconds: this.d.config.regionWidenSeconds,
    });
    const byId = new Map(rows.map((t) => [t.id, t]));
    const formed: FormedMatch[] = [];
    for (const p of proposals) {
      const match = await this.form(mode, p, byId, now);
      if (match) formed.push(match);
    }
    return formed;
  }

  private async form(mode: GameMode, p: ProposedMatch, tickets: Map<string, TicketRow>, now: number): Promise<FormedMatch | null> {
    const matchId = newId();
    const participants = p.teams.flatMap((team, index) =>
      team.ticketIds.flatMap((ticketId) => {
        const t = tickets.get(ticketId)!;
        return team.players
          .filter((pl) => t.playerIds.includes(pl.accountId))
          .map((pl) => ({ accountId: pl.accountId, team: index, partyId: t.partyId, waitSeconds: (now - t.enqueuedAt.getTime()) / 1000, mu: pl.mu, sigma: pl.sigma }));
      }),
    );
    const claimed = await this.d.repo.claim({ id: matchId, mode: mode.id, region: p.region, quality: p.quality, createdAt: new Date(now), participants }, p.ticketIds);
    if (!claimed) return null;
    this.d.onMatchFormed?.(mode.id, participants.map((x) => x.waitSeconds), p.quality);
    const names = await this.d.repo.names(participants.map((x) => x.accountId));
    const match: FormedMatch = {
      id: matchId,
      mode,
      region: p.region,
      quality: p.quality,
      teams: p.teams.map((team) => team.players.map((pl) => ({ accountId: pl.accountId, ...(names.get(pl.accountId) ?? UNKNOWN_NAMES) }))),
      deadline: now + this.d.config.joinDeadlineSeconds * 1000,
      ...(Object.hasOwn(this.d.config.backfill, mode.id) ? { backfillPercent: this.d.config.backfill[mode.id] } : {}),
    };
    const ids = participants.map((x) => x.accountId);
    await this.tell(ids, { state: "matched", mode: mode.id, region: p.region });
    try {
      await this.d.handoff.start(match);
    } catch (err) {
      this.d.logger.error({ err, matchId }, "match hand-off failed; players go back to the queue");
      await this.matchCancelled(matchId, [], "handoff_failed");
      return null;
    }
    return match;
  }

  /** Pending matches whose room never reported back (its process died): everyone back in line. */
  private async cancelStale(now: number): Promise<void> {
    const before = new Date(now - this.d.config.joinDeadlineSeconds * 1000 - STALE_GRACE_MS);
    for (const m of await this.d.repo.stalePending(before)) await this.matchCancelled(m.id, [], "room_lost");
  }

  private async cancel(ticket: TicketRow, reason: EndReason): Promise<void> {
    const cancelled = await this.d.repo.cancelWaiting(ticket.id);
    if (!cancelled) return;
    await this.tell(cancelled.playerIds, { state: "idle", reason });
    // The party first: its activity (joinable again) is then current when the search's gives way.
    if (cancelled.partyId) await this.d.parties.touch(cancelled.partyId).catch(() => undefined);
    await this.setActivity(cancelled.playerIds, { kind: "lobby" });
  }

  private tell(accountIds: string[], update: QueueUpdateMessage): Promise<void> {
    return this.notices.queue(accountIds, update);
  }

  private tellPlayers<K extends LobbyServerMessageType>(accountIds: string[], type: K, payload: LobbyServerMessages[K]): Promise<void> {
    return this.notices.send(accountIds, type, payload);
  }

  private setActivity(accountIds: string[], activity: Activity | ((accountId: string) => Activity)): Promise<void> {
    return this.notices.activity(accountIds, activity);
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}
