import type { PrismaClient } from "../../db/database";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface StoredRating {
  mode: string;
  mu: number;
  sigma: number;
  games: number;
}

export interface ParticipantRow {
  accountId: string;
  team: number;
  muBefore: number;
  sigmaBefore: number;
  /** A backfill: the player whose seat this one took (null: in the match from the start). */
  backfillFor: string | null;
  /** Left the match being played for good. */
  leftAt: Date | null;
}

/** The locked match row and its participants, as `recordResult` sees them. */
export interface LockedMatch {
  id: string;
  mode: string;
  status: "PENDING" | "ACTIVE" | "FINISHED" | "CANCELLED";
  /** False: a custom lobby's match in a mode not opted into ratings (GAME_LOBBY_RATED_MODES). */
  rated: boolean;
  participants: ParticipantRow[];
}

export interface ParticipantResult {
  accountId: string;
  muAfter: number;
  sigmaAfter: number;
  score: number;
  /** False: the stored rating stays as it is (a backfill, or an unrated match). */
  rated: boolean;
}

export interface FinishWrite {
  winnerTeam: number | null;
  finishedAt: Date;
  endReason: string;
  mode: string;
  results: ParticipantResult[];
  /** False when there was nobody to rate against: the players' stored ratings stay as they were. */
  rated: boolean;
}

/** Writes of one result, inside the transaction that holds the match row. */
export interface ResultTransaction {
  readonly match: LockedMatch;
  finish(m: FinishWrite): Promise<void>;
}

export interface HistoryRow {
  matchId: string;
  team: number;
  score: number;
  muBefore: number;
  sigmaBefore: number;
  muAfter: number | null;
  sigmaAfter: number | null;
  backfillFor: string | null;
  leftAt: Date | null;
  match: {
    mode: string;
    region: string;
    status: "PENDING" | "ACTIVE" | "FINISHED" | "CANCELLED";
    quality: number;
    winnerTeam: number | null;
    createdAt: Date;
    finishedAt: Date | null;
    participants: { team: number; account: { id: string; username: string; displayName: string; usernameKey: string } }[];
  };
}

/** Ratings, match results and match history: the only Prisma user of the ratings module. */
export class RatingsRepo {
  constructor(private readonly prisma: PrismaClient) {}

  accountExists(id: string): Promise<boolean> {
    return this.prisma.account.findUnique({ where: { id }, select: { id: true } }).then((a) => a !== null);
  }

  /** Stored ratings of `accountIds` in `mode` (players without one are absent). One query. */
  ratingsIn(accountIds: string[], mode: string): Promise<{ accountId: string; mu: number; sigma: number }[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.prisma.rating.findMany({
      where: { accountId: { in: accountIds }, mode },
      select: { accountId: true, mu: true, sigma: true },
    });
  }

  /** Every stored rating of a player, by mode name. */
  ratingsOf(accountId: string): Promise<StoredRating[]> {
    return this.prisma.rating.findMany({
      where: { accountId },
      orderBy: { mode: "asc" },
      select: { mode: true, mu: true, sigma: true, games: true },
    });
  }

  /**
   * Runs `fn` holding the match row (FOR NO KEY UPDATE: the participant rows written meanwhile
   * reference it, and their foreign-key checks take KEY SHARE locks, which FOR UPDATE would block).
   * A second caller waits here until the first commits, then sees the status it left. Returns null
   * if there is no such match.
   */
  async withLockedMatch<T>(matchId: string, fn: (tx: ResultTransaction) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string; mode: string; status: LockedMatch["status"]; rated: boolean }[]>`
        SELECT id::text AS id, mode, status::text AS status, rated FROM matches WHERE id = ${matchId}::uuid FOR NO KEY UPDATE`;
      if (!row) return null;
      const all = await tx.matchParticipant.findMany({
        where: { matchId },
        orderBy: [{ team: "asc" }, { accountId: "asc" }],
        select: { accountId: true, team: true, muBefore: true, sigmaBefore: true, backfillFor: true, leftAt: true },
      });
      // An account being deleted right now would cascade its participant row away under our writes:
      // KEY SHARE on the players' accounts makes a deletion wait for this transaction (or, if one
      // committed first, the account is gone and its participant row with it).
      const ids = all.map((p) => p.accountId);
      const alive = ids.length === 0 ? [] : await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM accounts WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR KEY SHARE`;
      const present = new Set(alive.map((a) => a.id));
      const participants = all.filter((p) => present.has(p.accountId));
      return fn({ match: { ...row, participants }, finish: (m) => finish(tx, matchId, m) });
    });
  }

  /**
   * One page of the player's finished and cancelled matches, newest (formed) first; `after` is the
   * last match of the previous page. Only matches `accountId` took part in: the participant row is
   * the filter, so another player's matches can never appear.
   */
  history(accountId: string, after: { createdAt: Date; id: string } | undefined, limit: number): Promise<HistoryRow[]> {
    return this.prisma.matchParticipant.findMany({
      where: {
        accountId,
        match: {
          status: { in: ["FINISHED", "CANCELLED"] },
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
      },
      orderBy: [{ match: { createdAt: "desc" } }, { matchId: "desc" }],
      take: limit,
      select: {
        matchId: true,
        team: true,
        score: true,
        muBefore: true,
        sigmaBefore: true,
        muAfter: true,
        sigmaAfter: true,
        backfillFor: true,
        leftAt: true,
        match: {
          select: {
            mode: true,
            region: true,
            status: true,
            quality: true,
            winnerTeam: true,
            createdAt: true,
            finishedAt: true,
            participants: {
              select: { team: true, account: { select: { id: true, username: true, displayName: true, usernameKey: true } } },
            },
          },
        },
      },
    });
  }
}

async function finish(tx: Tx, matchId: string, m: FinishWrite): Promise<void> {
  await tx.match.update({
    where: { id: matchId },
    data: { status: "FINISHED", winnerTeam: m.winnerTeam, finishedAt: m.finishedAt, endReason: m.endReason },
  });
  for (const r of m.results) {
    await tx.matchParticipant.update({
      where: { matchId_accountId: { matchId, accountId: r.accountId } },
      data: { muAfter: r.muAfter, sigmaAfter: r.sigmaAfter, score: r.score },
    });
    if (!m.rated || !r.rated) continue;
    await tx.rating.upsert({
      where: { accountId_mode: { accountId: r.accountId, mode: m.mode } },
      create: { accountId: r.accountId, mode: m.mode, mu: r.muAfter, sigma: r.sigmaAfter, games: 1, updatedAt: m.finishedAt },
      update: { mu: r.muAfter, sigma: r.sigmaAfter, games: { increment: 1 }, updatedAt: m.finishedAt },
    });
  }
}
