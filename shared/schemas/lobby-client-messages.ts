import type { z } from "zod";
import {
  ChatDmMessageSchema,
  ChatJoinMessageSchema,
  ChatLeaveMessageSchema,
  ChatReadMessageSchema,
  ChatReportMessageSchema,
  ChatSendMessageSchema,
  type ChatHistoryMessage,
  type ChatMessage,
} from "./chat";
import {
  GameLobbyConfigureMessageSchema,
  GameLobbyCreateMessageSchema,
  GameLobbyJoinMessageSchema,
  GameLobbyMoveMessageSchema,
  GameLobbyReadyMessageSchema,
  GameLobbySlotMessageSchema,
  GameLobbyTargetMessageSchema,
  GameLobbyWatchMessageSchema,
  type GameLobbyStartReply,
  type GameLobbySummary,
  type GameLobbyView,
} from "./game-lobby";
import { LobbyClientMessage } from "./lobby";
import { MatchSpectateMessageSchema, QueueJoinMessageSchema, type MatchSpectateReply, type QueueUpdateMessage } from "./matchmaking";
import { MarkReadBodySchema } from "./notifications";
import {
  EmptyMessageSchema,
  PartyInviteAnswerMessageSchema,
  PartyJoinByCodeMessageSchema,
  PartyJoinFriendMessageSchema,
  PartyJoinRequestAnswerMessageSchema,
  PartyJoinRequestCancelMessageSchema,
  type PartyJoinFriendReply,
  PartyInviteSendMessageSchema,
  PartyReadyMessageSchema,
  PartyTargetMessageSchema,
  type PartyJoinCode,
  type PartyView,
} from "./party";
import { PresenceSetMessageSchema } from "./presence";

/**
 * Every client -> server lobby message type with the schema its handler validates the payload
 * with (the same schemas the lobby's `router.on(...)` calls use), the mirror of
 * LobbyServerMessageSchemas.
 */
export const LobbyClientMessageSchemas = {
  [LobbyClientMessage.PresenceSet]: PresenceSetMessageSchema,
  [LobbyClientMessage.NotificationsRead]: MarkReadBodySchema,
  [LobbyClientMessage.ChatJoin]: ChatJoinMessageSchema,
  [LobbyClientMessage.ChatLeave]: ChatLeaveMessageSchema,
  [LobbyClientMessage.ChatSend]: ChatSendMessageSchema,
  [LobbyClientMessage.ChatDm]: ChatDmMessageSchema,
  [LobbyClientMessage.ChatRead]: ChatReadMessageSchema,
  [LobbyClientMessage.ChatReport]: ChatReportMessageSchema,
  [LobbyClientMessage.PartyCreate]: EmptyMessageSchema,
  [LobbyClientMessage.PartyInvite]: PartyInviteSendMessageSchema,
  [LobbyClientMessage.PartyAccept]: PartyInviteAnswerMessageSchema,
  [LobbyClientMessage.PartyDecline]: PartyInviteAnswerMessageSchema,
  [LobbyClientMessage.PartyLeave]: EmptyMessageSchema,
  [LobbyClientMessage.PartyKick]: PartyTargetMessageSchema,
  [LobbyClientMessage.PartyPromote]: PartyTargetMessageSchema,
  [LobbyClientMessage.PartyDisband]: EmptyMessageSchema,
  [LobbyClientMessage.PartyReady]: PartyReadyMessageSchema,
  [LobbyClientMessage.PartyCodeCreate]: EmptyMessageSchema,
  [LobbyClientMessage.PartyCodeRevoke]: EmptyMessageSchema,
  [LobbyClientMessage.PartyJoinByCode]: PartyJoinByCodeMessageSchema,
  [LobbyClientMessage.PartyJoinFriend]: PartyJoinFriendMessageSchema,
  [LobbyClientMessage.PartyJoinRequestCancel]: PartyJoinRequestCancelMessageSchema,
  [LobbyClientMessage.PartyJoinRequestAccept]: PartyJoinRequestAnswerMessageSchema,
  [LobbyClientMessage.PartyJoinRequestDecline]: PartyJoinRequestAnswerMessageSchema,
  [LobbyClientMessage.MatchSpectate]: MatchSpectateMessageSchema,
  [LobbyClientMessage.QueueJoin]: QueueJoinMessageSchema,
  [LobbyClientMessage.QueueLeave]: EmptyMessageSchema,
  [LobbyClientMessage.GameLobbyCreate]: GameLobbyCreateMessageSchema,
  [LobbyClientMessage.GameLobbyJoin]: GameLobbyJoinMessageSchema,
  [LobbyClientMessage.GameLobbyLeave]: EmptyMessageSchema,
  [LobbyClientMessage.GameLobbySlot]: GameLobbySlotMessageSchema,
  [LobbyClientMessage.GameLobbyReady]: GameLobbyReadyMessageSchema,
  [LobbyClientMessage.GameLobbyKick]: GameLobbyTargetMessageSchema,
  [LobbyClientMessage.GameLobbyMove]: GameLobbyMoveMessageSchema,
  [LobbyClientMessage.GameLobbyConfigure]: GameLobbyConfigureMessageSchema,
  [LobbyClientMessage.GameLobbyPromote]: GameLobbyTargetMessageSchema,
  [LobbyClientMessage.GameLobbyStart]: EmptyMessageSchema,
  [LobbyClientMessage.GameLobbyWatch]: GameLobbyWatchMessageSchema,
} as const satisfies Record<(typeof LobbyClientMessage)[keyof typeof LobbyClientMessage], z.ZodType>;

export type LobbyClientMessageType = keyof typeof LobbyClientMessageSchemas;

/** The payload each client -> server lobby message carries (what a client sends: the schemas' input side). */
export type LobbyClientMessages = { [K in LobbyClientMessageType]: z.input<(typeof LobbyClientMessageSchemas)[K]> };

/**
 * What each message answers when sent as a request (`room.request(type, payload)`) and accepted.
 * `undefined`: no payload. A refused request also resolves with `undefined`, after the `error`.
 */
export interface LobbyClientReplies {
  "presence.set": undefined;
  "notifications.read": undefined;
  "chat.join": ChatHistoryMessage;
  "chat.leave": undefined;
  "chat.send": ChatMessage;
  "chat.dm": ChatMessage;
  "chat.read": undefined;
  "chat.report": { reports: number; created: boolean };
  "party.create": PartyView;
  "party.invite": PartyView;
  "party.accept": PartyView;
  "party.decline": undefined;
  "party.leave": undefined;
  "party.kick": undefined;
  "party.promote": PartyView;
  "party.disband": undefined;
  "party.ready": PartyView;
  "party.code.create": PartyJoinCode;
  "party.code.revoke": undefined;
  "party.joinByCode": PartyView;
  "party.joinFriend": PartyJoinFriendReply;
  "party.joinRequest.cancel": undefined;
  "party.joinRequest.accept": PartyView;
  "party.joinRequest.decline": undefined;
  "match.spectate": MatchSpectateReply;
  "queue.join": QueueUpdateMessage;
  "queue.leave": undefined;
  "gameLobby.create": GameLobbyView;
  "gameLobby.join": GameLobbyView;
  "gameLobby.leave": undefined;
  "gameLobby.slot": GameLobbyView;
  "gameLobby.ready": GameLobbyView;
  "gameLobby.kick": undefined;
  "gameLobby.move": GameLobbyView;
  "gameLobby.configure": GameLobbyView;
  "gameLobby.promote": GameLobbyView;
  "gameLobby.start": GameLobbyStartReply;
  "gameLobby.watch": { lobbies: GameLobbySummary[] };
}

// Every message type has its reply entry, and nothing else does.
type _RepliesCoverEveryType = [LobbyClientMessageType] extends [keyof LobbyClientReplies]
  ? [keyof LobbyClientReplies] extends [LobbyClientMessageType]
    ? true
    : never
  : never;
export const lobbyClientRepliesCoverEveryType: _RepliesCoverEveryType = true;
