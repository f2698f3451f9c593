import type { FloodConfig } from "./flood-guard";

export interface ChatConfig {
  /** Public channel names (`public:<name>`), from configuration. */
  publicChannels: string[];
  /** Public channels where the profanity filter is off. */
  unfilteredChannels: string[];
  filterDirectMessages: boolean;
  filterPartyChat: boolean;
  extraBlockedWords: string[];
  allowedWords: string[];
  /** Messages sent to a player joining a channel. */
  historyOnJoin: number;
  flood: FloodConfig;
  retentionDays: { public: number; dm: number; party: number };
  /** chat.join per connection: a burst, then this many a second (each may send up to 200 messages); and per account, a minute. */
  joins: { burst: number; perSecond: number; perAccountPerMinute: number };
}
