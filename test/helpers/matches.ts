import crypto from "node:crypto";
import type { PrismaClient } from "../../server/db/database";
import type { MatchStatus } from "../../server/db/generated/enums";
import type { MatchOutcome } from "../../server/modules/ratings/ratings.service";
import { uniqueUsername } from "./test-server";

/**
 * Matches straight into the database, for tests of what happens once a match exists (results,
 * ratings, history) without running the matchmaker and the match room.
 */

export interface SeedAccount {
  id: string;
  username: string;
}

/** Accounts inserted directly (no password that works): enough to take part in matches. */
export async function insertAccounts(prisma: PrismaClient, n: number, prefix = "m"): Promise<SeedAccount[]> {
  const accounts = Array.from({ length: n }, () => {
    const username = uniqueUsername(prefix);
    return { id: crypto.randomUUID(), username, usernameKey: username.toLowerCase(), displayName: username, passwordHash: "not-a-hash" };
  });
  await prisma.account.createMany({ data: accounts });
  return accounts.map(({ id, username }) => ({ id, username }));
}

export interface MatchSeed {
  /** Account ids by team index. */
  teams: string[][];
  status?: MatchStatus;
  mode?: string;
  region?: string;
  quality?: number;
  createdAt?: Date;
  /** Ratings the match formed with; by default each player's stored rating in the mode (or the default). */
  before?: Map<string, { mu: number; sigma: number }>;
  /** For FINISHED / CANCELLED seeds. */
  finishedAt?: Date;
  winnerTeam?: number | null;
  /** Backfills: account id -> the player whose seat they took. */
  backfillFor?: Record<string, string>;
  /** Players who left before the end. */
  left?: string[];
}

/** Inserts a match and its participants as the matcher would; returns the match id. */
export async function insertMatch(prisma: PrismaClient, seed: MatchSeed): Promise<string> {
  const id = crypto.randomUUID();
  const mode = seed.mode ?? "duel";
  const ids = seed.teams.flat();
  const stored = new Map(
    (await prisma.rating.findMany({ where: { accountId: { in: ids }, mode }, select: { accountId: true, mu: true, sigma: true } })).map((r) => [
      r.accountId,
      { mu: r.mu, sigma: r.sigma },
    ]),
  );
  const status = seed.status ?? "ACTIVE";
  await prisma.match.create({
    data: {
      id,
      mode,
      region: seed.region ?? "eu",
      status,
      quality: seed.quality ?? 0.5,
      // Now by default: the matchmaker cancels PENDING matches that are long past their join deadline.
      createdAt: seed.createdAt ?? new Date(),
      startedAt: status === "PENDING" ? null : new Date(),
      finishedAt: seed.finishedAt ?? (status === "FINISHED" || status === "CANCELLED" ? new Date() : null),
      winnerTeam: seed.winnerTeam ?? null,
      endReason: status === "CANCELLED" ? "no_show" : null,
      participants: {
        create: seed.teams.flatMap((members, team) =>
          members.map((accountId) => {
            const r = seed.before?.get(accountId) ?? stored.get(accountId) ?? { mu: 25, sigma: 25 / 3 };
            return {
              accountId,
              team,
              partyId: null,
              waitSeconds: 1,
              muBefore: r.mu,
              sigmaBefore: r.sigma,
              backfillFor: seed.backfillFor?.[accountId] ?? null,
              joinedAt: seed.backfillFor?.[accountId] ? new Date() : null,
              leftAt: seed.left?.includes(accountId) ? new Date() : null,
            };
          }),
        ),
      },
    },
  });
  return id;
}

/** A result with `winnerTeam` (null: a draw); by default the winner scored 5 points, the others 2. */
export function outcome(winnerTeam: number | null, opts: Partial<MatchOutcome> & { teams?: number } = {}): MatchOutcome {
  const teams = opts.teams ?? 2;
  return {
    winnerTeam,
    teamScores: opts.teamScores ?? Array.from({ length: teams }, (_, i) => (i === winnerTeam ? 5 : 2)),
    playerScores: opts.playerScores ?? new Map(),
    reason: opts.reason ?? "target_reached",
    finishedAt: opts.finishedAt ?? new Date(Date.UTC(2026, 0, 2)),
  };
}

export interface StoredRatingRow {
  mu: number;
  sigma: number;
  games: number;
  updatedAt: Date;
}

export async function storedRating(prisma: PrismaClient, accountId: string, mode = "duel"): Promise<StoredRatingRow | null> {
  return prisma.rating.findUnique({
    where: { accountId_mode: { accountId, mode } },
    select: { mu: true, sigma: true, games: true, updatedAt: true },
  });
}

export async function storedMatch(prisma: PrismaClient, matchId: string) {
  return prisma.match.findUniqueOrThrow({
    where: { id: matchId },
    select: {
      status: true,
      winnerTeam: true,
      finishedAt: true,
      endReason: true,
      participants: {
        orderBy: [{ team: "asc" }, { accountId: "asc" }],
        select: { accountId: true, team: true, muBefore: true, sigmaBefore: true, muAfter: true, sigmaAfter: true, score: true },
      },
    },
  });
}

/** Stores a rating for a player (as if they had played before). */
export async function setRating(prisma: PrismaClient, accountId: string, r: { mu: number; sigma: number; games?: number }, mode = "duel"): Promise<void> {
  const data = { mu: r.mu, sigma: r.sigma, games: r.games ?? 10, updatedAt: new Date(Date.UTC(2025, 11, 1)) };
  await prisma.rating.upsert({ where: { accountId_mode: { accountId, mode } }, create: { accountId, mode, ...data }, update: data });
}

/** A match's backfill seats (match_backfills), oldest first. */
export function backfillSeats(prisma: PrismaClient, matchId: string) {
  return prisma.matchBackfill.findMany({ where: { matchId }, orderBy: { createdAt: "asc" }, select: { status: true, team: true, replaces: true, accountId: true } });
}

/** One player's part in a match as recorded (null: not on the match's record). */
export function participantOf(prisma: PrismaClient, matchId: string, accountId: string) {
  return prisma.matchParticipant.findUnique({
    where: { matchId_accountId: { matchId, accountId } },
    select: { team: true, backfillFor: true, joinedAt: true, leftAt: true, score: true },
  });
}
