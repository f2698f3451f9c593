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
} as const;

/** Message types a client may send on a lobby connection. */
export const LobbyClientMessage = {
  /** Set the chosen status and/or custom text. */
  PresenceSet: "presence.set",
  /** Mark notifications read. */
  NotificationsRead: "notifications.read",
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
});
export type WsErrorMessage = z.infer<typeof WsErrorMessageSchema>;

/** Server -> client `friends.update`: `state` null means the relationship ended. */
export const FriendsUpdateMessageSchema = z.object({
  account: PublicAccountSchema,
  state: FriendListStateSchema.nullable(),
});
export type FriendsUpdateMessage = z.infer<typeof FriendsUpdateMessageSchema>;
