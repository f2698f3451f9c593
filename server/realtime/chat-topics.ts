import type { Presence } from "@colyseus/core";
import type { ChatEvent, ChatTopics } from "../modules/chat/chat-events";

/** Public and party channels fan out through one Presence channel each, to every process. */
export const chatChannel = (channelId: string): string => `lobby:chat:${channelId}`;

export class PresenceChatTopics implements ChatTopics {
  constructor(private readonly presence: Presence) {}

  async publish(channelId: string, event: ChatEvent): Promise<void> {
    await this.presence.publish(chatChannel(channelId), event);
  }
}
