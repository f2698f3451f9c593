import { dmChannelId, type ChatMessage } from "../../../shared/schemas/chat";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { KeyedSerializer } from "../../lib/keyed-serializer";
import { BlockPolicy } from "../social/block-policy";
import type { FriendsService } from "../social/friends.service";
import { parseChannelId } from "./channel-id";
import type { ChatChannels } from "./chat-channels";
import type { ChatConfig } from "./chat-config";
import type { ChatFanout } from "./chat-fanout";
import type { Identity } from "../identity";
import type { ChatModeration } from "./chat-moderation";
import type { ChatPublisher } from "./chat-publisher";
import { toWire } from "./chat-wire";
import type { ChatRepo } from "./chat.repo";
import { autoMuteDurationMs, FloodGuard } from "./flood-guard";
import { ProfanityFilter } from "./profanity-filter";
import { cleanChatText } from "./text-hygiene";

export interface ChatSendPipelineDeps {
  repo: ChatRepo;
  friends: Pick<FriendsService, "relation">;
  channels: ChatChannels;
  moderation: Pick<ChatModeration, "mute">;
  fanout: ChatFanout;
  publisher: ChatPublisher;
  clock: Clock;
  config: Pick<ChatConfig, "flood" | "extraBlockedWords" | "allowedWords" | "filterPartyChat" | "filterDirectMessages">;
}

type StoredText = { body: string; originalBody: string | null };

const DAY_MS = 24 * 3600 * 1000;
/** DM channels known to exist, remembered to skip an upsert per message; forgotten past this many. */
const KNOWN_DM_CHANNELS_MAX = 10_000;

/**
 * Sending a message: who may write where, then the moderation pipeline in order (validation,
 * flood control, profanity masking, mutes), then store (with the channel's next seq) and publish.
 */
export class ChatSendPipeline {
  private readonly flood: FloodGuard;
  private readonly profanity: ProfanityFilter;
  private readonly ordered = new KeyedSerializer();
  private readonly knownDmChannels = new Set<string>();

  constructor(private readonly d: ChatSendPipelineDeps) {
    this.flood = new FloodGuard(d.config.flood, d.clock);
    this.profanity = new ProfanityFilter({ extraWords: d.config.extraBlockedWords, allowedWords: d.config.allowedWords });
  }

  /** A message to a public channel the connection joined, or to the sender's party channel. */
  async send(sender: Identity, channelId: string, raw: string): Promise<ChatMessage> {
    const parsed = parseChannelId(channelId);
    if (!parsed || parsed.kind === "dm") throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    if (parsed.kind === "public") this.d.channels.publicChannel(channelId);
    else if (!(await this.d.repo.isMember(channelId, sender.accountId))) {
      throw new AppError(ErrorCode.NotChannelMember, "You are not in this party.");
    }
    const filtered = parsed.kind === "public" ? this.d.channels.filtersPublic(parsed.name) : this.d.config.filterPartyChat;
    const text = await this.screen(sender, raw, { filtered, muteExempt: parsed.kind === "party" });
    return this.store(sender, channelId, text, (event) => this.d.fanout.toTopic(channelId, event));
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
    const text = await this.screen(sender, raw, { filtered: this.d.config.filterDirectMessages, muteExempt: false });
    const channelId = dmChannelId(sender.accountId, toId);
    if (!this.knownDmChannels.has(channelId)) {
      await this.d.repo.ensureMemberChannel(channelId, "DM", [sender.accountId, toId], new Date(this.d.clock.now()));
      if (this.knownDmChannels.size >= KNOWN_DM_CHANNELS_MAX) this.knownDmChannels.clear();
      this.knownDmChannels.add(channelId);
    }
    return this.store(sender, channelId, text, (event) => this.d.fanout.toAccounts([sender.accountId, toId], event));
  }

  /**
   * Appended and published one at a time per channel in this process, so this process publishes
   * a channel's messages in seq order (members' cursors then rarely need to fill a gap). Stored
   * is acknowledged: a publish the backplane does not take in time is retried, never awaited forever.
   */
  private store(
    sender: Identity,
    channelId: string,
    text: StoredText,
    publish: (event: { type: "message"; message: ChatMessage }) => Promise<void>,
  ): Promise<ChatMessage> {
    return this.ordered.run(channelId, async () => {
      const message = toWire(await this.d.repo.append({ channelId, senderId: sender.accountId, ...text, createdAt: new Date(this.d.clock.now()) }));
      await this.d.publisher.publish(channelId, () => publish({ type: "message", message }));
      return message;
    });
  }

  /** Validation, flood control, profanity masking, mutes — in that order. */
  private async screen(sender: Identity, raw: string, opts: { filtered: boolean; muteExempt: boolean }): Promise<StoredText> {
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
    await this.d.moderation.mute(accountId, { durationMs: autoMuteDurationMs(earlier), reason: "flooding", by: null, source: "AUTO" });
    this.flood.clearViolations(accountId);
  }
}
