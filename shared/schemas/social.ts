import { z } from "zod";
import { UsernameSchema } from "./auth";
import { PresenceSchema } from "./presence";

/** How the caller relates to a listed player. */
export const FriendListStateSchema = z.enum(["friend", "incoming", "outgoing"]).meta({
  id: "FriendListState",
  description: "How the caller relates to the listed player: `friend`, `incoming` (they asked the caller), `outgoing` (the caller asked them).",
});
export type FriendListState = z.infer<typeof FriendListStateSchema>;

export const PublicAccountSchema = z
  .object({ id: z.uuid(), username: z.string().meta({ description: "The login handle: stable, unique, for adding friends." }), displayName: z.string().meta({ description: "The name to show (PATCH /me); not unique." }) })
  .meta({ id: "PublicAccount" });
export type PublicAccount = z.infer<typeof PublicAccountSchema>;

export const FriendRequestBodySchema = z.strictObject({ username: UsernameSchema }).meta({ id: "FriendRequestBody" });
export type FriendRequestBody = z.input<typeof FriendRequestBodySchema>;

export const BlockBodySchema = z.strictObject({ accountId: z.uuid() }).meta({ id: "BlockBody" });
export type BlockBody = z.input<typeof BlockBodySchema>;

export const AccountIdParamSchema = z.object({ accountId: z.uuid() });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: "Page size." }),
  cursor: z.string().min(1).max(512).optional().meta({ description: "The `nextCursor` of the previous page of the same list and filter." }),
});

export const FriendListQuerySchema = PageQuerySchema.extend({
  state: FriendListStateSchema.optional().meta({ description: "Only this relationship. A cursor is bound to the filter it was issued for." }),
});
export type FriendListQuery = z.input<typeof FriendListQuerySchema>;

export const FriendEntrySchema = z
  .object({
    account: PublicAccountSchema,
    state: FriendListStateSchema,
    since: z.iso.datetime().meta({ description: "When the relationship reached this state." }),
    presence: PresenceSchema.optional().meta({ description: "Only on friends; pending requests reveal no presence." }),
  })
  .meta({ id: "FriendEntry" });
export type FriendEntry = z.infer<typeof FriendEntrySchema>;

export const FriendListResponseSchema = z
  .object({
    items: z.array(FriendEntrySchema),
    nextCursor: z.string().optional().meta({ description: "Pass as `cursor` for the next page; absent on the last page." }),
  })
  .meta({ id: "FriendListResponse" });
export type FriendListResponse = z.infer<typeof FriendListResponseSchema>;

export const FriendRequestResultSchema = z
  .object({
    account: PublicAccountSchema,
    state: z.enum(["friend", "outgoing"]).meta({
      description: "`outgoing`: the request is pending; `friend`: the two are friends (this accepted their request, or they already were).",
    }),
  })
  .meta({ id: "FriendRequestResult" });
export type FriendRequestResult = z.infer<typeof FriendRequestResultSchema>;

export const BlockEntrySchema = z.object({ account: PublicAccountSchema, since: z.iso.datetime() }).meta({ id: "BlockEntry" });
export const BlockListResponseSchema = z
  .object({
    items: z.array(BlockEntrySchema),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "BlockListResponse" });
export type BlockListResponse = z.infer<typeof BlockListResponseSchema>;
