import type { PrismaClient } from "../../db/database";

export interface NotificationRow {
  id: string;
  type: string;
  actor: { id: string; username: string } | null;
  createdAt: Date;
  readAt: Date | null;
}

const select = {
  id: true,
  type: true,
  createdAt: true,
  readAt: true,
  actor: { select: { id: true, username: true } },
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
   * Moves an unread notification with the same dedupe key to `createdAt`; null if none (or if it
   * was read or deleted meanwhile).
   */
  async refreshUnread(recipientId: string, dedupeKey: string, createdAt: Date): Promise<NotificationRow | null> {
    const existing = await this.prisma.notification.findFirst({
      where: { recipientId, dedupeKey, readAt: null },
      select: { id: true },
    });
    if (!existing) return null;
    const moved = await this.prisma.notification.updateMany({ where: { id: existing.id, readAt: null }, data: { createdAt } });
    if (moved.count === 0) return null;
    return this.prisma.notification.findUnique({ where: { id: existing.id }, select });
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
