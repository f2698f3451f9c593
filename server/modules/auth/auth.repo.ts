import type { PrismaClient } from "../../db/database";
import type { SqlRunner } from "../../db/sql-runner";
import { Prisma } from "../../db/generated/client";
import type { AccountRecord, SessionRecord } from "./auth.types";
import { preparedAs } from "../../db/prepared-statements";

export interface NewSession {
  sessionId: string;
  accountId: string;
  expiresAt: Date;
  tokenId: string;
  tokenHash: string;
  userAgent: string | undefined;
  ip: string | undefined;
}

export interface RefreshTokenRecord {
  id: string;
  rotatedAt: Date | null;
  session: SessionRecord & { account: { username: string; displayName: string; disabledAt: Date | null } };
}

export interface SessionAuthRecord extends SessionRecord {
  account: { id: string; username: string; displayName: string; disabledAt: Date | null; createdAt: Date; guest: boolean };
}

const accountSelect = {
  id: true,
  username: true,
  usernameKey: true,
  displayName: true,
  passwordHash: true,
  disabledAt: true,
  createdAt: true,
} as const;

const sessionSelect = { id: true, accountId: true, expiresAt: true, revokedAt: true } as const;

/** Credentials, sessions and refresh tokens. */
export class AuthRepo {
  constructor(
    private readonly prisma: PrismaClient,
    /** The statements of every join and login, straight on the driver. */
    private readonly sql: SqlRunner,
  ) {}

  /** Creates the account and its first session in one transaction. Throws P2002 on a taken name. */
  async createAccountWithSession(
    account: { id: string; username: string; usernameKey: string; displayName: string; passwordHash: string },
    session: Omit<NewSession, "accountId">,
  ): Promise<AccountRecord> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.account.create({ data: account, select: accountSelect });
      await tx.session.create({ data: sessionData({ ...session, accountId: created.id }) });
      return created;
    });
  }

  findAccountByUsernameKey(usernameKey: string): Promise<AccountRecord | null> {
    return this.prisma.account.findUnique({ where: { usernameKey }, select: accountSelect });
  }

  /**
   * The account a login names, with the ban in force on it at `now` that lasts longest (a permanent
   * one first), in one statement: a login reads nothing else before it writes its session.
   */
  async findAccountForLogin(usernameKey: string, now: Date): Promise<(AccountRecord & { ban: { expiresAt: Date | null; reason: string } | null }) | null> {
    const rows = await this.sql.rows<
      {
        id: string;
        username: string;
        username_key: string;
        display_name: string;
        password_hash: string;
        disabled_at: Date | null;
        created_at: Date;
        ban_found: boolean | null;
        ban_expires_at: Date | null;
        ban_reason: string | null;
      }
    >(Prisma.sql`${preparedAs("login_account")} SELECT a.id::text, a.username, a.username_key, a.display_name, a.password_hash, a.disabled_at, a.created_at,
             b.found AS ban_found, b.expires_at AS ban_expires_at, b.reason AS ban_reason
      FROM accounts a
      LEFT JOIN LATERAL (${activeBanOf(now)}) b ON true
      WHERE a.username_key = ${usernameKey}`);
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      username: r.username,
      usernameKey: r.username_key,
      displayName: r.display_name,
      passwordHash: r.password_hash,
      disabledAt: r.disabled_at,
      createdAt: r.created_at,
      ban: r.ban_found ? { expiresAt: r.ban_expires_at, reason: r.ban_reason ?? "" } : null,
    };
  }

  findAccountById(id: string): Promise<AccountRecord | null> {
    return this.prisma.account.findUnique({ where: { id }, select: accountSelect });
  }

  /** The session and its first refresh token in one statement (atomic; no transaction round trips). */
  async createSession(s: NewSession): Promise<void> {
    await this.sql.rows(Prisma.sql`${preparedAs("create_session")} WITH session AS (
        INSERT INTO sessions (id, account_id, expires_at, user_agent, ip)
        VALUES (${s.sessionId}::uuid, ${s.accountId}::uuid, ${s.expiresAt}, ${s.userAgent?.slice(0, 256) ?? null}, ${s.ip?.slice(0, 64) ?? null})
        RETURNING id)
      INSERT INTO refresh_tokens (id, session_id, token_hash) SELECT ${s.tokenId}::uuid, session.id, ${s.tokenHash} FROM session`);
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return this.prisma.refreshToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        rotatedAt: true,
        session: { select: { ...sessionSelect, account: { select: { username: true, displayName: true, disabledAt: true } } } },
      },
    });
  }

  /**
   * Marks `tokenId` used and stores its successor, atomically. Returns false when the token was
   * already rotated (a concurrent or replayed use), in which case nothing changes.
   */
  async rotateRefreshToken(
    tokenId: string,
    sessionId: string,
    next: { id: string; tokenHash: string },
    now: Date,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const used = await tx.refreshToken.updateMany({ where: { id: tokenId, rotatedAt: null }, data: { rotatedAt: now } });
      if (used.count !== 1) return false;
      await tx.refreshToken.create({ data: { id: next.id, sessionId, tokenHash: next.tokenHash } });
      await tx.session.update({ where: { id: sessionId }, data: { lastUsedAt: now } });
      return true;
    });
  }

  /** One statement (Prisma would read the account in a second one): this runs on every uncached session check. */
  async findSessionForAuth(sessionId: string): Promise<SessionAuthRecord | null> {
    const rows = await this.sql.rows<
      { id: string; account_id: string; expires_at: Date; revoked_at: Date | null; username: string; display_name: string; disabled_at: Date | null; created_at: Date; guest: boolean }
    >(Prisma.sql`${preparedAs("session_for_auth")} SELECT s.id::text, s.account_id::text, s.expires_at, s.revoked_at, a.username, a.display_name, a.disabled_at, a.created_at, a.guest
      FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = ${sessionId}::uuid`);
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      accountId: row.account_id,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      account: { id: row.account_id, username: row.username, displayName: row.display_name, disabledAt: row.disabled_at, createdAt: row.created_at, guest: row.guest },
    };
  }

  /** The ids among `sessionIds` that are neither revoked nor expired at `now`. */
  async findLiveSessionIds(sessionIds: string[], now: Date): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.prisma.session.findMany({
      where: { id: { in: sessionIds }, revokedAt: null, expiresAt: { gt: now }, account: { disabledAt: null } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** The ban in force on the account at `now` that lasts longest (a permanent one first), if any. */
  async findActiveBan(accountId: string, now: Date): Promise<{ expiresAt: Date | null; reason: string } | null> {
    const rows = await this.prisma.$queryRaw<{ expires_at: Date | null; reason: string }[]>`
      ${preparedAs("active_ban")} SELECT b.expires_at, b.reason FROM accounts a JOIN LATERAL (${activeBanOf(now)}) b ON true WHERE a.id = ${accountId}::uuid`;
    const ban = rows[0];
    return ban ? { expiresAt: ban.expires_at, reason: ban.reason } : null;
  }

  async revokeSession(sessionId: string, reason: string, now: Date): Promise<void> {
    await this.prisma.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
  }

  async revokeAllSessions(accountId: string, reason: string, now: Date): Promise<void> {
    await this.prisma.session.updateMany({
      where: { accountId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
  }
}

function sessionData(s: NewSession) {
  return {
    id: s.sessionId,
    accountId: s.accountId,
    expiresAt: s.expiresAt,
    userAgent: s.userAgent?.slice(0, 256),
    ip: s.ip?.slice(0, 64),
    refreshTokens: { create: { id: s.tokenId, tokenHash: s.tokenHash } },
  };
}

/**
 * The ban in force on account `a` (the alias of the outer query) at `now` that lasts longest, a
 * permanent one first: one rule for the login's read, refresh's and the operator token check's.
 */
export function activeBanOf(now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT true AS found, s.expires_at, s.reason FROM account_sanctions s
    WHERE s.account_id = a.id AND s.kind = 'BAN' AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ${now})
    ORDER BY s.expires_at DESC NULLS FIRST LIMIT 1`;
}
