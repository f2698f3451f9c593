import { z } from "zod";
import { UsernameSchema } from "./auth";
import { PresenceSchema } from "./presence";

/** How the caller relates to a listed player. */
export const FriendListStateSchema = z.enum(["friend", "incoming", "outgoing"]);
export type FriendListState = z.infer<typeof FriendListStateSchema>;

export const PublicAccountSchema = z.object({ id: z.uuid(), username: z.string() });
export type PublicAccount = z.infer<typeof PublicAccountSchema>;

export const FriendRequestBodySchema = z.strictObject({ username: UsernameSchema });
export type FriendRequestBody = z.input<typeof FriendRequestBodySchema>;

export const BlockBodySchema = z.strictObject({ accountId: z.uuid() });
export type BlockBody = z.input<typeof BlockBodySchema>;

export const AccountIdParamSchema = z.object({ accountId: z.uuid() });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export const FriendListQuerySchema = PageQuerySchema.extend({
  state: FriendListStateSchema.optional(),
});
export type FriendListQuery = z.input<typeof FriendListQuerySchema>;

export const FriendEntrySchema = z.object({
  account: PublicAccountSchema,
  state: FriendListStateSchema,
  since: z.iso.datetime(),
  /** Only for friends: pending requests reveal no presence. */
  presence: PresenceSchema.optional(),
});
export type FriendEntry = z.infer<typeof FriendEntrySchema>;

export const FriendListResponseSchema = z.object({
  items: z.array(FriendEntrySchema),
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor: z.string().optional(),
});
export type FriendListResponse = z.infer<typeof FriendListResponseSchema>;

export const FriendRequestResultSchema = z.object({
  account: PublicAccountSchema,
  /** `outgoing`: request sent (or already pending); `friend`: it accepted theirs or you were friends. */
  state: z.enum(["friend", "outgoing"]),
});
export type FriendRequestResult = z.infer<typeof FriendRequestResultSchema>;

export const BlockEntrySchema = z.object({ account: PublicAccountSchema, since: z.iso.datetime() });
export const BlockListResponseSchema = z.object({
  items: z.array(BlockEntrySchema),
  nextCursor: z.string().optional(),
});
export type BlockListResponse = z.infer<typeof BlockListResponseSchema>;
