import type { PrismaClient } from "../../db/database";

export interface LiveSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
}

/** An account's own sessions: the list a player sees, ending one, and a password change. */
export class SessionsRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /** Sessions not ended and not expired at `now`, newest first. */
  live(accountId: string, now: Date): Promise<LiveSession[]> {
    return this.prisma.session.findMany({
      where: { accountId, revokedAt: null, expiresAt: { gt: now } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true },
      take: 500,
    });
  }

  /** Ends the session if it is the account's and still live; false otherwise (nothing written). */
  async endOwn(accountId: string, sessionId: string, reason: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.session.updateMany({
      where: { id: sessionId, accountId, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now, revokedReason: reason },
    });
    return count === 1;
  }

  /**
   * In one transaction: the new password hash, every other live session of the account ended
   * (their ids returned), and this session's refresh tokens replaced by `token` (a spent one
   * presented later counts as reuse, like after any rotation).
   */
  async changePassword(p: { accountId: string; passwordHash: string; sessionId: string; token: { id: string; tokenHash: string }; reason: string; now: Date }): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      await tx.account.update({ where: { id: p.accountId }, data: { passwordHash: p.passwordHash } });
      const ended = await tx.$queryRaw<{ id: string }[]>`
        UPDATE sessions SET revoked_at = ${p.now}, revoked_reason = ${p.reason}
        WHERE account_id = ${p.accountId}::uuid AND id <> ${p.sessionId}::uuid AND revoked_at IS NULL
        RETURNING id::text AS id`;
      await tx.refreshToken.updateMany({ where: { sessionId: p.sessionId, rotatedAt: null }, data: { rotatedAt: p.now } });
      await tx.refreshToken.create({ data: { id: p.token.id, sessionId: p.sessionId, tokenHash: p.token.tokenHash } });
      await tx.session.update({ where: { id: p.sessionId }, data: { lastUsedAt: p.now } });
      return ended.map((r) => r.id);
    });
  }
}
