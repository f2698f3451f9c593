import { z } from "zod";
import type { ChatHistoryMessage, ChatHistoryResponse, ChatMessage, ChatUnreadMessage } from "../../../shared/schemas/chat";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import type { ChatChannels } from "./chat-channels";
import type { ChatConfig } from "./chat-config";
import type { Identity } from "../identity";
import { toWire } from "./chat-wire";
import type { ChatRepo, DmUnreadRow, MessageRow } from "./chat.repo";

export interface ChatHistoryDeps {
  repo: ChatRepo;
  channels: ChatChannels;
  cursors: CursorCodec;
  config: Pick<ChatConfig, "historyOnJoin">;
}

const HistoryCursorSchema = z.object({ c: z.string(), s: z.number().int().positive() });
/** Most messages a catch-up answers at once; beyond that the client pages over HTTP. */
const CATCH_UP_LIMIT = 200;

/**
 * Reading stored messages: the history a joining connection gets, catch-up after a reconnect,
 * gap reads for a connection's stream, HTTP pages, and DM unread counts. Blocked senders are
 * left out of everything a viewer reads.
 */
export class ChatHistory {
  constructor(private readonly d: ChatHistoryDeps) {}

  /**
   * Recent history for a connection joining a channel: the newest messages, or (after a
   * reconnect) everything after `afterSeq`. `lastSeq` is read first, so live messages continue
   * from it without a gap or a duplicate.
   */
  async joinHistory(viewer: Identity, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    await this.d.channels.assertCanRead(viewer, channelId);
    const lastSeq = Number(await this.d.repo.lastSeq(channelId));
    if (afterSeq !== undefined) return { channelId, ...(await this.catchUp(viewer, channelId, afterSeq, lastSeq)), lastSeq };
    const rows = await this.d.repo.latest(channelId, this.d.config.historyOnJoin, BigInt(lastSeq) + 1n);
    const hidden = await this.d.channels.hiddenSenders(viewer.accountId);
    return { channelId, messages: rows.filter((r) => !hidden.has(r.sender.id)).map(toWire), lastSeq, truncated: false };
  }

  /**
   * The messages after `afterSeq` up to `uptoSeq` that `viewer` may see (the caller checked the
   * viewer may read the channel): the newest CATCH_UP_LIMIT of them; `truncated` when older ones
   * did not fit (the client pages them over HTTP: GET .../messages?afterSeq=).
   */
  async catchUp(viewer: Identity, channelId: string, afterSeq: number, uptoSeq: number): Promise<{ messages: ChatMessage[]; truncated: boolean }> {
    if (uptoSeq <= afterSeq) return { messages: [], truncated: false };
    const newest = await this.d.repo.latest(channelId, CATCH_UP_LIMIT + 1, BigInt(uptoSeq) + 1n);
    let rows = newest.filter((r) => r.seq > BigInt(afterSeq));
    const truncated = rows.length > CATCH_UP_LIMIT;
    rows = rows.slice(-CATCH_UP_LIMIT);
    const hidden = await this.d.channels.hiddenSenders(viewer.accountId);
    return { messages: rows.filter((r) => !hidden.has(r.sender.id)).map(toWire), truncated };
  }

  /** Where each of the account's DM channels stands now (channel id -> lastSeq). */
  async dmPositions(accountId: string): Promise<Map<string, number>> {
    return this.d.repo.dmPositions(accountId);
  }

  async lastSeq(channelId: string): Promise<number> {
    return Number(await this.d.repo.lastSeq(channelId));
  }

  /** Live messages after `afterSeq` up to `uptoSeq`: fills a gap in a connection's stream. */
  async gap(channelId: string, afterSeq: number, uptoSeq: number): Promise<ChatMessage[]> {
    return (await this.d.repo.range(channelId, BigInt(afterSeq), BigInt(uptoSeq), uptoSeq - afterSeq)).map(toWire);
  }

  /** HTTP history: older pages by cursor (newest first), or catch-up after a seq (oldest first). */
  async page(viewer: Identity, channelId: string, q: { limit: number; cursor?: string; afterSeq?: number }): Promise<ChatHistoryResponse> {
    await this.d.channels.assertCanRead(viewer, channelId);
    const hidden = await this.d.channels.hiddenSenders(viewer.accountId);
    const visible = (rows: MessageRow[]) => rows.filter((r) => !hidden.has(r.sender.id)).map(toWire);
    if (q.afterSeq !== undefined) {
      const rows = await this.d.repo.range(channelId, BigInt(q.afterSeq), undefined, q.limit + 1);
      return { messages: visible(rows.slice(0, q.limit)), hasMore: rows.length > q.limit };
    }
    let before: bigint | undefined;
    if (q.cursor) {
      const c = this.d.cursors.decode(q.cursor, HistoryCursorSchema);
      if (c.c !== channelId) throw new AppError(ErrorCode.InvalidCursor, "The cursor belongs to another channel.");
      before = BigInt(c.s);
    }
    const rows = await this.d.repo.latest(channelId, q.limit + 1, before);
    const page = rows.slice(-q.limit);
    const oldest = page[0];
    const more = rows.length > q.limit && oldest !== undefined;
    return {
      messages: visible(page).reverse(),
      hasMore: more,
      ...(more ? { nextCursor: this.d.cursors.encode({ c: channelId, s: Number(oldest.seq) }) } : {}),
    };
  }

  async unread(accountId: string): Promise<ChatUnreadMessage> {
    const [rows, hidden] = await Promise.all([this.d.repo.dmUnread(accountId), this.d.channels.hiddenSenders(accountId)]);
    return this.unreadOf(rows, hidden);
  }

  /** Unread DM counts from rows already read (the lobby join's snapshot). */
  unreadOf(rows: DmUnreadRow[], hidden: Set<string>): ChatUnreadMessage {
    // A block hides the other side's messages, so their conversation has nothing unread either.
    return {
      channels: rows.filter((r) => !hidden.has(r.otherId)).map((r) => ({ channelId: r.channelId, with: { id: r.otherId, username: r.otherUsername, displayName: r.otherDisplayName }, unread: r.unread })),
    };
  }

  async markRead(accountId: string, channelId: string, seq: number): Promise<void> {
    await this.d.repo.markRead(accountId, channelId, BigInt(seq));
  }
}
