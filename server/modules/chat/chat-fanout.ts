import type { AccountEventBus } from "../events/account-events";
import { parseChannelId } from "./channel-id";
import type { ChatEvent, ChatTopics } from "./chat-events";

/**
 * Where a chat event goes live: a public or party channel's topic, or (a DM) the account events
 * of each member, so every connection of theirs on any process sees it.
 */
export class ChatFanout {
  constructor(
    private readonly topics: ChatTopics,
    private readonly bus: AccountEventBus,
  ) {}

  toTopic(channelId: string, event: ChatEvent): Promise<void> {
    return this.topics.publish(channelId, event);
  }

  async toAccounts(accountIds: readonly string[], event: ChatEvent): Promise<void> {
    await Promise.all(accountIds.map((id) => this.bus.publish(id, { kind: "chat", event })));
  }

  /** A DM channel's event to both members, any other channel's to its topic. */
  async toChannel(channelId: string, event: ChatEvent): Promise<void> {
    const parsed = parseChannelId(channelId);
    if (parsed?.kind === "dm") await this.toAccounts(parsed.members, event);
    else await this.toTopic(channelId, event);
  }
}
