import { spreadAfter, type SpreadStep } from "./matchmaking-config";

/** A solo player waiting in the seat's mode. */
export interface BackfillCandidate {
  ticketId: string;
  accountId: string;
  region: string;
  /** Epoch ms. */
  enqueuedAt: number;
  mu: number;
  sigma: number;
}

/** A leaver's seat in a running match. */
export interface BackfillSeat {
  region: string;
  /** The rating the seat was played with. */
  mu: number;
  /** Epoch ms: when the seat opened (its wait widens the spread like a ticket's). */
  openedAt: number;
  /** Everyone on the match's record. */
  playerIds: readonly string[];
}

export interface BackfillRules {
  spreadSchedule: readonly SpreadStep[];
  regionNeighbours: Readonly<Record<string, readonly string[]>>;
  regionWidenSeconds: number;
}

/**
 * The player for a seat, or null. The matcher's rules, applied to one seat:
 * - **Region**: the match's region is the candidate's own, or the candidate waited at least
 *   `regionWidenSeconds` (when > 0) and lists the match's region as a neighbour.
 * - **Spread**: the candidate's mu is within `spreadAfter(schedule, longer of the two waits)` of the
 *   seat's mu (the seat widens as it waits, like an anchor ticket).
 * - **Blocks**: no block either way between the candidate and anyone on the match's record
 *   (`blocked(accountId)` lists the accounts a candidate blocked or was blocked by). Stricter than
 *   matchmaking, where blocked players may still be opponents: a player joining a match in progress
 *   would otherwise walk into a game with someone who blocked them.
 * - **Choice**: nearest mu to the seat first, then longest waiting, then ticket id.
 */
export function pickBackfill(
  seat: BackfillSeat,
  candidates: readonly BackfillCandidate[],
  now: number,
  rules: BackfillRules,
  blocked: (accountId: string) => readonly string[],
): BackfillCandidate | null {
  const inMatch = new Set(seat.playerIds);
  const seatWait = now - seat.openedAt;
  let best: BackfillCandidate | null = null;
  let bestGap = Infinity;
  for (const c of candidates) {
    if (inMatch.has(c.accountId) || !Number.isFinite(c.mu) || !Number.isFinite(c.sigma) || !Number.isFinite(c.enqueuedAt)) continue;
    const waited = now - c.enqueuedAt;
    if (!regionFits(c, seat.region, waited, rules)) continue;
    const gap = Math.abs(c.mu - seat.mu);
    if (gap > spreadAfter(rules.spreadSchedule, Math.max(waited, seatWait))) continue;
    if (blocked(c.accountId).some((id) => inMatch.has(id))) continue;
    if (best === null || gap < bestGap || (gap === bestGap && (c.enqueuedAt < best.enqueuedAt || (c.enqueuedAt === best.enqueuedAt && c.ticketId < best.ticketId)))) {
      best = c;
      bestGap = gap;
    }
  }
  return best;
}

function regionFits(c: BackfillCandidate, region: string, waitedMs: number, rules: BackfillRules): boolean {
  if (c.region === region) return true;
  if (rules.regionWidenSeconds <= 0 || waitedMs < rules.regionWidenSeconds * 1000) return false;
  return (rules.regionNeighbours[c.region] ?? []).includes(region);
}
