import { partyChannelId, publicChannelId } from "../../../shared/schemas/chat";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import type { FriendsService } from "../social/friends.service";
import { parseChannelId, type ParsedChannel } from "./channel-id";
import type { ChatConfig } from "./chat-config";
import type { Identity } from "../identity";
import type { ChatRepo } from "./chat.repo";

export interface ChatChannelsDeps {
  repo: ChatRepo;
  friends: Pick<FriendsService, "blockedEitherWay">;
  clock: Clock;
  config: Pick<ChatConfig, "publicChannels" | "unfilteredChannels" | "retentionDays">;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The channels and who may read them: the configured public channels, party and DM membership,
 * blocks (which hide messages in both directions), DM policy and retention.
 */
export class ChatChannels {
  private readonly publicNames: Set<string>;
  private readonly unfiltered: Set<string>;

  constructor(private readonly d: ChatChannelsDeps) {
    this.publicNames = new Set(d.config.publicChannels);
    this.unfiltered = new Set(d.config.unfilteredChannels);
  }

  /** Creates the configured public channels (idempotent; run at start). */
  async init(): Promise<void> {
    const now = new Date(this.d.clock.now());
    await this.d.repo.ensureChannels(this.d.config.publicChannels.map((name) => ({ id: publicChannelId(name), kind: "PUBLIC" })), now);
  }

  publicChannels(): { id: string; name: string; filtered: boolean }[] {
    return this.d.config.publicChannels.map((name) => ({ id: publicChannelId(name), name, filtered: this.filtersPublic(name) }));
  }

  /** Whether the profanity filter applies to the public channel `name`. */
  filtersPublic(name: string): boolean {
    return !this.unfiltered.has(name);
  }

  /** A public channel id that exists, or throws channel_not_found. */
  publicChannel(channelId: string): string {
    const parsed = parseChannelId(channelId);
    if (parsed?.kind !== "public" || !this.publicNames.has(parsed.name)) {
      throw new AppError(ErrorCode.ChannelNotFound, "No such chat channel.");
    }
    return channelId;
  }

  /** A configured public channel, or a DM or party channel `viewer` is a member of; else channel_not_found. */
  async assertCanRead(viewer: Identity, channelId: string): Promise<ParsedChannel> {
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

  /** Players whose messages `accountId` never sees (blocked in either direction). */
  hiddenSenders(accountId: string): Promise<Set<string>> {
    return this.d.friends.blockedEitherWay(accountId);
  }

  /** Party members may read and write the party's channel (kept after the party for retention). */
  async addPartyMembers(partyId: string, accountIds: string[]): Promise<void> {
    await this.d.repo.ensureMemberChannel(partyChannelId(partyId), "PARTY", accountIds, new Date(this.d.clock.now()));
  }

  async removePartyMember(partyId: string, accountId: string): Promise<void> {
    await this.d.repo.removeMember(partyChannelId(partyId), accountId);
  }

  async setDirectMessagePolicy(accountId: string, allowFrom: "friends" | "anyone"): Promise<void> {
    await this.d.repo.setDmPolicy(accountId, allowFrom === "anyone" ? "ANYONE" : "FRIENDS");
  }

  async directMessagePolicy(accountId: string): Promise<"friends" | "anyone"> {
    return (await this.d.repo.dmPolicy(accountId)) === "ANYONE" ? "anyone" : "friends";
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
}
