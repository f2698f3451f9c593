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
import type { HistoryRow, ParticipantResult, RatingsRepo } from "./ratings.repo";

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
        // With fewer than two teams left (players deleted their accounts) there is no one to rate
        // against, and an unrated match (a custom lobby's) moves no rating: the match still
        // finishes, ratings stay as they were.
        const rated = match.rated && teams.length >= 2;
        const after = rated
          ? rate(
              teams.map((members) => members.map((p) => ({ mu: p.muBefore, sigma: p.sigmaBefore }))),
              { rank: teamIds.map((team) => (outcome.winnerTeam === null || team === outcome.winnerTeam ? 1 : 2)) },
            )
          : teams.map((members) => members.map((p) => ({ mu: p.muBefore, sigma: p.sigmaBefore })));

        const results: (ParticipantResult & { team: number; before: number; after: number })[] = [];
        teams.forEach((members, ti) =>
          members.forEach((p, pi) => {
            const r = after[ti]![pi]!;
            results.push({
              accountId: p.accountId,
              team: p.team,
              muAfter: r.mu,
              sigmaAfter: r.sigma,
              score: outcome.playerScores.get(p.accountId) ?? 0,
              before: displayRating({ mu: p.muBefore, sigma: p.sigmaBefore }),
              after: displayRating(r),
            });
          }),
        );
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
          ratings: results.map((r) => ({ accountId: r.accountId, team: r.team, before: r.before, after: r.after })),
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

function toEntry(row: HistoryRow): MatchHistoryEntry {
  const m = row.match;
  const finished = m.status === "FINISHED";
  const teamCount = Math.max(row.team, ...m.participants.map((p) => p.team)) + 1;
  const teams = Array.from({ length: teamCount }, (_, team) =>
    m.participants
      .filter((p) => p.team === team)
      .map((p) => p.account)
      .sort((a, b) => (a.usernameKey < b.usernameKey ? -1 : a.usernameKey > b.usernameKey ? 1 : a.id < b.id ? -1 : 1))
      .map((a) => ({ id: a.id, username: a.username })),
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
    },
    teams,
  };
}
