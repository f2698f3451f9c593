import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import { blockIndex } from "./block-index";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { Identity } from "../identity";
import { UNKNOWN_NAMES, type AccountNames } from "../accounts/account-names.repo";
import { pickBackfill, type BackfillCandidate } from "./backfill-picker";
import type { BackfillPick, BackfillRepo, OpenBackfill } from "./backfill.repo";
import type { MatchNotices } from "./match-notices";
import type { GameMode, MatchmakingConfig } from "./matchmaking-config";
import type { BackfillPort } from "./matchmaking.service";
import type { TicketRow } from "./matchmaking.repo";

/** A leaver's seat the match room opened, offered to the queue of `mode`. */
export interface BackfillSeatOffer {
  requestId: string;
  team: number;
  mode: string;
}

/** A seat offered to a player: which match room, which team, until when they may join. */
export interface BackfillOffer {
  requestId: string;
  matchId: string;
  roomId: string;
  mode: string;
  region: string;
  team: number;
  player: Identity;
  /** Epoch ms on the injected clock. */
  deadline: number;
}

export type BackfillHold = "held" | "busy" | "closed";

/** What happened to a seat (metrics): offered to the queue, filled by a pick, joined, a no-show, or the pick requeued at the match's end. */
export type BackfillOutcome = "offered" | "filled" | "joined" | "no_show" | "requeued";

/** The realtime edge: the match room holds a seat for the player, who then gets its reservation. */
export interface BackfillHandoff {
  /**
   * `held`: the room holds the seat for the player until the deadline. `closed`: the seat will never
   * be taken (taken already, the match is past its backfill point or over). `busy`: held for
   * someone else right now (a pick still in flight); ask again later.
   */
  hold(offer: BackfillOffer): Promise<BackfillHold>;
  /** Reserves the held seat and sends the player `match.found` (with `backfill: true`). */
  seat(offer: BackfillOffer): Promise<void>;
}

export interface BackfillServiceDeps {
  repo: BackfillRepo;
  handoff: BackfillHandoff;
  ratings: { ratingsFor(accountIds: string[], mode: string): Promise<Map<string, { mu: number; sigma: number }>> };
  blocks: { blocksAmong(accountIds: string[]): Promise<{ accountId: string; otherId: string }[]> };
  spectating: { watchable(playerIds: string[]): Promise<Set<string>> };
  notices: MatchNotices;
  names(ids: string[]): Promise<Map<string, AccountNames>>;
  clock: Clock;
  logger: Logger;
  config: MatchmakingConfig;
  /** Observes seats' outcomes (metrics). */
  onOutcome?: (mode: string, outcome: BackfillOutcome) => void;
}

/**
 * Backfill: a matchmade match in a MATCH_BACKFILL mode whose player leaves for good (a forfeit, or
 * a drop past the reconnect window) while the match goes on offers the seat to the queue. The
 * mode's queue owner fills it on its tick, before forming new matches, from solo waiting tickets by
 * the matcher's rules (backfill-picker.ts); the match room holds the seat and the player joins it
 * with a seat reservation, on the leaver's team. The match record keeps who played which part:
 * the leaver's `left_at`, the newcomer's `backfill_for` and `joined_at`.
 */
export class BackfillService implements BackfillPort {
  constructor(private readonly d: BackfillServiceDeps) {}

  /**
   * The player left the match being played for good; with `offer` (the room opened the seat under
   * that request id first, so a queue owner never finds a seat the room does not know), their seat
   * is offered. False if the match was not being played, or they had left already.
   */
  async playerLeft(matchId: string, accountId: string, offer: BackfillSeatOffer | null): Promise<boolean> {
    const left = await this.d.repo.playerLeft(matchId, accountId, this.now(), offer && { id: offer.requestId, team: offer.team });
    if (left && offer) this.d.onOutcome?.(offer.mode, "offered");
    return left;
  }

  async fill(mode: GameMode, waiting: TicketRow[], now: number): Promise<Set<string>> {
    const taken = new Set<string>();
    if (!Object.hasOwn(this.d.config.backfill, mode.id)) return taken;
    const solos = waiting.filter((t) => t.partyId === null && t.playerIds.length === 1);
    if (solos.length === 0) return taken;
    const seats = await this.d.repo.open(mode.id);
    if (seats.length === 0) return taken;
    const soloIds = solos.map((t) => t.playerIds[0]!);
    const [ratings, blocks] = await Promise.all([
      this.d.ratings.ratingsFor(soloIds, mode.id),
      this.d.blocks.blocksAmong([...new Set([...soloIds, ...seats.flatMap((s) => s.playerIds)])]),
    ]);
    const blockedWith = blockIndex(blocks);
    let candidates: BackfillCandidate[] = solos.map((t) => {
      const accountId = t.playerIds[0]!;
      const r = ratings.get(accountId) ?? { mu: 25, sigma: 25 / 3 };
      return { ticketId: t.id, accountId, region: t.region, enqueuedAt: t.enqueuedAt.getTime(), mu: r.mu, sigma: r.sigma };
    });
    const rules = { spreadSchedule: this.d.config.spreadSchedule, regionNeighbours: this.d.config.regionNeighbours, regionWidenSeconds: this.d.config.regionWidenSeconds };
    for (const seat of seats) {
      if (!seat.roomId || candidates.length === 0) continue;
      const pick = pickBackfill({ region: seat.region, mu: seat.seat.mu, openedAt: seat.createdAt.getTime(), playerIds: seat.playerIds }, candidates, now, rules, (id) => blockedWith.get(id) ?? []);
      if (!pick) continue;
      candidates = candidates.filter((c) => c.ticketId !== pick.ticketId);
      if (await this.place(mode, seat, pick, now)) taken.add(pick.ticketId);
    }
    return taken;
  }

  /** The match room: the picked player took the seat. */
  async joined(matchId: string, requestId: string, accountId: string, mode: string): Promise<void> {
    if (!(await this.d.repo.joined(requestId, matchId, accountId, this.now()))) return;
    this.d.onOutcome?.(mode, "joined");
    const watchable = await this.d.spectating.watchable([accountId]).catch(() => new Set<string>());
    await this.d.notices.activity([accountId], { kind: "match", mode, matchId, joinable: watchable.has(accountId) });
  }

  /** The match room: the picked player did not join by the deadline. They lose their place; the seat opens again. */
  async noShow(matchId: string, requestId: string, accountId: string, mode: string): Promise<void> {
    if (!(await this.d.repo.noShow(requestId, matchId, accountId))) return;
    this.d.onOutcome?.(mode, "no_show");
    await this.d.notices.send([accountId], LobbyServerMessage.MatchCancelled, { matchId, requeued: false });
    await this.d.notices.queue([accountId], { state: "idle", reason: "match_cancelled" });
    await this.d.notices.activity([accountId], { kind: "lobby" });
  }

  async close(matchId: string): Promise<void> {
    for (const t of await this.d.repo.close(matchId)) {
      this.d.onOutcome?.(t.mode, "requeued");
      await this.d.notices.send(t.playerIds, LobbyServerMessage.MatchCancelled, { matchId, requeued: true });
      await this.d.notices.queue(t.playerIds, { state: "searching", mode: t.mode, region: t.region, since: t.enqueuedAt.toISOString() });
      await this.d.notices.activity(t.playerIds, { kind: "queue", mode: t.mode });
    }
  }

  private async place(mode: GameMode, seat: OpenBackfill, c: BackfillCandidate, now: number): Promise<boolean> {
    const pick: BackfillPick = {
      requestId: seat.id,
      matchId: seat.matchId,
      ticketId: c.ticketId,
      accountId: c.accountId,
      team: seat.team,
      replaces: seat.replaces,
      waitSeconds: (now - c.enqueuedAt) / 1000,
      mu: c.mu,
      sigma: c.sigma,
      at: new Date(now),
    };
    if (!(await this.d.repo.claim(pick))) return false;
    const names = await this.d.names([c.accountId]);
    const offer: BackfillOffer = {
      requestId: seat.id,
      matchId: seat.matchId,
      roomId: seat.roomId!,
      mode: mode.id,
      region: seat.region,
      team: seat.team,
      player: { accountId: c.accountId, ...(names.get(c.accountId) ?? UNKNOWN_NAMES) },
      deadline: now + this.d.config.joinDeadlineSeconds * 1000,
    };
    // No answer (the room's process is slow or gone): the seat stays offered; a dead process' matches end through hostLost.
    const held = await this.d.handoff.hold(offer).catch((err): BackfillHold => (this.d.logger.warn({ err, matchId: seat.matchId }, "the match room did not answer a backfill"), "busy"));
    if (held !== "held") {
      await this.d.repo.release(pick, held === "busy");
      return false;
    }
    this.d.onOutcome?.(mode.id, "filled");
    await this.d.notices.queue([c.accountId], { state: "matched", mode: mode.id, region: seat.region });
    // A reservation that fails now turns into a no-show at the room's deadline (the seat reopens).
    await this.d.handoff.seat(offer).catch((err) => this.d.logger.warn({ err, matchId: seat.matchId }, "sending the backfill reservation failed"));
    return true;
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}
