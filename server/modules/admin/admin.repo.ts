import type { PrismaClient } from "../../db/database";
import { findNames, PUBLIC_ACCOUNT_SELECT, type AccountNames } from "../accounts/account-names.repo";
import type { Prisma } from "../../db/generated/client";
import { activeBanOf } from "../auth/auth.repo";
import type { AccountRoleDb } from "./operator-roles";

export type { AccountRoleDb } from "./operator-roles";

/** What an operator login or token check needs: the account, its token version and the ban in force. */
export interface OperatorAccountRow {
  id: string;
  username: string;
  role: AccountRoleDb;
  disabledAt: Date | null;
  tokenVersion: number;
  ban: { expiresAt: Date | null } | null;
}

interface OperatorSqlRow {
  id: string;
  username: string;
  role: AccountRoleDb;
  disabled_at: Date | null;
  operator_token_version: number;
  ban_found: boolean | null;
  ban_expires_at: Date | null;
  password_hash?: string;
}

export interface AuditEntry {
  id: string;
  operatorId: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  details?: Record<string, unknown>;
  createdAt: Date;
}

type Tx = Prisma.TransactionClient;

const reportSelect = {
  id: true,
  reason: true,
  note: true,
  createdAt: true,
  resolvedAt: true,
  reporter: { select: PUBLIC_ACCOUNT_SELECT },
  message: { select: { id: true, channelId: true, body: true, originalBody: true, sender: { select: PUBLIC_ACCOUNT_SELECT } } },
} as const;

export type ReportRow = Prisma.ChatReportGetPayload<{ select: typeof reportSelect }>;

/** Operators, sanctions, the audit log and the read models of the operator console. */
export class AdminRepo {
  constructor(private readonly prisma: PrismaClient) {}

  findAccountByUsernameKey(usernameKey: string) {
    return this.prisma.account.findUnique({
      where: { usernameKey },
      select: { id: true, username: true, role: true, passwordHash: true, disabledAt: true },
    });
  }

  findAccount(id: string) {
    return this.prisma.account.findUnique({
      where: { id },
      select: { id: true, username: true, displayName: true, role: true, createdAt: true, disabledAt: true, guest: true, email: true, pendingEmail: true },
    });
  }

  /** Ends every live session of the account (the player may log in again); returns how many. */
  async endSessions(tx: Tx, accountId: string, now: Date): Promise<number> {
    const { count } = await tx.session.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now, revokedReason: "ended_by_operator" } });
    return count;
  }

  /** The account an operator login names, with its password hash (one statement). */
  async findOperatorForLogin(usernameKey: string, now: Date): Promise<(OperatorAccountRow & { passwordHash: string }) | null> {
    const rows = await this.prisma.$queryRaw<OperatorSqlRow[]>`
      SELECT a.id::text, a.username, a.role::text AS role, a.disabled_at, a.operator_token_version, a.password_hash,
             b.found AS ban_found, b.expires_at AS ban_expires_at
      FROM accounts a LEFT JOIN LATERAL (${activeBanOf(now)}) b ON true
      WHERE a.username_key = ${usernameKey}`;
    const r = rows[0];
    return r ? { ...operatorRow(r), passwordHash: r.password_hash ?? "" } : null;
  }

  /** The account behind an operator token, read on every admin request (one statement). */
  async findOperator(id: string, now: Date): Promise<OperatorAccountRow | null> {
    const rows = await this.prisma.$queryRaw<OperatorSqlRow[]>`
      SELECT a.id::text, a.username, a.role::text AS role, a.disabled_at, a.operator_token_version,
             b.found AS ban_found, b.expires_at AS ban_expires_at
      FROM accounts a LEFT JOIN LATERAL (${activeBanOf(now)}) b ON true
      WHERE a.id = ${id}::uuid`;
    const r = rows[0];
    return r ? operatorRow(r) : null;
  }

  /** Back to player also revokes the operator tokens for good (a later promotion does not revive them). */
  async setRole(tx: Tx, id: string, role: AccountRoleDb): Promise<void> {
    await tx.account.update({ where: { id }, data: role === "PLAYER" ? { role, operatorTokenVersion: { increment: 1 } } : { role } });
  }

  /**
   * Disables the account (kept at the first disable's time), revokes its sessions and its
   * operator tokens (inside the caller's transaction).
   */
  async disable(tx: Tx, id: string, now: Date): Promise<void> {
    await tx.account.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: now } });
    await this.revokeAccess(tx, id, now, "disabled");
  }

  async enable(tx: Tx, id: string): Promise<void> {
    await tx.account.update({ where: { id }, data: { disabledAt: null } });
  }

  async createOperator(a: { id: string; username: string; usernameKey: string; passwordHash: string; role: AccountRoleDb }): Promise<void> {
    await this.prisma.account.create({ data: { ...a, displayName: a.username } });
  }

  async updateOperator(id: string, data: { role: AccountRoleDb; passwordHash?: string }): Promise<void> {
    await this.prisma.account.update({ where: { id }, data });
  }

  /** Runs `fn` in one transaction, with the audit row written by the same transaction. */
  async withAudit<T>(entry: AuditEntry, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      const result = await fn(tx);
      await tx.auditLog.create({ data: auditData(entry) });
      return result;
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.prisma.auditLog.create({ data: auditData(entry) });
  }

  /** Stores a ban and revokes every live session of the account (inside the caller's transaction). */
  async ban(tx: Tx, b: { id: string; accountId: string; reason: string; createdBy: string; createdAt: Date; expiresAt: Date | null }): Promise<void> {
    await tx.accountSanction.create({ data: { ...b, kind: "BAN" } });
    await this.revokeAccess(tx, b.accountId, b.createdAt, "banned");
  }

  /** Revokes the account's live sessions and every operator token issued so far (an unban restores neither). */
  private async revokeAccess(tx: Tx, accountId: string, now: Date, reason: string): Promise<void> {
    await tx.session.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
    await tx.account.update({ where: { id: accountId }, data: { operatorTokenVersion: { increment: 1 } } });
  }

  /** Lifts every ban in force; returns how many. */
  async unban(tx: Tx, accountId: string, by: string, now: Date): Promise<number> {
    const lifted = await tx.accountSanction.updateMany({
      where: { accountId, kind: "BAN", revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      data: { revokedAt: now, revokedBy: by },
    });
    return lifted.count;
  }

  async resolveReport(tx: Tx, reportId: string, by: string, now: Date): Promise<boolean> {
    const updated = await tx.chatReport.updateMany({ where: { id: reportId, resolvedAt: null }, data: { resolvedAt: now, resolvedBy: by } });
    return updated.count === 1;
  }

  findReport(id: string) {
    return this.prisma.chatReport.findUnique({ where: { id }, select: { id: true, resolvedAt: true } });
  }

  /** Players whose username or display name starts with `prefix` (case-insensitive), by username. */
  async searchAccounts(prefix: string, limit: number, now: Date) {
    const rows = await this.prisma.account.findMany({
      where: prefix ? { OR: [{ usernameKey: { startsWith: literal(prefix.toLowerCase()) } }, { displayName: { startsWith: literal(prefix), mode: "insensitive" } }] } : {},
      orderBy: { usernameKey: "asc" },
      take: limit,
      select: {
        id: true,
        username: true,
        displayName: true,
        role: true,
        createdAt: true,
        sanctions: { where: activeBanWhere(now), select: { id: true }, take: 1 },
      },
    });
    return rows.map(({ sanctions, ...r }) => ({ ...r, banned: sanctions.length > 0 }));
  }

  async playerDetail(id: string) {
    const account = await this.findAccount(id);
    if (!account) return null;
    const [sessions, friendsCount, ratings, participations, reports, bans, mutes, lastSeen] = await Promise.all([
      this.prisma.session.findMany({
        where: { accountId: id },
        orderBy: { createdAt: "desc" },
        take: 50,
        select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true, userAgent: true, ip: true },
      }),
      this.prisma.friendEdge.count({ where: { accountId: id, state: "FRIEND" } }),
      this.prisma.rating.findMany({ where: { accountId: id }, orderBy: { mode: "asc" } }),
      this.prisma.matchParticipant.findMany({
        where: { accountId: id },
        orderBy: { match: { createdAt: "desc" } },
        take: 20,
        select: { team: true, match: { select: { id: true, mode: true, status: true, winnerTeam: true, createdAt: true } } },
      }),
      this.prisma.chatReport.findMany({
        where: { message: { senderId: id } },
        orderBy: { createdAt: "desc" },
        take: 50,
        select: reportSelect,
      }),
      this.prisma.accountSanction.findMany({ where: { accountId: id }, orderBy: { createdAt: "desc" }, take: 50 }),
      this.prisma.chatMute.findMany({ where: { accountId: id }, orderBy: { createdAt: "desc" }, take: 50 }),
      this.prisma.account.findUnique({ where: { id }, select: { lastSeenAt: true } }),
    ]);
    const operatorIds = [...new Set([...bans.map((b) => b.createdBy), ...mutes.map((m) => m.createdBy)].filter((x): x is string => !!x))];
    const operators = await this.names(operatorIds);
    return { account, sessions, friendsCount, ratings, participations, reports, bans, mutes, operators, lastSeenAt: lastSeen?.lastSeenAt ?? null };
  }

  names(ids: string[]): Promise<Map<string, AccountNames>> {
    return findNames(this.prisma, ids);
  }

  listReports(status: "open" | "resolved", limit: number) {
    return this.prisma.chatReport.findMany({
      where: { resolvedAt: status === "open" ? null : { not: null } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      select: reportSelect,
    });
  }

  async chatFeed(channelId: string, limit: number) {
    return this.prisma.chatMessage.findMany({
      where: { channelId, deletedAt: null },
      orderBy: { seq: "desc" },
      take: limit,
      select: {
        id: true,
        channelId: true,
        seq: true,
        body: true,
        originalBody: true,
        createdAt: true,
        sender: { select: PUBLIC_ACCOUNT_SELECT },
        _count: { select: { reports: true } },
      },
    });
  }

  findMessage(id: bigint) {
    return this.prisma.chatMessage.findUnique({ where: { id }, select: { id: true, channelId: true, senderId: true, deletedAt: true } });
  }

  /** Messages per minute since `since` (minute starts in epoch ms -> count). */
  async messagesPerMinute(since: Date): Promise<Map<number, number>> {
    const rows = await this.prisma.$queryRaw<{ minute: Date; n: bigint }[]>`
      SELECT date_trunc('minute', created_at) AS minute, count(*)::bigint AS n
      FROM chat_messages WHERE created_at >= ${since} GROUP BY 1`;
    return new Map(rows.map((r) => [new Date(r.minute).getTime(), Number(r.n)]));
  }

  countMessagesSince(since: Date): Promise<number> {
    return this.prisma.chatMessage.count({ where: { createdAt: { gte: since } } });
  }

  listParties(limit: number) {
    return this.prisma.party.findMany({
      orderBy: { createdAt: "desc" },
      take: limit,
      select: { id: true, leaderId: true, members: { select: { account: { select: PUBLIC_ACCOUNT_SELECT } } } },
    });
  }

  listLiveMatches(limit: number) {
    return this.prisma.match.findMany({
      where: { status: { in: ["PENDING", "ACTIVE"] } },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: {
        id: true,
        mode: true,
        status: true,
        roomId: true,
        participants: { select: { team: true, account: { select: PUBLIC_ACCOUNT_SELECT } } },
      },
    });
  }

  /** Audit rows newest first, after the keyset (createdAt, id) when given. */
  auditPage(limit: number, after?: { at: Date; id: string }) {
    return this.prisma.auditLog.findMany({
      where: after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    });
  }
}

export const activeBanWhere = (now: Date) => ({
  kind: "BAN" as const,
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

function operatorRow(r: OperatorSqlRow): OperatorAccountRow {
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    disabledAt: r.disabled_at,
    tokenVersion: r.operator_token_version,
    ban: r.ban_found ? { expiresAt: r.ban_expires_at } : null,
  };
}

function auditData(e: AuditEntry) {
  return {
    id: e.id,
    operatorId: e.operatorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    reason: e.reason,
    details: e.details === undefined ? undefined : (e.details as Prisma.InputJsonValue),
    createdAt: e.createdAt,
  };
}

/** Prisma's startsWith is a LIKE pattern: `_` (allowed in usernames) and `%` must match themselves. */
const literal = (text: string): string => text.replace(/[\\%_]/g, "\\$&");
