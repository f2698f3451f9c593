import { z } from "zod";
import { PageQuerySchema, PublicAccountSchema } from "./social";

export const NotificationType = {
  FriendRequest: "friend_request",
  FriendAccepted: "friend_accepted",
  FriendRemoved: "friend_removed",
  FriendOnline: "friend_online",
} as const;
export const NotificationTypeSchema = z.enum(["friend_request", "friend_accepted", "friend_removed", "friend_online"]);
export type NotificationType = z.infer<typeof NotificationTypeSchema>;

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    type: NotificationTypeSchema,
    actor: PublicAccountSchema.optional().meta({ description: "The player it is about." }),
    createdAt: z.iso.datetime(),
    read: z.boolean(),
  })
  .meta({ id: "Notification" });
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListQuerySchema = PageQuerySchema.extend({
  unread: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "`true`: only unread ones. A cursor is bound to the filter it was issued for." }),
});

export const NotificationListResponseSchema = z
  .object({
    items: z.array(NotificationSchema),
    unreadCount: z.number().int().nonnegative().meta({ description: "All unread notifications of the caller, not only this page." }),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "NotificationListResponse" });
export type NotificationListResponse = z.infer<typeof NotificationListResponseSchema>;

/** Mark read: the given ids, or everything when `all` is true. Also the WS `notifications.read`. */
export const MarkReadBodySchema = z
  .union([z.strictObject({ ids: z.array(z.uuid()).min(1).max(100) }), z.strictObject({ all: z.literal(true) })])
  .meta({ id: "MarkReadBody" });
export type MarkReadBody = z.input<typeof MarkReadBodySchema>;
/** POST /notifications/read: how many changed from unread to read. */
export const MarkReadResultSchema = z.object({ updated: z.number().int().nonnegative() });
export type MarkReadResult = z.infer<typeof MarkReadResultSchema>;

/** Server -> client `notifications.unread`, right after joining. */
export const UnreadNotificationsMessageSchema = z.object({
  count: z.number().int().nonnegative(),
  /** The newest unread ones (up to 50). */
  items: z.array(NotificationSchema),
});
export type UnreadNotificationsMessage = z.infer<typeof UnreadNotificationsMessageSchema>;
