import type { ChatMessage } from "../../../shared/schemas/chat";

/** What travels to the connections that see a channel. */
export type ChatEvent =
  | { type: "message"; message: ChatMessage }
  | { type: "deleted"; channelId: string; id: string; seq: number };

/** Publishes to everyone listening to a public or party channel, on every process. */
export interface ChatTopics {
  publish(channelId: string, event: ChatEvent): Promise<void>;
}
