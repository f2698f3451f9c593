import type { PrismaClient } from "../../db/database";
import { isUniqueViolation } from "../../db/db-errors";
import { ticketSelect, toRow, type TicketRow } from "./matchmaking.repo";

/** A leaver's seat in a running match, waiting for a player from the queue. */
export interface OpenBackfill {
  id: string;
  matchId: string;
  roomId: string | null;
  region: string;
  team: number;
  /** The player who left the seat. */
  replaces: string;
  createdAt: Date;
  /** The rating the seat was played with (the leaver's rating when they joined the match). */
  seat: { mu: number; sigma: number };
  /** Everyone on the match's record: a block with any of them keeps a player out. */
  playerIds: string[];
}

/** The player picked for a seat, as recorded on the match. */
export interface BackfillPick {
  requestId: string;
  matchId: string;
  ticketId: string;
  accountId: string;
  team: number;
  replaces: string;
  waitSeconds: number;
  mu: number;
  sigma: number;
  at: Date;
}

/**
 * Backfill requests (`match_backfills`) and the match-record writes that go with them. Every change
 * is one transaction conditioned on the request's status, so a queue owner's claim, the room's
 * report of the player joining (or not) and the match's end can race without a player being placed
 * twice or a ticket being lost.
 */
export class BackfillRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records that the player left the ACTIVE match for good and, with `offer`, opens their seat.
   * False (nothing written) when the match is not being played or the player already left.
   */
  async playerLeft(matchId: string, accountId: string, at: Date, offer: { id: string; team: number } | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.matchParticipant.updateMany({ where: { matchId, accountId, leftAt: null, match: { status: "ACTIVE" } }, data: { leftAt: at } });
      if (count === 0) return false;
      if (offer) await tx.matchBackfill.create({ data: { id: offer.id, matchId, team: offer.team, replaces: accountId, status: "OPEN", createdAt: at } });
      return true;
    });
  }

  /** Open seats of matches being played in `mode`, oldest first (at most 100 per call). */
  async open(mode: string): Promise<OpenBackfill[]> {
    const rows = await this.prisma.matchBackfill.findMany({
      where: { status: "OPEN", match: { mode, status: "ACTIVE" } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 100,
      select: {
        id: true,
        matchId: true,
        team: true,
        replaces: true,
        createdAt: true,
        match: { select: { roomId: true, region: true, participants: { select: { accountId: true, muBefore: true, sigmaBefore: true } } } },
      },
    });
    return rows.map((r) => {
      const leaver = r.match.participants.find((p) => p.accountId === r.replaces);
      return {
        id: r.id,
        matchId: r.matchId,
        roomId: r.match.roomId,
        region: r.match.region,
        team: r.team,
        replaces: r.replaces,
        createdAt: r.createdAt,
        seat: leaver ? { mu: leaver.muBefore, sigma: leaver.sigmaBefore } : { mu: 25, sigma: 25 / 3 },
        playerIds: r.match.participants.map((p) => p.accountId),
      };
    });
  }

  /**
   * Takes the seat for the player: the request is FILLED, their waiting ticket MATCHED to the match
   * and a participant row written (`backfill_for` = the leaver). False if the seat or the ticket
   * was taken meanwhile (nothing written).
   */
  async claim(p: BackfillPick): Promise<boolean> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const seat = await tx.matchBackfill.updateMany({ where: { id: p.requestId, status: "OPEN" }, data: { status: "FILLED", accountId: p.accountId, filledAt: p.at } });
        if (seat.count !== 1) throw new ClaimLost();
        const ticket = await tx.matchTicket.updateMany({ where: { id: p.ticketId, status: "WAITING" }, data: { status: "MATCHED", matchId: p.matchId } });
        if (ticket.count !== 1) throw new ClaimLost();
        await tx.matchParticipant.create({
          data: { matchId: p.matchId, accountId: p.accountId, team: p.team, partyId: null, waitSeconds: p.waitSeconds, muBefore: p.mu, sigmaBefore: p.sigma, backfillFor: p.replaces },
        });
        return true;
      });
    } catch (err) {
      if (err instanceof ClaimLost || isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /**
   * The room did not take the player: their ticket waits again (first in line by its age) and the
   * seat is offered again (`reopen`) or closed for good.
   */
  async release(p: BackfillPick, reopen: boolean): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.matchBackfill.updateMany({
        where: { id: p.requestId, status: "FILLED", accountId: p.accountId },
        data: reopen ? { status: "OPEN", accountId: null, filledAt: null } : { status: "CANCELLED" },
      });
      await tx.matchParticipant.deleteMany({ where: { matchId: p.matchId, accountId: p.accountId, joinedAt: null, backfillFor: { not: null } } });
      await tx.matchTicket.updateMany({ where: { id: p.ticketId, status: "MATCHED", matchId: p.matchId }, data: { status: "WAITING", matchId: null } });
    });
  }

  /** The player took the seat: the request is done and their ticket deleted. False if it was no longer theirs. */
  async joined(requestId: string, matchId: string, accountId: string, at: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.matchBackfill.updateMany({ where: { id: requestId, status: "FILLED", accountId }, data: { status: "JOINED" } });
      if (count === 0) return false;
      await tx.matchParticipant.updateMany({ where: { matchId, accountId }, data: { joinedAt: at } });
      await tx.matchTicket.deleteMany({ where: { matchId, players: { some: { accountId } } } });
      return true;
    });
  }

  /**
   * The player did not join in time: they lose their place (ticket and match record deleted, as
   * a matchmade no-show does) and the seat opens again for someone else. False if it was no longer theirs.
   */
  async noShow(requestId: string, matchId: string, accountId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.matchBackfill.updateMany({ where: { id: requestId, status: "FILLED", accountId }, data: { status: "OPEN", accountId: null, filledAt: null } });
      if (count === 0) return false;
      await tx.matchParticipant.deleteMany({ where: { matchId, accountId, joinedAt: null } });
      await tx.matchTicket.deleteMany({ where: { matchId, players: { some: { accountId } } } });
      return true;
    });
  }

  /**
   * The match ended: every open or filled seat is cancelled. Players picked who had not joined yet
   * leave the match record and their tickets wait again; those tickets are returned.
   */
  async close(matchId: string): Promise<TicketRow[]> {
    return this.prisma.$transaction(async (tx) => {
      // Locks every live seat (a claim in flight commits first and is seen FILLED here).
      const live = await tx.$queryRaw<{ status: string; account_id: string | null }[]>`
        SELECT status::text AS status, account_id::text AS account_id FROM match_backfills
        WHERE match_id = ${matchId}::uuid AND status IN ('OPEN', 'FILLED') FOR UPDATE`;
      if (live.length === 0) return [];
      await tx.matchBackfill.updateMany({ where: { matchId, status: { in: ["OPEN", "FILLED"] } }, data: { status: "CANCELLED" } });
      const ids = live.filter((r) => r.status === "FILLED" && r.account_id).map((r) => r.account_id!);
      if (ids.length === 0) return [];
      await tx.matchParticipant.deleteMany({ where: { matchId, accountId: { in: ids }, joinedAt: null } });
      const where = { matchId, status: "MATCHED" as const, players: { some: { accountId: { in: ids } } } };
      const tickets = (await tx.matchTicket.findMany({ where, select: ticketSelect })).map(toRow);
      await tx.matchTicket.updateMany({ where, data: { status: "WAITING", matchId: null } });
      return tickets;
    });
  }
}

class ClaimLost extends Error {}
