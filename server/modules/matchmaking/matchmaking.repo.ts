import { batched, byKey } from "../../db/batched";
import type { PrismaClient } from "../../db/database";
import { Prisma } from "../../db/generated/client";
import { preparedAs } from "../../db/prepared-statements";
import type { SqlRunner } from "../../db/sql-runner";
import { findNames, type AccountNames } from "../accounts/account-names.repo";

export interface TicketRow {
  id: string;
  mode: string;
  region: string;
  partyId: string | null;
  leaderId: string;
  status: "WAITING" | "MATCHED";
  enqueuedAt: Date;
  matchId: string | null;
  playerIds: string[];
}

export interface NewMatch {
  id: string;
  mode: string;
  region: string;
  quality: number;
  createdAt: Date;
  participants: { accountId: string; team: number; partyId: string | null; waitSeconds: number; mu: number; sigma: number }[];
}

export const ticketSelect = {
  id: true,
  mode: true,
  region: true,
  partyId: true,
  leaderId: true,
  status: true,
  enqueuedAt: true,
  matchId: true,
  players: { select: { accountId: true } },
} as const;

type TicketRecord = {
  id: string;
  mode: string;
  region: string;
  partyId: string | null;
  leaderId: string;
  status: "WAITING" | "MATCHED";
  enqueuedAt: Date;
  matchId: string | null;
  players: { accountId: string }[];
};

interface TicketOfRow {
  account_id: string;
  id: string;
  mode: string;
  region: string;
  party_id: string | null;
  leader_id: string;
  status: "WAITING" | "MATCHED";
  enqueued_at: Date | string;
  match_id: string | null;
  player_ids: string[];
}

export const toRow = (t: TicketRecord): TicketRow => ({ ...t, playerIds: t.players.map((p) => p.accountId) });

export class MatchmakingRepo {
  constructor(
    private readonly prisma: PrismaClient,
    /** ticketOf runs on every final leave: one statement straight on the driver (Prisma's nested read took three). */
    private readonly sql: SqlRunner,
  ) {}

  /** Inserts a waiting ticket; the primary key on its players refuses anyone already on a ticket. */
  async insertTicket(t: { id: string; mode: string; region: string; partyId: string | null; leaderId: string; enqueuedAt: Date; playerIds: string[] }): Promise<void> {
    await this.prisma.matchTicket.create({
      data: {
        id: t.id,
        mode: t.mode,
        region: t.region,
        partyId: t.partyId,
        leaderId: t.leaderId,
        enqueuedAt: t.enqueuedAt,
        players: { create: t.playerIds.map((accountId) => ({ accountId })) },
      },
    });
  }

  /** Concurrent calls (e.g. many players leaving at once) share one statement. */
  ticketOf(accountId: string): Promise<TicketRow | null> {
    return this.ticketOfLoader.load(accountId);
  }

  private readonly ticketOfLoader = batched<string, TicketRow | null>(async (accountIds) => {
    const rows = await this.sql.rows<TicketOfRow>(Prisma.sql`${preparedAs("ticket_of")}
      SELECT me.account_id::text AS account_id, t.id::text AS id, t.mode, t.region, t.party_id::text AS party_id,
             t.leader_id::text AS leader_id, t.status::text AS status, t.enqueued_at, t.match_id::text AS match_id,
             array_agg(p.account_id::text ORDER BY p.account_id) AS player_ids
      FROM match_ticket_players me
      JOIN match_tickets t ON t.id = me.ticket_id
      JOIN match_ticket_players p ON p.ticket_id = t.id
      WHERE me.account_id = ANY(${[...accountIds]}::uuid[])
      GROUP BY me.account_id, t.id`);
    return byKey(
      accountIds,
      rows,
      (r) => r.account_id,
      (_: TicketRow | null, r): TicketRow => ({
        id: r.id,
        mode: r.mode,
        region: r.region,
        partyId: r.party_id,
        leaderId: r.leader_id,
        status: r.status,
        enqueuedAt: new Date(r.enqueued_at),
        matchId: r.match_id,
        playerIds: r.player_ids,
      }),
      () => null,
    );
  });

  async ticketOfParty(partyId: string): Promise<TicketRow | null> {
    const t = await this.prisma.matchTicket.findFirst({ where: { partyId }, select: ticketSelect });
    return t ? toRow(t) : null;
  }

  /** Deletes the ticket if it is still waiting; returns it, or null if it was matched or gone. */
  async cancelWaiting(ticketId: string): Promise<TicketRow | null> {
    return this.prisma.$transaction(async (tx) => {
      const t = await tx.matchTicket.findUnique({ where: { id: ticketId }, select: ticketSelect });
      if (!t || t.status !== "WAITING") return null;
      const { count } = await tx.matchTicket.deleteMany({ where: { id: ticketId, status: "WAITING" } });
      return count === 1 ? toRow(t) : null;
    });
  }

  async waiting(mode: string): Promise<TicketRow[]> {
    const rows = await this.prisma.matchTicket.findMany({ where: { mode, status: "WAITING" }, orderBy: [{ enqueuedAt: "asc" }, { id: "asc" }], select: ticketSelect });
    return rows.map(toRow);
  }

  /** Pairs (a, b) among `accountIds` where a blocked b. */
  async blocksAmong(accountIds: string[]): Promise<{ accountId: string; otherId: string }[]> {
    if (accountIds.length === 0) return [];
    return this.prisma.friendEdge.findMany({
      where: { state: "BLOCKED", accountId: { in: accountIds }, otherId: { in: accountIds } },
      select: { accountId: true, otherId: true },
    });
  }

  /** The match being played (ACTIVE) that the player is in (and has not left), with its players. */
  async activeMatchOf(accountId: string): Promise<{ id: string; mode: string; playerIds: string[] } | null> {
    const p = await this.prisma.matchParticipant.findFirst({
      where: { accountId, leftAt: null, match: { status: "ACTIVE" } },
      select: { match: { select: { id: true, mode: true, participants: { select: { accountId: true } } } } },
    });
    return p ? { id: p.match.id, mode: p.match.mode, playerIds: p.match.participants.map((x) => x.accountId) } : null;
  }

  /** Is any of the players in a match that is forming or being played (and not left for good)? */
  async activeMatchOfAny(accountIds: string[]): Promise<string | null> {
    const p = await this.prisma.matchParticipant.findFirst({
      where: { accountId: { in: accountIds }, leftAt: null, match: { status: { in: ["PENDING", "ACTIVE"] } } },
      select: { matchId: true },
    });
    return p?.matchId ?? null;
  }

  /**
   * Claims the tickets for a new match in one transaction: every ticket must still be waiting
   * (another owner, or a cancel, may have taken one), or nothing is written and false returned.
   */
  async claim(match: NewMatch, ticketIds: string[]): Promise<boolean> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.matchTicket.updateMany({
          where: { id: { in: ticketIds }, status: "WAITING" },
          data: { status: "MATCHED", matchId: match.id },
        });
        if (count !== ticketIds.length) throw new ClaimLost();
        await tx.match.create({
          data: {
            id: match.id,
            mode: match.mode,
            region: match.region,
            quality: match.quality,
            status: "PENDING",
            createdAt: match.createdAt,
            participants: {
              create: match.participants.map((p) => ({
                accountId: p.accountId,
                team: p.team,
                partyId: p.partyId,
                waitSeconds: p.waitSeconds,
                muBefore: p.mu,
                sigmaBefore: p.sigma,
              })),
            },
          },
        });
        return true;
      });
    } catch (err) {
      if (err instanceof ClaimLost) return false;
      throw err;
    }
  }

  async setHost(matchId: string, roomId: string, hostProcess: string): Promise<void> {
    await this.prisma.match.updateMany({ where: { id: matchId }, data: { roomId, hostProcess } });
  }

  /** Pending and active matches whose room lived on `hostProcess`, with the players still in them. */
  async hostedBy(hostProcess: string): Promise<{ id: string; status: "PENDING" | "ACTIVE"; playerIds: string[] }[]> {
    const rows = await this.prisma.match.findMany({
      where: { hostProcess, status: { in: ["PENDING", "ACTIVE"] } },
      select: { id: true, status: true, participants: { where: { leftAt: null }, select: { accountId: true } } },
    });
    return rows.map((r) => ({ id: r.id, status: r.status as "PENDING" | "ACTIVE", playerIds: r.participants.map((p) => p.accountId) }));
  }

  /** Everyone joined: the match is on and its tickets are done. False if it was no longer pending. */
  async activate(matchId: string, at: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.match.updateMany({ where: { id: matchId, status: "PENDING" }, data: { status: "ACTIVE", startedAt: at } });
      if (count === 0) return false;
      await tx.matchTicket.deleteMany({ where: { matchId } });
      return true;
    });
  }

  /**
   * Calls off a pending match: tickets holding a no-show are deleted, the others wait again with
   * their original enqueue time (so they are first in line). Null if the match was not pending.
   */
  /** `unticketed`: players without a ticket in the match (a custom lobby's): nobody requeues them. */
  async cancelPending(matchId: string, noShowIds: string[], at: Date, reason: string): Promise<{ requeued: TicketRow[]; dropped: TicketRow[]; unticketed: string[] } | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.match.updateMany({ where: { id: matchId, status: "PENDING" }, data: { status: "CANCELLED", finishedAt: at, endReason: reason } });
      if (count === 0) return null;
      const tickets = (await tx.matchTicket.findMany({ where: { matchId }, select: ticketSelect })).map(toRow);
      const noShow = new Set(noShowIds);
      const dropped = tickets.filter((t) => t.playerIds.some((id) => noShow.has(id)));
      const requeued = tickets.filter((t) => !dropped.includes(t));
      const ticketed = new Set(tickets.flatMap((t) => t.playerIds));
      const participants = await tx.matchParticipant.findMany({ where: { matchId }, select: { accountId: true } });
      const unticketed = participants.map((p) => p.accountId).filter((id) => !ticketed.has(id));
      if (dropped.length > 0) await tx.matchTicket.deleteMany({ where: { id: { in: dropped.map((t) => t.id) } } });
      if (requeued.length > 0) {
        await tx.matchTicket.updateMany({ where: { id: { in: requeued.map((t) => t.id) } }, data: { status: "WAITING", matchId: null } });
      }
      return { requeued, dropped, unticketed };
    });
  }

  /** An active match ends without a result (ratings untouched). False if it was not active. */
  async abandonActive(matchId: string, at: Date, reason: string): Promise<boolean> {
    const { count } = await this.prisma.match.updateMany({ where: { id: matchId, status: "ACTIVE" }, data: { status: "CANCELLED", finishedAt: at, endReason: reason } });
    return count === 1;
  }

  /** Pending matches formed before `before` (their hand-off should have finished long ago). */
  async stalePending(before: Date): Promise<{ id: string; playerIds: string[] }[]> {
    const rows = await this.prisma.match.findMany({
      where: { status: "PENDING", createdAt: { lt: before } },
      select: { id: true, participants: { select: { accountId: true } } },
      take: 100,
    });
    return rows.map((r) => ({ id: r.id, playerIds: r.participants.map((p) => p.accountId) }));
  }

  async matchPlayers(matchId: string): Promise<{ mode: string; players: { accountId: string; team: number }[] } | null> {
    const m = await this.prisma.match.findUnique({ where: { id: matchId }, select: { mode: true, participants: { select: { accountId: true, team: true } } } });
    return m ? { mode: m.mode, players: m.participants } : null;
  }

  /**
   * Takes or renews the lease on `queue` for `owner` until `until`. Succeeds when nobody holds it,
   * the holder is `owner`, or the holder's lease expired (its process stopped renewing).
   */
  async tryLease(queue: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ owner: string }[]>`
      INSERT INTO queue_leases (queue, owner, expires_at) VALUES (${queue}, ${owner}, ${until})
      ON CONFLICT (queue) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
        WHERE queue_leases.owner = EXCLUDED.owner OR queue_leases.expires_at <= ${now}
      RETURNING owner`;
    return rows.length === 1 && rows[0]!.owner === owner;
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.prisma.queueLease.deleteMany({ where: { owner } });
  }

  async leaseHolder(queue: string): Promise<{ owner: string; expiresAt: Date } | null> {
    return this.prisma.queueLease.findUnique({ where: { queue }, select: { owner: true, expiresAt: true } });
  }

  names(ids: string[]): Promise<Map<string, AccountNames>> {
    return findNames(this.prisma, ids);
  }

  /** Waiting tickets and players per mode and region. */
  async waitingCounts(): Promise<{ mode: string; region: string; tickets: number; players: number }[]> {
    const rows = await this.prisma.$queryRaw<{ mode: string; region: string; tickets: bigint; players: bigint }[]>`
      SELECT t.mode, t.region, COUNT(DISTINCT t.id) AS tickets, COUNT(p.account_id) AS players
      FROM match_tickets t JOIN match_ticket_players p ON p.ticket_id = t.id
      WHERE t.status = 'WAITING' GROUP BY t.mode, t.region ORDER BY t.mode, t.region`;
    return rows.map((r) => ({ mode: r.mode, region: r.region, tickets: Number(r.tickets), players: Number(r.players) }));
  }

  /** Over matches formed since `since`: wait percentiles (per player) and average quality. */
  async windowStats(since: Date): Promise<{ matches: number; p50: number | null; p95: number | null; quality: number | null }> {
    const [row] = await this.prisma.$queryRaw<{ matches: bigint; p50: number | null; p95: number | null; quality: number | null }[]>`
      SELECT (SELECT COUNT(*) FROM matches WHERE created_at >= ${since}) AS matches,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY p.wait_seconds) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY p.wait_seconds) AS p95,
             (SELECT AVG(quality) FROM matches WHERE created_at >= ${since}) AS quality
      FROM match_participants p JOIN matches m ON m.id = p.match_id WHERE m.created_at >= ${since}`;
    return { matches: Number(row?.matches ?? 0), p50: row?.p50 ?? null, p95: row?.p95 ?? null, quality: row?.quality ?? null };
  }
}

class ClaimLost extends Error {}
