import { ordinal, rate, rating } from "openskill";
import { z } from "zod";
import type {
  MatchHistoryEntry,
  MatchHistoryResponse,
  MatchResultMessage,
  RatingsResponse,
} from "../../../shared/schemas/match";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import type { HistoryRow, ParticipantResult, ParticipantRow, RatingsRepo } from "./ratings.repo";

/** `m` names the list: a cursor of another list (friends, notifications, chat) is refused here. */
const HistoryCursorSchema = z.strictObject({ m: z.literal("history"), t: z.number().int(), id: z.uuid() });

export interface SkillRating {
  mu: number;
  sigma: number;
}

export interface MatchOutcome {
  /** The winning team's index, or null for a draw. */
  winnerTeam: number | null;
  /** Points per team, by team index (passed through to the result message). */
  teamScores: number[];
  /** Points per player; players not in the map scored 0. */
  playerScores: Map<string, number>;
  reason: "target_reached" | "forfeit";
  finishedAt: Date;
}

/** OpenSkill defaults (Plackett-Luce): mu 25, sigma 25/3, so a new player's display rating is 0. */
export const defaultRating = (): SkillRating => {
  const r = rating();
  return { mu: r.mu, sigma: r.sigma };
};

/** What players see: mu - 3 sigma (OpenSkill's ordinal), a conservative estimate. */
export const displayRating = (r: SkillRating): number => ordinal(r);

/**
 * Skill ratings per game mode (OpenSkill) and the record of finished matches.
 *
 * - Ratings are public, like a ladder: any signed-in player may read anyone's, blocks included (a
 *   block hides presence and chat, not a number a leaderboard would show anyway; hiding it would
 *   also tell the blocked player they were blocked).
 * - A player's ratings list only the modes they have a stored rating in (they finished a match
 *   there); a mode never played is absent and means the default (mu 25, sigma 25/3, display 0).
 */
export class RatingsService {
  constructor(
    private readonly repo: RatingsRepo,
    private readonly cursors: CursorCodec,
  ) {}

  /** Each player's rating in `mode`: stored, or the default for a player without one. One query. */
  async ratingsFor(accountIds: string[], mode: string): Promise<Map<string, SkillRating>> {
    const unique = [...new Set(accountIds)];
    const stored = new Map((await this.repo.ratingsIn(unique, mode)).map((r) => [r.accountId, { mu: r.mu, sigma: r.sigma }]));
    return new Map(unique.map((id) => [id, stored.get(id) ?? defaultRating()]));
  }

  /** A player's ratings in every mode they have played, by mode name. 404 for an unknown account. */
  async ratings(accountId: string): Promise<RatingsResponse> {
    const [exists, rows] = await Promise.all([this.repo.accountExists(accountId), this.repo.ratingsOf(accountId)]);
    if (!exists) throw new AppError(ErrorCode.AccountNotFound, "No player has that id.");
    return {
      accountId,
      ratings: rows.map((r) => ({ mode: r.mode, mu: r.mu, sigma: r.sigma, display: displayRating(r), games: r.games })),
    };
  }

  /**
   * Records the result of an ACTIVE match in one transaction (holding the match row): the match
   * becomes FINISHED, every participant gets their score and new rating, and every player's stored
   * rating in the mode moves to it (games + 1). New ratings come from the ratings the match formed
   * with (the participants' muBefore/sigmaBefore): the winner's team ranks 1, every other team 2;
   * a draw ranks every team equal.
   *
   * Idempotent: a match that is not ACTIVE (already finished, cancelled, still pending, or unknown)
   * is left alone and null returned, so a retried or duplicated call changes nothing.
   */
  async recordResult(matchId: string, outcome: MatchOutcome): Promise<MatchResultMessage | null> {
    return (
      (await this.repo.withLockedMatch(matchId, async (tx) => {
        const { match } = tx;
        if (match.status !== "ACTIVE") return null;
        const teamIds = [...new Set(match.participants.map((p) => p.team))].sort((a, b) => a - b);
        if (outcome.winnerTeam !== null && !teamIds.includes(outcome.winnerTeam)) {
          // A bug in the caller: roll back rather than record a winner nobody played for.
          throw new Error(`match ${matchId}: winner team ${outcome.winnerTeam} is not one of its teams (${teamIds.join(", ")})`);
        }
        const teams = teamIds.map((team) => match.participants.filter((p) => p.team === team));
        const after = newRatings(teams, outcome.winnerTeam, match.rated);
        const results: (ParticipantResult & { team: number; before: number; after: number; backfillFor: string | null; left: boolean })[] = [];
        for (const p of teams.flat()) {
          const r = after.get(p.accountId) ?? { mu: p.muBefore, sigma: p.sigmaBefore };
          results.push({
            accountId: p.accountId,
            team: p.team,
            muAfter: r.mu,
            sigmaAfter: r.sigma,
            score: outcome.playerScores.get(p.accountId) ?? 0,
            rated: after.has(p.accountId),
            before: displayRating({ mu: p.muBefore, sigma: p.sigmaBefore }),
            after: displayRating(r),
            backfillFor: p.backfillFor,
            left: p.leftAt !== null,
          });
        }
        const rated = after.size > 0;
        await tx.finish({
          winnerTeam: outcome.winnerTeam,
          finishedAt: outcome.finishedAt,
          endReason: outcome.reason,
          mode: match.mode,
          results,
          rated,
        });
        const message: MatchResultMessage = {
          matchId,
          winnerTeam: outcome.winnerTeam,
          scores: outcome.teamScores,
          ratings: results.map((r) => ({ accountId: r.accountId, team: r.team, before: r.before, after: r.after, backfillFor: r.backfillFor, left: r.left })),
          reason: outcome.reason,
        };
        return message;
      })) ?? null
    );
  }

  /** The caller's finished and cancelled matches, newest first, paged by a signed keyset cursor. */
  async history(accountId: string, q: { limit: number; cursor?: string }): Promise<MatchHistoryResponse> {
    const after = q.cursor ? this.cursors.decode(q.cursor, HistoryCursorSchema) : undefined;
    const rows = await this.repo.history(accountId, after ? { createdAt: new Date(after.t), id: after.id } : undefined, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toEntry),
      ...(rows.length > q.limit && last
        ? { nextCursor: this.cursors.encode({ m: "history", t: last.match.createdAt.getTime(), id: last.matchId }) }
        : {}),
    };
  }
}

/**
 * New ratings of the players a match's result moves, by account id (absent: unchanged).
 * - The teams are rated as they were matched: the players who started the match (a backfill, who
 *   joined in progress, is never rated and does not count toward the team's strength).
 * - The winner's team ranks 1, every other team 2; a draw ranks every team equal.
 * - A starter who left before the end is rated as a loss whatever the team did: their update is
 *   the one their team would get for ranking last.
 * - Nothing moves in an unrated match (a custom lobby's) or with fewer than two teams of starters
 *   (players deleted their accounts): there is no one to rate against.
 */
function newRatings(teams: ParticipantRow[][], winnerTeam: number | null, matchRated: boolean): Map<string, SkillRating> {
  const out = new Map<string, SkillRating>();
  const starters = teams.map((members) => members.filter((p) => p.backfillFor === null)).filter((m) => m.length > 0);
  if (!matchRated || starters.length < 2) return out;
  const ids = starters.map((m) => m[0]!.team);
  const input = starters.map((members) => members.map((p) => ({ mu: p.muBefore, sigma: p.sigmaBefore })));
  const ranks = ids.map((team) => (winnerTeam === null || team === winnerTeam ? 1 : 2));
  const after = rate(input, { rank: ranks });
  starters.forEach((members, ti) => members.forEach((p, pi) => out.set(p.accountId, after[ti]![pi]!)));
  starters.forEach((members, ti) => {
    const leavers = members.map((p, pi) => [p, pi] as const).filter(([p]) => p.leftAt !== null);
    if (leavers.length === 0 || ranks[ti] === 2) return;
    const lost = rate(input, { rank: ids.map((_, i) => (i === ti ? 2 : 1)) });
    for (const [p, pi] of leavers) out.set(p.accountId, lost[ti]![pi]!);
  });
  return out;
}

function toEntry(row: HistoryRow): MatchHistoryEntry {
  const m = row.match;
  const finished = m.status === "FINISHED";
  const teamCount = Math.max(row.team, ...m.participants.map((p) => p.team)) + 1;
  const teams = Array.from({ length: teamCount }, (_, team) =>
    m.participants
      .filter((p) => p.team === team)
      .map((p) => p.account)
      .sort((a, b) => (a.usernameKey < b.usernameKey ? -1 : a.usernameKey > b.usernameKey ? 1 : a.id < b.id ? -1 : 1))
      .map((a) => ({ id: a.id, username: a.username, displayName: a.displayName })),
  );
  return {
    id: row.matchId,
    mode: m.mode,
    region: m.region,
    status: finished ? "finished" : "cancelled",
    quality: m.quality,
    createdAt: m.createdAt.toISOString(),
    finishedAt: m.finishedAt?.toISOString() ?? null,
    winnerTeam: finished ? m.winnerTeam : null,
    you: {
      team: row.team,
      won: finished && m.winnerTeam === row.team,
      score: row.score,
      ratingBefore: displayRating({ mu: row.muBefore, sigma: row.sigmaBefore }),
      ratingAfter: row.muAfter !== null && row.sigmaAfter !== null ? displayRating({ mu: row.muAfter, sigma: row.sigmaAfter }) : null,
      backfillFor: row.backfillFor,
      left: row.leftAt !== null,
    },
    teams,
  };
}
