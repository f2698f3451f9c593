import type { Presence } from "@colyseus/core";
import type { ChatEvent, ChatTopics } from "../modules/chat/chat-events";

/**
 * Redis pub/sub channels are shared by every database of a Redis server: public channel names
 * (`public:general`) would reach another deployment (or test run) on another database index.
 * Chat topics are therefore named under the database index of REDIS_URL.
 */
export function chatNamespace(redisUrl: string | undefined): string {
  if (!redisUrl) return "local";
  const index = /^\/(\d+)$/.exec(new URL(redisUrl).pathname)?.[1] ?? "0";
  return `db${index}`;
}

/** Public and party channels fan out through one Presence channel each, to every process. */
export const chatChannel = (namespace: string, channelId: string): string => `lobby:${namespace}:chat:${channelId}`;

export class PresenceChatTopics implements ChatTopics {
  constructor(
    private readonly presence: Presence,
    private readonly namespace: string,
  ) {}

  channelOf = (channelId: string): string => chatChannel(this.namespace, channelId);

  async publish(channelId: string, event: ChatEvent): Promise<void> {
    await this.presence.publish(this.channelOf(channelId), event);
  }
}
