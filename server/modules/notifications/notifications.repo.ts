import type { PrismaClient } from "../../db/database";
import { preparedAs } from "../../db/prepared-statements";
import type { PublicAccount } from "../identity";
import { PUBLIC_ACCOUNT_SELECT } from "../accounts/account-names.repo";

export interface NotificationRow {
  id: string;
  type: string;
  actor: PublicAccount | null;
  createdAt: Date;
  readAt: Date | null;
}

const select = {
  id: true,
  type: true,
  createdAt: true,
  readAt: true,
  actor: { select: PUBLIC_ACCOUNT_SELECT },
} as const;

export class NotificationsRepo {
  constructor(private readonly prisma: PrismaClient) {}

  async insert(n: {
    id: string;
    recipientId: string;
    actorId: string | null;
    type: string;
    dedupeKey: string | null;
    createdAt: Date;
  }): Promise<NotificationRow> {
    return this.prisma.notification.create({ data: n, select });
  }

  /**
   * Stores a notification that merges with an unread one of the same key: moves that one to
   * `createdAt`, or inserts. A transaction-scoped advisory lock on (recipient, key) makes it atomic,
   * so concurrent notifies (two processes announcing the same friend) never store two.
   */
  async upsertDeduped(n: { id: string; recipientId: string; actorId: string | null; type: string; dedupeKey: string; createdAt: Date }): Promise<NotificationRow> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`notification:${n.recipientId}:${n.dedupeKey}`}, 0))`;
      const existing = await tx.notification.findFirst({ where: { recipientId: n.recipientId, dedupeKey: n.dedupeKey, readAt: null }, select: { id: true } });
      if (existing) return tx.notification.update({ where: { id: existing.id }, data: { createdAt: n.createdAt }, select });
      return tx.notification.create({ data: n, select });
    });
  }

  /**
   * `upsertDeduped` for many recipients in one round trip (the lobby_upsert_notifications function:
   * the same advisory locks, so it never races the one-recipient path). Recipients whose account is
   * gone are skipped.
   */
  async upsertDedupedMany(
    recipientIds: string[],
    actor: PublicAccount,
    type: string,
    dedupeKey: string,
    createdAt: Date,
  ): Promise<(NotificationRow & { recipientId: string })[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; recipient_id: string; type: string; created_at: Date; read_at: Date | null }[]>`
      ${preparedAs("notify_many")} SELECT id::text, recipient_id::text, type, created_at, read_at
      FROM lobby_upsert_notifications(${recipientIds}::uuid[], ${actor.id}::uuid, ${type}, ${dedupeKey}, ${createdAt}::timestamptz)`;
    return rows.map((r) => ({ id: r.id, recipientId: r.recipient_id, type: r.type, actor, createdAt: r.created_at, readAt: r.read_at }));
  }

  /** Newest first; `after` is the last row of the previous page. */
  list(
    recipientId: string,
    opts: { unreadOnly: boolean; after?: { createdAt: Date; id: string }; limit: number },
  ): Promise<NotificationRow[]> {
    const { after } = opts;
    return this.prisma.notification.findMany({
      where: {
        recipientId,
        ...(opts.unreadOnly ? { readAt: null } : {}),
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit,
      select,
    });
  }

  unreadCount(recipientId: string): Promise<number> {
    return this.prisma.notification.count({ where: { recipientId, readAt: null } });
  }

  async markRead(recipientId: string, ids: string[] | "all", at: Date): Promise<number> {
    const res = await this.prisma.notification.updateMany({
      where: { recipientId, readAt: null, ...(ids === "all" ? {} : { id: { in: ids } }) },
      data: { readAt: at },
    });
    return res.count;
  }
}
