import type { z } from "zod";
import { ChatDeletedMessageSchema, ChatHistoryMessageSchema, ChatMessageSchema, ChatMutedMessageSchema, ChatUnreadMessageSchema } from "./chat";
import { GameLobbyListingMessageSchema, GameLobbySnapshotMessageSchema, GameLobbyUpdateMessageSchema } from "./game-lobby";
import { FriendsUpdateMessageSchema, LobbyServerMessage, WelcomeMessageSchema, WsErrorMessageSchema } from "./lobby";
import { MatchCancelledMessageSchema, MatchFoundMessageSchema, QueueUpdateMessageSchema } from "./matchmaking";
import { NotificationSchema, UnreadNotificationsMessageSchema } from "./notifications";
import { PartyInviteMessageSchema, PartyJoinRequestResultMessageSchema, PartySnapshotMessageSchema, PartyUpdateMessageSchema } from "./party";
import { PresenceSnapshotMessageSchema, PresenceUpdateMessageSchema } from "./presence";

/**
 * Every server -> client lobby message type with the schema of its payload (the client -> server
 * side is the router's table). What the server sends is typed from it, and the tests check every
 * message a test client receives against it.
 */
export const LobbyServerMessageSchemas = {
  [LobbyServerMessage.Welcome]: WelcomeMessageSchema,
  [LobbyServerMessage.Error]: WsErrorMessageSchema,
  [LobbyServerMessage.PresenceSnapshot]: PresenceSnapshotMessageSchema,
  [LobbyServerMessage.PresenceUpdate]: PresenceUpdateMessageSchema,
  [LobbyServerMessage.FriendsUpdate]: FriendsUpdateMessageSchema,
  [LobbyServerMessage.Notification]: NotificationSchema,
  [LobbyServerMessage.NotificationsUnread]: UnreadNotificationsMessageSchema,
  [LobbyServerMessage.ChatMessage]: ChatMessageSchema,
  [LobbyServerMessage.ChatHistory]: ChatHistoryMessageSchema,
  [LobbyServerMessage.ChatDeleted]: ChatDeletedMessageSchema,
  [LobbyServerMessage.ChatUnread]: ChatUnreadMessageSchema,
  [LobbyServerMessage.ChatMuted]: ChatMutedMessageSchema,
  [LobbyServerMessage.PartySnapshot]: PartySnapshotMessageSchema,
  [LobbyServerMessage.PartyUpdate]: PartyUpdateMessageSchema,
  [LobbyServerMessage.PartyInvite]: PartyInviteMessageSchema,
  [LobbyServerMessage.PartyJoinRequestResult]: PartyJoinRequestResultMessageSchema,
  [LobbyServerMessage.QueueUpdate]: QueueUpdateMessageSchema,
  [LobbyServerMessage.MatchFound]: MatchFoundMessageSchema,
  [LobbyServerMessage.MatchCancelled]: MatchCancelledMessageSchema,
  [LobbyServerMessage.GameLobbySnapshot]: GameLobbySnapshotMessageSchema,
  [LobbyServerMessage.GameLobbyUpdate]: GameLobbyUpdateMessageSchema,
  [LobbyServerMessage.GameLobbyListing]: GameLobbyListingMessageSchema,
} as const satisfies Record<(typeof LobbyServerMessage)[keyof typeof LobbyServerMessage], z.ZodType>;

export type LobbyServerMessageType = keyof typeof LobbyServerMessageSchemas;

/** The payload each server -> client lobby message carries (as sent: the schemas' input side). */
export type LobbyServerMessages = { [K in LobbyServerMessageType]: z.input<(typeof LobbyServerMessageSchemas)[K]> };

/** One message of the lobby's server -> client protocol: its type and that type's payload. */
export type LobbyServerEnvelope = { [K in LobbyServerMessageType]: { type: K; payload: LobbyServerMessages[K] } }[LobbyServerMessageType];
