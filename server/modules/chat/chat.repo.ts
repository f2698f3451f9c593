import type { PrismaClient } from "../../db/database";
import { Prisma } from "../../db/generated/client";
import type { PublicAccount } from "../identity";
import { PUBLIC_ACCOUNT_SELECT } from "../accounts/account-names.repo";

export type ChannelKindDb = "PUBLIC" | "DM" | "PARTY";

export interface MessageRow {
  id: bigint;
  channelId: string;
  seq: bigint;
  body: string;
  createdAt: Date;
  sender: PublicAccount;
}

export interface MessageWithChannel extends MessageRow {
  senderId: string;
  deletedAt: Date | null;
  channel: { id: string; kind: ChannelKindDb };
}

/**
 * The account's DM channels with unread messages (newest first, at most 100): channel_id,
 * other_id, other_username, other_display_name, unread, newest. Shared with the lobby join's snapshot statement.
 */
export function dmUnreadQuery(accountId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT me.channel_id, other.account_id::text AS other_id, a.username AS other_username, a.display_name AS other_display_name, count(m.id) AS unread, max(m.id) AS newest
    FROM chat_channel_members me
    JOIN chat_channels c ON c.id = me.channel_id AND c.kind = 'DM'
    JOIN chat_channel_members other ON other.channel_id = me.channel_id AND other.account_id <> me.account_id
    JOIN accounts a ON a.id = other.account_id
    JOIN chat_messages m ON m.channel_id = me.channel_id AND m.seq > me.last_read_seq
      AND m.sender_id <> me.account_id AND m.deleted_at IS NULL
    WHERE me.account_id = ${accountId}::uuid
    GROUP BY me.channel_id, other.account_id, a.username, a.display_name
    ORDER BY max(m.id) DESC
    LIMIT 100`;
}

export interface DmUnreadRow {
  channelId: string;
  otherId: string;
  otherUsername: string;
  otherDisplayName: string;
  unread: number;
}

const messageSelect = {
  id: true,
  channelId: true,
  seq: true,
  body: true,
  createdAt: true,
  sender: { select: PUBLIC_ACCOUNT_SELECT },
} as const;

/** Channels, messages (numbered per channel), read markers, reports and mutes. */
export class ChatRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Creates the channels that do not exist yet. INSERT ... ON CONFLICT DO NOTHING, not upsert
   * (a read, then an insert): processes starting together must not fail on each other's rows.
   */
  async ensureChannels(channels: { id: string; kind: ChannelKindDb }[], now: Date): Promise<void> {
    await this.prisma.chatChannel.createMany({ data: channels.map((c) => ({ ...c, createdAt: now })), skipDuplicates: true });
  }

  /** The channel and its members, whichever are missing; safe when both sides of a new DM write at once. */
  async ensureMemberChannel(id: string, kind: ChannelKindDb, memberIds: string[], now: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.chatChannel.createMany({ data: [{ id, kind, createdAt: now }], skipDuplicates: true }),
      this.prisma.chatChannelMember.createMany({
        data: memberIds.map((accountId) => ({ channelId: id, accountId, joinedAt: now })),
        skipDuplicates: true,
      }),
    ]);
  }

  async removeMember(channelId: string, accountId: string): Promise<void> {
    await this.prisma.chatChannelMember.deleteMany({ where: { channelId, accountId } });
  }

  async channelKind(id: string): Promise<ChannelKindDb | null> {
    const row = await this.prisma.chatChannel.findUnique({ where: { id }, select: { kind: true } });
    return row?.kind ?? null;
  }

  async isMember(channelId: string, accountId: string): Promise<boolean> {
    const row = await this.prisma.chatChannelMember.findUnique({
      where: { channelId_accountId: { channelId, accountId } },
      select: { accountId: true },
    });
    return row !== null;
  }

  /**
   * Appends a message with the channel's next seq. The channel row stays locked until commit,
   * so seqs are gapless and committed in order.
   */
  async append(m: { channelId: string; senderId: string; body: string; originalBody: string | null; createdAt: Date }): Promise<MessageRow> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ last_seq: bigint }[]>`
        UPDATE chat_channels SET last_seq = last_seq + 1 WHERE id = ${m.channelId} RETURNING last_seq`;
      if (!row) throw new Error(`chat channel ${m.channelId} does not exist`);
      return tx.chatMessage.create({ data: { ...m, seq: row.last_seq }, select: messageSelect });
    });
  }

  async lastSeq(channelId: string): Promise<bigint> {
    const row = await this.prisma.chatChannel.findUnique({ where: { id: channelId }, select: { lastSeq: true } });
    return row?.lastSeq ?? 0n;
  }

  /** The newest `limit` live messages (before `beforeSeq` if given), oldest first. */
  async latest(channelId: string, limit: number, beforeSeq?: bigint): Promise<MessageRow[]> {
    const rows = await this.prisma.chatMessage.findMany({
      where: { channelId, deletedAt: null, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
      orderBy: { seq: "desc" },
      take: limit,
      select: messageSelect,
    });
    return rows.reverse();
  }

  /** Live messages with afterSeq < seq <= uptoSeq, oldest first, at most `limit`. */
  range(channelId: string, afterSeq: bigint, uptoSeq: bigint | undefined, limit: number): Promise<MessageRow[]> {
    return this.prisma.chatMessage.findMany({
      where: { channelId, deletedAt: null, seq: { gt: afterSeq, ...(uptoSeq !== undefined ? { lte: uptoSeq } : {}) } },
      orderBy: { seq: "asc" },
      take: limit,
      select: messageSelect,
    });
  }

  findMessage(id: bigint): Promise<MessageWithChannel | null> {
    return this.prisma.chatMessage.findUnique({
      where: { id },
      select: { ...messageSelect, senderId: true, deletedAt: true, channel: { select: { id: true, kind: true } } },
    });
  }

  async markDeleted(id: bigint, by: string | null, reason: string, at: Date): Promise<boolean> {
    const res = await this.prisma.chatMessage.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: at, deletedBy: by, deleteReason: reason },
    });
    return res.count === 1;
  }

  /**
   * DM channels with unread messages for `accountId` (messages from the other side, not deleted),
   * the most recently active first (message ids grow across channels; seqs only within one).
   */
  async dmUnread(accountId: string): Promise<DmUnreadRow[]> {
    const rows = await this.prisma.$queryRaw<{ channel_id: string; other_id: string; other_username: string; other_display_name: string; unread: bigint }[]>(dmUnreadQuery(accountId));
    return rows.map((r) => ({ channelId: r.channel_id, otherId: r.other_id, otherUsername: r.other_username, otherDisplayName: r.other_display_name, unread: Number(r.unread) }));
  }

  /** Each DM channel of the account with its current lastSeq. */
  async dmPositions(accountId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.chatChannelMember.findMany({
      where: { accountId, channel: { kind: "DM" } },
      select: { channelId: true, channel: { select: { lastSeq: true } } },
    });
    return new Map(rows.map((r) => [r.channelId, Number(r.channel.lastSeq)]));
  }

  async markRead(accountId: string, channelId: string, seq: bigint): Promise<void> {
    await this.prisma.chatChannelMember.updateMany({
      where: { channelId, accountId, lastReadSeq: { lt: seq } },
      data: { lastReadSeq: seq },
    });
  }

  /** Stores a report; false if this player already reported this message. */
  async addReport(r: { id: string; messageId: bigint; reporterId: string; reason: string; note: string | null; createdAt: Date }): Promise<boolean> {
    const res = await this.prisma.chatReport.createMany({ data: [r], skipDuplicates: true });
    return res.count === 1;
  }

  reportCount(messageId: bigint): Promise<number> {
    return this.prisma.chatReport.count({ where: { messageId } });
  }

  activeMute(accountId: string, now: Date): Promise<{ expiresAt: Date; reason: string } | null> {
    return this.prisma.chatMute.findFirst({
      where: { accountId, revokedAt: null, expiresAt: { gt: now } },
      orderBy: { expiresAt: "desc" },
      select: { expiresAt: true, reason: true },
    });
  }

  async addMute(m: {
    id: string;
    accountId: string;
    source: "AUTO" | "OPERATOR";
    reason: string;
    createdBy: string | null;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void> {
    await this.prisma.chatMute.create({ data: m });
  }

  countAutoMutesSince(accountId: string, since: Date): Promise<number> {
    return this.prisma.chatMute.count({ where: { accountId, source: "AUTO", createdAt: { gte: since } } });
  }

  /** Retention: deletes messages of `kind` channels created before `before`, in batches. */
  async deleteOlderThan(kind: ChannelKindDb, before: Date, batch = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.prisma.$executeRaw`
        DELETE FROM chat_messages WHERE id IN (
          SELECT m.id FROM chat_messages m JOIN chat_channels c ON c.id = m.channel_id
          WHERE c.kind = ${kind}::"ChannelKind" AND m.created_at < ${before}
          LIMIT ${batch})`;
      total += n;
      if (n < batch) return total;
    }
  }

  async dmPolicy(accountId: string): Promise<"FRIENDS" | "ANYONE" | null> {
    const row = await this.prisma.account.findUnique({ where: { id: accountId }, select: { dmPolicy: true } });
    return row?.dmPolicy ?? null;
  }

  async setDmPolicy(accountId: string, policy: "FRIENDS" | "ANYONE"): Promise<void> {
    await this.prisma.account.updateMany({ where: { id: accountId }, data: { dmPolicy: policy } });
  }

  findAccount(id: string): Promise<PublicAccount | null> {
    return this.prisma.account.findUnique({ where: { id }, select: PUBLIC_ACCOUNT_SELECT });
  }
}
