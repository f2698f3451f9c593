import type { PrismaClient } from "../../db/database";

type Purpose = "VERIFY" | "RESET";

/** Accounts' addresses and the single-use tokens mailed to them (stored as SHA-256 hashes). */
export class EmailRecoveryRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /** The address waits for verification; a token for it is stored (earlier unused ones of the purpose are spent). */
  async setPending(accountId: string, email: string, token: { hash: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.account.update({ where: { id: accountId }, data: { pendingEmail: email } });
      await tx.emailToken.updateMany({ where: { accountId, purpose: "VERIFY", usedAt: null }, data: { usedAt: now } });
      await tx.emailToken.create({ data: { tokenHash: token.hash, accountId, purpose: "VERIFY", email, createdAt: now, expiresAt: token.expiresAt } });
    });
  }

  /** The account with this verified address, if it can log in. */
  accountByEmail(email: string): Promise<{ id: string; username: string } | null> {
    return this.prisma.account.findFirst({ where: { email, disabledAt: null }, select: { id: true, username: true } });
  }

  async storeReset(accountId: string, email: string, token: { hash: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.emailToken.updateMany({ where: { accountId, purpose: "RESET", usedAt: null }, data: { usedAt: now } });
      await tx.emailToken.create({ data: { tokenHash: token.hash, accountId, purpose: "RESET", email, createdAt: now, expiresAt: token.expiresAt } });
    });
  }

  /** A live token's account, without spending it. */
  async live(hash: string, purpose: Purpose, now: Date): Promise<{ accountId: string; username: string } | null> {
    const t = await this.prisma.emailToken.findFirst({ where: { tokenHash: hash, purpose, usedAt: null, expiresAt: { gt: now } }, select: { accountId: true, account: { select: { username: true } } } });
    return t ? { accountId: t.accountId, username: t.account.username } : null;
  }

  /**
   * Spends a live token of `purpose` and runs `then` in the same transaction (it sees the token's
   * account and address). Null when the token is unknown, used or expired.
   */
  async spend<T>(hash: string, purpose: Purpose, now: Date, then: (t: { accountId: string; email: string; username: string }, tx: Tx) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.emailToken.updateMany({ where: { tokenHash: hash, purpose, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (count === 0) return null;
      const token = await tx.emailToken.findUniqueOrThrow({ where: { tokenHash: hash }, select: { accountId: true, email: true, account: { select: { username: true } } } });
      return then({ accountId: token.accountId, email: token.email, username: token.account.username }, tx);
    });
  }

  /** Inside `spend`: the address becomes the account's verified one (a unique violation when another account has it verified). */
  static async verify(tx: Tx, accountId: string, email: string): Promise<void> {
    await tx.account.update({ where: { id: accountId }, data: { email, pendingEmail: null } });
  }

  /** Inside `spend`: the new password; every session of the account ended. */
  static async resetPassword(tx: Tx, accountId: string, passwordHash: string, now: Date): Promise<void> {
    await tx.account.update({ where: { id: accountId }, data: { passwordHash } });
    await tx.session.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now, revokedReason: "password_reset" } });
  }
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
