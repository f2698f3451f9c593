import { z } from "zod";
import {
  dmChannelId,
  partyChannelId,
  publicChannelId,
  type ChatHistoryMessage,
  type ChatHistoryResponse,
  type ChatMessage,
  type ChatUnreadMessage,
} from "../../../shared/schemas/chat";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { KeyedSerializer } from "../../lib/keyed-serializer";
import type { Logger } from "../../lib/logger";
import type { AccountEventBus } from "../events/account-events";
import { BlockPolicy } from "../social/block-policy";
import type { FriendsService } from "../social/friends.service";
import { parseChannelId, type ParsedChannel } from "./channel-id";
import type { ChatConfig } from "./chat-config";
import type { ChatEvent, ChatTopics } from "./chat-events";
import { ChatPublisher } from "./chat-publisher";
import { toWire } from "./chat-wire";
import type { ChatRepo, DmUnreadRow, MessageRow } from "./chat.repo";
import { autoMuteDurationMs, FloodGuard } from "./flood-guard";
import { ProfanityFilter } from "./profanity-filter";
import { cleanChatText } from "./text-hygiene";

export interface Identity {
  accountId: string;
  username: string;
}

export interface ChatServiceDeps {
  repo: ChatRepo;
  friends: FriendsService;
  bus: AccountEventBus;
  topics: ChatTopics;
  cursors: CursorCodec;
  clock: Clock;
  logger: Logger;
  config: ChatConfig;
  /** Longest a live publish of a stored message is waited for before it is deferred (ChatPublisher). */
  publishTimeoutMs?: number;
}

const DEFAULT_PUBLISH_TIMEOUT_MS = 3_000;

const HistoryCursorSchema = z.object({ c: z.string(), s: z.number().int().positive() });
/** Most messages a catch-up answers at once; beyond that the client pages over HTTP. */
const CATCH_UP_LIMIT = 200;
const DAY_MS = 24 * 3600 * 1000;
const MAX_BIGINT = 9_223_372_036_854_775_807n;
/** DM channels known to exist, remembered to skip an upsert per message; forgotten past this many. */
const KNOWN_DM_CHANNELS_MAX = 10_000;

/**
 * Chat: public channels, direct messages and party channels, persisted with a per-channel
 * sequence. Every message passes the moderation pipeline in order: validation, flood control,
 * profanity masking, mutes. Blocks hide messages in both directions.
 */
export class ChatService {
  private readonly flood: FloodGuard;
  private readonly profanity: ProfanityFilter;
  private readonly publicNames: Set<string>;
  private readonly unfiltered: Set<string>;
  private readonly ordered = new KeyedSerializer();
  private readonly knownDmChannels = new Set<string>();
  /** Live delivery of stored messages; deferred (never lost) while the backplane is away. */
  readonly publisher: ChatPublisher;

  constructor(private readonly d: ChatServiceDeps) {
    this.publisher = new ChatPublisher(d.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS, d.logger);
    this.flood = new FloodGuard(d.config.flood, d.clock);
    this.profanity = new ProfanityFilter({ extraWords: d.config.extraBlockedWords, allowedWords: d.config.allowedWords });
    this.publicNames = new Set(d.config.publicChannels);
    this.unfiltered = new Set(d.config.unfilteredChannels);
  }

  /** Creates the configured public channels (idempotent; run at start). */
  async init(): Promise<void> {
    const now = new Date(this.d.clock.now());
    await this.d.repo.ensureChannels(this.d.config.publicChannels.map((name) => ({ id: publicChannelId(name), kind: "PUBLIC" })), now);
  }

  publicChannels(): { id: string; name: string; filtered: boolean }[] {
    return this.d.config.publicChannels.map((name) => ({ id: publicChannelId(name), name, filtered: !this.unfiltered.has(name) }));
  }

  /** A public channel id that exists, or throws channel_not_found. */
  publicChannel(channelId: string): string {
    const parsed = parseChannelId(channelId);
    if (parsed?.kind !== "public" || !this.publicNames.has(parsed.name)) {
      throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    }
    return channelId;
  }

  /** Players whose messages `accountId` never sees (blocked in either direction). */
  hiddenSenders(accountId: string): Promise<Set<string>> {
    return this.d.friends.blockedEitherWay(accountId);
  }

  /**
   * Recent history for a connection joining a channel: the newest messages, or (after a
   * reconnect) everything after `afterSeq`. `lastSeq` is read first, so live messages continue
   * from it without a gap or a duplicate.
   */
  async joinHistory(viewer: Identity, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    await this.assertCanRead(viewer, channelId);
    const lastSeq = Number(await this.d.repo.lastSeq(channelId));
    if (afterSeq !== undefined) return { channelId, ...(await this.catchUp(viewer, channelId, afterSeq, lastSeq)), lastSeq };
    const rows = await this.d.repo.latest(channelId, this.d.config.historyOnJoin, BigInt(lastSeq) + 1n);
    const hidden = await this.hiddenSenders(viewer.accountId);
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
    const hidden = await this.hiddenSenders(viewer.accountId);
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
  async history(viewer: Identity, channelId: string, q: { limit: number; cursor?: string; afterSeq?: number }): Promise<ChatHistoryResponse> {
    await this.assertCanRead(viewer, channelId);
    const hidden = await this.hiddenSenders(viewer.accountId);
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

  /** A message to a public channel the connection joined, or to the sender's party channel. */
  async send(sender: Identity, channelId: string, raw: string): Promise<ChatMessage> {
    const parsed = parseChannelId(channelId);
    if (!parsed || parsed.kind === "dm") throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    if (parsed.kind === "public") this.publicChannel(channelId);
    else if (!(await this.d.repo.isMember(channelId, sender.accountId))) {
      throw new AppError(ErrorCode.NotChannelMember, "You are not in this party.");
    }
    const filtered = parsed.kind === "public" ? !this.unfiltered.has(parsed.name) : this.d.config.filterPartyChat;
    const text = await this.moderate(sender, raw, { filtered, muteExempt: parsed.kind === "party" });
    // Appended and published one at a time per channel in this process, so this process publishes
    // a channel's messages in seq order (members' cursors then rarely need to fill a gap). Stored
    // is acknowledged: a publish the backplane does not take in time is retried, never awaited forever.
    return this.ordered.run(channelId, async () => {
      const message = toWire(await this.d.repo.append({ channelId, senderId: sender.accountId, ...text, createdAt: new Date(this.d.clock.now()) }));
      await this.publisher.publish(channelId, () => this.d.topics.publish(channelId, { type: "message", message }));
      return message;
    });
  }

  /** A direct message: to friends, or to anyone not blocked if the recipient allows strangers. */
  async sendDirect(sender: Identity, toId: string, raw: string): Promise<ChatMessage> {
    if (toId === sender.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot message yourself.");
    const [recipient, policy, pair] = await Promise.all([
      this.d.repo.findAccount(toId),
      this.d.repo.dmPolicy(toId),
      this.d.friends.relation(sender.accountId, toId),
    ]);
    if (!recipient) throw new AppError(ErrorCode.AccountNotFound, "No such player.");
    // One answer for "blocked" and "not accepted": a block is never revealed.
    if (!BlockPolicy.canDirectMessage(pair, policy === "ANYONE")) {
      throw new AppError(ErrorCode.DmNotAllowed, "This player does not accept direct messages from you.");
    }
    const text = await this.moderate(sender, raw, { filtered: this.d.config.filterDirectMessages, muteExempt: false });
    const channelId = dmChannelId(sender.accountId, toId);
    if (!this.knownDmChannels.has(channelId)) {
      await this.d.repo.ensureMemberChannel(channelId, "DM", [sender.accountId, toId], new Date(this.d.clock.now()));
      if (this.knownDmChannels.size >= KNOWN_DM_CHANNELS_MAX) this.knownDmChannels.clear();
      this.knownDmChannels.add(channelId);
    }
    return this.ordered.run(channelId, async () => {
      const message = toWire(await this.d.repo.append({ channelId, senderId: sender.accountId, ...text, createdAt: new Date(this.d.clock.now()) }));
      await this.publisher.publish(channelId, () => this.publishDirect([sender.accountId, toId], { type: "message", message }));
      return message;
    });
  }

  async unread(accountId: string): Promise<ChatUnreadMessage> {
    const [rows, hidden] = await Promise.all([this.d.repo.dmUnread(accountId), this.hiddenSenders(accountId)]);
    return this.unreadOf(rows, hidden);
  }

  /** Unread DM counts from rows already read (the lobby join's snapshot). */
  unreadOf(rows: DmUnreadRow[], hidden: Set<string>): ChatUnreadMessage {
    // A block hides the other side's messages, so their conversation has nothing unread either.
    return {
      channels: rows.filter((r) => !hidden.has(r.otherId)).map((r) => ({ channelId: r.channelId, with: { id: r.otherId, username: r.otherUsername }, unread: r.unread })),
    };
  }

  async markRead(accountId: string, channelId: string, seq: number): Promise<void> {
    await this.d.repo.markRead(accountId, channelId, BigInt(seq));
  }

  async setDirectMessagePolicy(accountId: string, allowFrom: "friends" | "anyone"): Promise<void> {
    await this.d.repo.setDmPolicy(accountId, allowFrom === "anyone" ? "ANYONE" : "FRIENDS");
  }

  async directMessagePolicy(accountId: string): Promise<"friends" | "anyone"> {
    return (await this.d.repo.dmPolicy(accountId)) === "ANYONE" ? "anyone" : "friends";
  }

  /** Stores a report from a player who could see the message. Reports count distinct players. */
  async report(reporter: Identity, messageId: string, reason: string, note: string | undefined): Promise<{ reports: number; created: boolean }> {
    const message = await this.findVisibleMessage(messageId);
    // Someone else's DM or party message: as if it did not exist.
    await this.assertCanRead(reporter, message.channelId).catch(() => {
      throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    });
    if (message.senderId === reporter.accountId) {
      throw new AppError(ErrorCode.CannotReportOwnMessage, "You cannot report your own message.");
    }
    const created = await this.d.repo.addReport({
      id: newId(),
      messageId: message.id,
      reporterId: reporter.accountId,
      reason,
      note: note ?? null,
      createdAt: new Date(this.d.clock.now()),
    });
    return { created, reports: await this.d.repo.reportCount(message.id) };
  }

  /** Operator deletion: gone from history and from every connected client's view. */
  async deleteMessage(messageId: string, operatorId: string | null, reason: string): Promise<void> {
    const message = await this.findVisibleMessage(messageId);
    const deleted = await this.d.repo.markDeleted(message.id, operatorId, reason, new Date(this.d.clock.now()));
    if (!deleted) return;
    const event: ChatEvent = { type: "deleted", channelId: message.channelId, id: messageId, seq: Number(message.seq) };
    const parsed = parseChannelId(message.channelId);
    if (parsed?.kind === "dm") await this.publishDirect(parsed.members, event);
    else await this.d.topics.publish(message.channelId, event);
  }

  /** Operator mute (also used for automatic mutes). The player's connections are told. */
  async mute(accountId: string, m: { durationMs: number; reason: string; by: string | null; source: "AUTO" | "OPERATOR" }): Promise<Date> {
    const now = this.d.clock.now();
    const expiresAt = new Date(now + m.durationMs);
    await this.d.repo.addMute({
      id: newId(),
      accountId,
      source: m.source,
      reason: m.reason,
      createdBy: m.by,
      createdAt: new Date(now),
      expiresAt,
    });
    await this.d.bus.publish(accountId, {
      kind: "deliver",
      type: LobbyServerMessage.ChatMuted,
      payload: { expiresAt: expiresAt.toISOString(), reason: m.reason },
    });
    return expiresAt;
  }

  /** Party members may read and write the party's channel (kept after the party for retention). */
  async addPartyMembers(partyId: string, accountIds: string[]): Promise<void> {
    await this.d.repo.ensureMemberChannel(partyChannelId(partyId), "PARTY", accountIds, new Date(this.d.clock.now()));
  }

  async removePartyMember(partyId: string, accountId: string): Promise<void> {
    await this.d.repo.removeMember(partyChannelId(partyId), accountId);
  }

  /** Deletes messages older than each channel kind's retention. Safe to run on every process. */
  async sweepRetention(): Promise<Record<"public" | "dm" | "party", number>> {
    const now = this.d.clock.now();
    const days = this.d.config.retentionDays;
    const before = (d: number) => new Date(now - d * DAY_MS);
    return {
      public: await this.d.repo.deleteOlderThan("PUBLIC", before(days.public)),
      dm: await this.d.repo.deleteOlderThan("DM", before(days.dm)),
      party: await this.d.repo.deleteOlderThan("PARTY", before(days.party)),
    };
  }

  /** Validation, flood control, profanity masking, mutes — in that order. */
  private async moderate(sender: Identity, raw: string, opts: { filtered: boolean; muteExempt: boolean }): Promise<{ body: string; originalBody: string | null }> {
    const cleaned = cleanChatText(raw);
    if (!cleaned.ok) {
      if (cleaned.problem === "empty") throw new AppError(ErrorCode.ChatMessageEmpty, "The message is empty.");
      throw new AppError(ErrorCode.ChatMessageTooLong, "The message is too long (500 characters at most).");
    }
    const verdict = this.flood.check(sender.accountId, cleaned.text);
    if (!verdict.ok) {
      if (verdict.mute) await this.autoMute(sender.accountId);
      const code = verdict.reason === "repeat" ? ErrorCode.ChatRepeated : ErrorCode.ChatRateLimited;
      const message = verdict.reason === "repeat" ? "You just sent that." : "You are sending messages too fast.";
      throw new AppError(code, message, { details: { retryAfterMs: verdict.retryAfterMs } });
    }
    const masked = opts.filtered ? this.profanity.mask(cleaned.text) : { text: cleaned.text, masked: false };
    if (!opts.muteExempt) {
      const mute = await this.d.repo.activeMute(sender.accountId, new Date(this.d.clock.now()));
      if (mute) {
        throw new AppError(ErrorCode.Muted, `You are muted until ${mute.expiresAt.toISOString()}.`, {
          details: { expiresAt: mute.expiresAt.toISOString(), reason: mute.reason },
        });
      }
    }
    return { body: masked.text, originalBody: masked.masked ? cleaned.text : null };
  }

  private async autoMute(accountId: string): Promise<void> {
    const now = this.d.clock.now();
    const earlier = await this.d.repo.countAutoMutesSince(accountId, new Date(now - DAY_MS));
    await this.mute(accountId, { durationMs: autoMuteDurationMs(earlier), reason: "flooding", by: null, source: "AUTO" });
    this.flood.clearViolations(accountId);
  }

  private async findVisibleMessage(messageId: string) {
    // Ids are positive BIGINTs: anything else (e.g. 19 digits past its range) names no message.
    const id = /^\d{1,19}$/.test(messageId) ? BigInt(messageId) : 0n;
    if (id < 1n || id > MAX_BIGINT) throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    const message = await this.d.repo.findMessage(id);
    if (!message || message.deletedAt) throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    return message;
  }

  private async assertCanRead(viewer: Identity, channelId: string): Promise<ParsedChannel> {
    const parsed = parseChannelId(channelId);
    if (!parsed) throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    if (parsed.kind === "public") {
      this.publicChannel(channelId);
      return parsed;
    }
    if (!(await this.d.repo.isMember(channelId, viewer.accountId))) {
      // Not revealing whether someone else's DM or party channel exists.
      throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    }
    return parsed;
  }

  private async publishDirect(accountIds: readonly string[], event: ChatEvent): Promise<void> {
    await Promise.all(accountIds.map((id) => this.d.bus.publish(id, { kind: "chat", event })));
  }
}
