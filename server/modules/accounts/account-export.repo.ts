import type { PrismaClient } from "../../db/database";

/** Rows of the export that can grow without bound are capped: the newest this many. */
export const EXPORT_ROW_CAP = 10_000;

/** Everything an account owns, read for a data-protection export (GET /me/export). */
export class AccountExportRepo {
  constructor(private readonly prisma: PrismaClient) {}

  async read(accountId: string) {
    const p = this.prisma;
    const take = EXPORT_ROW_CAP + 1;
    const [account, sessions, edges, notifications, messages, party, matches, ratings] = await Promise.all([
      p.account.findUnique({
        where: { id: accountId },
        select: { id: true, username: true, displayName: true, guest: true, createdAt: true, lastSeenAt: true, presenceStatus: true, presenceText: true, dmPolicy: true, joinPolicy: true },
      }),
      p.session.findMany({ where: { accountId }, orderBy: { createdAt: "desc" }, take, select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true, revokedReason: true, userAgent: true, ip: true } }),
      p.friendEdge.findMany({ where: { accountId }, orderBy: { createdAt: "asc" }, take, select: { otherId: true, state: true, createdAt: true, other: { select: { username: true, displayName: true } } } }),
      p.notification.findMany({ where: { recipientId: accountId }, orderBy: { createdAt: "desc" }, take, select: { id: true, type: true, actorId: true, createdAt: true, readAt: true } }),
      p.chatMessage.findMany({ where: { senderId: accountId }, orderBy: { createdAt: "desc" }, take, select: { channelId: true, seq: true, body: true, createdAt: true, deletedAt: true, deleteReason: true } }),
      p.partyMember.findUnique({ where: { accountId }, select: { partyId: true, ready: true, joinedAt: true, party: { select: { leaderId: true } } } }),
      p.matchParticipant.findMany({
        where: { accountId },
        orderBy: { match: { createdAt: "desc" } },
        take,
        select: { matchId: true, team: true, score: true, muBefore: true, sigmaBefore: true, muAfter: true, sigmaAfter: true, backfillFor: true, leftAt: true, match: { select: { mode: true, region: true, status: true, winnerTeam: true, createdAt: true, finishedAt: true } } },
      }),
      p.rating.findMany({ where: { accountId }, orderBy: { mode: "asc" }, select: { mode: true, mu: true, sigma: true, games: true, updatedAt: true } }),
    ]);
    return { account, sessions, edges, notifications, messages, party, matches, ratings };
  }
}
