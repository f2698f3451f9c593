import { z } from "zod";
import { AccountSchema } from "./auth";
import { FriendListStateSchema, PublicAccountSchema } from "./social";

/** Message types the server sends on a lobby connection. */
export const LobbyServerMessage = {
  Welcome: "welcome",
  Error: "error",
  /** Every friend's presence, once, right after joining. */
  PresenceSnapshot: "presence.snapshot",
  /** One friend's presence changed. */
  PresenceUpdate: "presence.update",
  /** A relationship changed (request in/out, accepted, removed). */
  FriendsUpdate: "friends.update",
  /** A new notification. */
  Notification: "notification",
  /** Unread count and newest unread notifications, right after joining. */
  NotificationsUnread: "notifications.unread",
  /** A chat message in a joined channel, a DM, or party chat. */
  ChatMessage: "chat.message",
  /** Recent messages of a channel just joined (or the catch-up after a reconnect). */
  ChatHistory: "chat.history",
  /** A message was deleted by an operator: remove it from view. */
  ChatDeleted: "chat.deleted",
  /** Direct-message channels with unread messages, right after joining. */
  ChatUnread: "chat.unread",
  /** The player was muted. */
  ChatMuted: "chat.muted",
  /** Right after joining: the player's party (or null) and pending party invites. */
  PartySnapshot: "party.snapshot",
  /** The party's full state (versioned), or `party: null` once the player is out of it. */
  PartyUpdate: "party.update",
  /** The player's join request was declined, or can no longer be met. */
  PartyJoinRequestResult: "party.joinRequest.result",
  /** A friend invited the player to their party. */
  PartyInvite: "party.invite",
  /** The player's (or party's) matchmaking search started, ended or found a match. */
  QueueUpdate: "queue.update",
  /** A match formed: join it with the seat reservation before the deadline. */
  MatchFound: "match.found",
  /** A formed match was called off (someone did not join in time). */
  MatchCancelled: "match.cancelled",
  /** Right after joining: the player's custom game lobby, or null. */
  GameLobbySnapshot: "gameLobby.snapshot",
  /** The game lobby's full state (versioned), or `lobby: null` once the player is out of it. */
  GameLobbyUpdate: "gameLobby.update",
  /** A lobby the browser watches (gameLobby.watch) changed, or left the browser. */
  GameLobbyListing: "gameLobby.listing",
} as const;

/** Message types a client may send on a lobby connection. */
export const LobbyClientMessage = {
  /** Set the chosen status and/or custom text. */
  PresenceSet: "presence.set",
  /** Mark notifications read. */
  NotificationsRead: "notifications.read",
  /** Join a public chat channel (optionally catching up after a seq). Answers with chat.history. */
  ChatJoin: "chat.join",
  ChatLeave: "chat.leave",
  /** Send to a joined public channel or the party channel. As a request, answers with the message. */
  ChatSend: "chat.send",
  /** Send a direct message. As a request, answers with the message. */
  ChatDm: "chat.dm",
  /** Mark a DM channel read up to a seq. */
  ChatRead: "chat.read",
  /** Report a message. */
  ChatReport: "chat.report",
  PartyCreate: "party.create",
  /** Invite a friend (creates a party if the player has none). */
  PartyInvite: "party.invite",
  PartyAccept: "party.accept",
  PartyDecline: "party.decline",
  PartyLeave: "party.leave",
  /** Leader only. */
  PartyKick: "party.kick",
  /** Leader only: hand the lead to another member. */
  PartyPromote: "party.promote",
  /** Leader only. */
  PartyDisband: "party.disband",
  PartyReady: "party.ready",
  /** Leader only: a new join code for the party (the old one stops working). */
  PartyCodeCreate: "party.code.create",
  /** Leader only: the party's join code stops working. */
  PartyCodeRevoke: "party.code.revoke",
  /** Join a party with its code (leaving the player's current party). */
  PartyJoinByCode: "party.joinByCode",
  /** Join a friend's party from their presence, or ask its leader to (the friend's join policy decides). */
  PartyJoinFriend: "party.joinFriend",
  /** Withdraw the player's join request. */
  PartyJoinRequestCancel: "party.joinRequest.cancel",
  /** Leader only: let a requester in (they leave their current party). */
  PartyJoinRequestAccept: "party.joinRequest.accept",
  /** Leader only. */
  PartyJoinRequestDecline: "party.joinRequest.decline",
  /** Watch a friend's match being played (answers a seat reservation for the `spectate` room). */
  MatchSpectate: "match.spectate",
  /** Leader or solo player: queue for a mode and region. */
  QueueJoin: "queue.join",
  /** Any member: cancel the party's (or own) search. */
  QueueLeave: "queue.leave",
  /** Create a custom game lobby (the player hosts it). */
  GameLobbyCreate: "gameLobby.create",
  /** Join a public lobby by id, or any lobby by code. */
  GameLobbyJoin: "gameLobby.join",
  GameLobbyLeave: "gameLobby.leave",
  /** Take a free slot. */
  GameLobbySlot: "gameLobby.slot",
  GameLobbyReady: "gameLobby.ready",
  /** Host only. */
  GameLobbyKick: "gameLobby.kick",
  /** Host only: put a player in a slot (swapping with whoever sits there). */
  GameLobbyMove: "gameLobby.move",
  /** Host only: name, visibility, password, settings. */
  GameLobbyConfigure: "gameLobby.configure",
  /** Host only: hand the host role to another player. */
  GameLobbyPromote: "gameLobby.promote",
  /** Host only: start the match. */
  GameLobbyStart: "gameLobby.start",
  /** The browser: live updates for the lobbies on screen. */
  GameLobbyWatch: "gameLobby.watch",
} as const;

export const WelcomeMessageSchema = z.object({
  account: AccountSchema,
  /** Server time in epoch milliseconds, for clock-offset estimation. */
  serverTime: z.number().int(),
});
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;

/** Sent instead of acting on a client message that was refused. The connection stays open. */
export const WsErrorMessageSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The client message type that caused it. */
  type: z.string().optional(),
  /** Code-specific facts, e.g. `expiresAt` of a mute, `retryAfterMs` of a rate limit. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type WsErrorMessage = z.infer<typeof WsErrorMessageSchema>;

/** Server -> client `friends.update`: `state` null means the relationship ended. */
export const FriendsUpdateMessageSchema = z.object({
  account: PublicAccountSchema,
  state: FriendListStateSchema.nullable(),
});
export type FriendsUpdateMessage = z.infer<typeof FriendsUpdateMessageSchema>;
