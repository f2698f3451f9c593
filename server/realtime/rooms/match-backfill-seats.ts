import type { Identity } from "../../modules/identity";

/** A leaver's seat the match room holds for the player the matchmaker picked. */
export interface HeldBackfillSeat extends Identity {
  requestId: string;
  team: number;
  /** Epoch ms on the injected clock. */
  deadline: number;
}

/**
 * A match room's backfill seats: open (offered to the queue, by request id) and held (a player was
 * picked and has until the deadline to join). The room is the authority on whether a seat can
 * still be taken; the matchmaker only proposes players for it.
 */
export class MatchBackfillSeats {
  private readonly open = new Map<string, { team: number }>();
  private readonly held = new Map<string, HeldBackfillSeat>();
  /** The leading team's score from which no seat is offered or held; null: never backfilled. */
  private readonly cutoff: number | null;

  /** `percent`: of the target score (MATCH_BACKFILL); null for a match that is never backfilled. */
  constructor(percent: number | null, targetScore: number) {
    this.cutoff = percent === null ? null : Math.max(1, Math.ceil((targetScore * percent) / 100));
  }

  /** Whether a seat left now may be refilled: the match backfills and the leading team is below the cutoff. */
  allows(teamScores: readonly number[]): boolean {
    return this.cutoff !== null && Math.max(0, ...teamScores) < this.cutoff;
  }

  opened(requestId: string, team: number): void {
    this.open.set(requestId, { team });
  }

  /** The seat was never offered after all (recording the leaver failed). */
  withdraw(requestId: string): void {
    this.open.delete(requestId);
    this.held.delete(requestId);
  }

  /**
   * Holds the open seat for `who` until `deadline` (again for the same player: the deadline moves).
   * `busy`: held for someone else now; `closed`: not open (taken, withdrawn, unknown) or past the cutoff.
   */
  hold(requestId: string, who: Identity, deadline: number, teamScores: readonly number[]): "held" | "busy" | "closed" {
    const seat = this.open.get(requestId);
    if (!seat || !this.allows(teamScores)) return "closed";
    const current = this.held.get(requestId);
    if (current && current.accountId !== who.accountId) return "busy";
    this.held.set(requestId, { requestId, team: seat.team, accountId: who.accountId, username: who.username, displayName: who.displayName, deadline });
    return "held";
  }

  /** The held seat `requestId` if it is `accountId`'s (it is then taken: neither open nor held). */
  take(accountId: string, requestId: string): HeldBackfillSeat | null {
    const seat = this.held.get(requestId);
    if (!seat || seat.accountId !== accountId) return null;
    this.held.delete(requestId);
    this.open.delete(requestId);
    return seat;
  }

  /** Held seats whose player did not join by `now`: released (the seat stays open for someone else). */
  expired(now: number): HeldBackfillSeat[] {
    const out = [...this.held.values()].filter((s) => now >= s.deadline);
    for (const s of out) this.held.delete(s.requestId);
    return out;
  }
}
