import type { ChatHistoryMessage, ChatHistoryResponse, ChatMessage, ChatUnreadMessage } from "../../../shared/schemas/chat";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import type { Logger } from "../../lib/logger";
import type { AccountEventBus } from "../events/account-events";
import type { FriendsService } from "../social/friends.service";
import { ChatChannels } from "./chat-channels";
import type { ChatConfig } from "./chat-config";
import type { ChatTopics } from "./chat-events";
import { ChatFanout } from "./chat-fanout";
import { ChatHistory } from "./chat-history";
import type { Identity } from "../identity";
import { ChatModeration } from "./chat-moderation";
import { ChatPublisher } from "./chat-publisher";
import { ChatSendPipeline } from "./chat-send-pipeline";
import type { ChatRepo, DmUnreadRow } from "./chat.repo";

export type { Identity } from "../identity";

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

/**
 * Chat: public channels, direct messages and party channels, persisted with a per-channel
 * sequence. This composes the parts (each usable on its own) and keeps the one surface the
 * gateway and the lobby call: `channels` (which exist, who may read them), `sending` (the send
 * pipeline), `reads` (history, catch-up, unread) and `moderation` (reports, deletion, mutes).
 */
export class ChatService {
  /** Live delivery of stored messages; deferred (never lost) while the backplane is away. */
  readonly publisher: ChatPublisher;
  readonly channels: ChatChannels;
  readonly sending: ChatSendPipeline;
  readonly reads: ChatHistory;
  readonly moderation: ChatModeration;

  // `d` stays on the instance: bench/lib/instrument.ts times its repo and topics.
  constructor(private readonly d: ChatServiceDeps) {
    this.publisher = new ChatPublisher(d.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS, d.logger);
    const fanout = new ChatFanout(d.topics, d.bus);
    this.channels = new ChatChannels({ repo: d.repo, friends: d.friends, clock: d.clock, config: d.config });
    this.moderation = new ChatModeration({ repo: d.repo, channels: this.channels, fanout, bus: d.bus, clock: d.clock });
    this.reads = new ChatHistory({ repo: d.repo, channels: this.channels, cursors: d.cursors, config: d.config });
    this.sending = new ChatSendPipeline({
      repo: d.repo,
      friends: d.friends,
      channels: this.channels,
      moderation: this.moderation,
      fanout,
      publisher: this.publisher,
      clock: d.clock,
      config: d.config,
    });
  }

  // --- channels --------------------------------------------------------------------------------
  init(): Promise<void> {
    return this.channels.init();
  }
  publicChannels(): { id: string; name: string; filtered: boolean }[] {
    return this.channels.publicChannels();
  }
  publicChannel(channelId: string): string {
    return this.channels.publicChannel(channelId);
  }
  hiddenSenders(accountId: string): Promise<Set<string>> {
    return this.channels.hiddenSenders(accountId);
  }
  addPartyMembers(partyId: string, accountIds: string[]): Promise<void> {
    return this.channels.addPartyMembers(partyId, accountIds);
  }
  removePartyMember(partyId: string, accountId: string): Promise<void> {
    return this.channels.removePartyMember(partyId, accountId);
  }
  setDirectMessagePolicy(accountId: string, allowFrom: "friends" | "anyone"): Promise<void> {
    return this.channels.setDirectMessagePolicy(accountId, allowFrom);
  }
  directMessagePolicy(accountId: string): Promise<"friends" | "anyone"> {
    return this.channels.directMessagePolicy(accountId);
  }
  sweepRetention(): Promise<Record<"public" | "dm" | "party", number>> {
    return this.channels.sweepRetention();
  }

  // --- sending ---------------------------------------------------------------------------------
  send(sender: Identity, channelId: string, raw: string): Promise<ChatMessage> {
    return this.sending.send(sender, channelId, raw);
  }
  sendDirect(sender: Identity, toId: string, raw: string): Promise<ChatMessage> {
    return this.sending.sendDirect(sender, toId, raw);
  }

  // --- reads -----------------------------------------------------------------------------------
  joinHistory(viewer: Identity, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
    return this.reads.joinHistory(viewer, channelId, afterSeq);
  }
  catchUp(viewer: Identity, channelId: string, afterSeq: number, uptoSeq: number): Promise<{ messages: ChatMessage[]; truncated: boolean }> {
    return this.reads.catchUp(viewer, channelId, afterSeq, uptoSeq);
  }
  dmPositions(accountId: string): Promise<Map<string, number>> {
    return this.reads.dmPositions(accountId);
  }
  lastSeq(channelId: string): Promise<number> {
    return this.reads.lastSeq(channelId);
  }
  gap(channelId: string, afterSeq: number, uptoSeq: number): Promise<ChatMessage[]> {
    return this.reads.gap(channelId, afterSeq, uptoSeq);
  }
  history(viewer: Identity, channelId: string, q: { limit: number; cursor?: string; afterSeq?: number }): Promise<ChatHistoryResponse> {
    return this.reads.page(viewer, channelId, q);
  }
  unread(accountId: string): Promise<ChatUnreadMessage> {
    return this.reads.unread(accountId);
  }
  unreadOf(rows: DmUnreadRow[], hidden: Set<string>): ChatUnreadMessage {
    return this.reads.unreadOf(rows, hidden);
  }
  markRead(accountId: string, channelId: string, seq: number): Promise<void> {
    return this.reads.markRead(accountId, channelId, seq);
  }

  // --- moderation ------------------------------------------------------------------------------
  report(reporter: Identity, messageId: string, reason: string, note: string | undefined): Promise<{ reports: number; created: boolean }> {
    return this.moderation.report(reporter, messageId, reason, note);
  }
  deleteMessage(messageId: string, operatorId: string | null, reason: string): Promise<void> {
    return this.moderation.deleteMessage(messageId, operatorId, reason);
  }
  mute(accountId: string, m: { durationMs: number; reason: string; by: string | null; source: "AUTO" | "OPERATOR" }): Promise<Date> {
    return this.moderation.mute(accountId, m);
  }
}
