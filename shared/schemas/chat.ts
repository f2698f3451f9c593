import { z } from "zod";
import { Limits } from "../limits";
import { hasNulCharacter, NUL_CHARACTER_MESSAGE } from "./common";
import { JoinPolicySchema } from "./presence";
import { PublicAccountSchema } from "./social";

/** `public:<name>` | `dm:<idA>:<idB>` (ids sorted) | `party:<partyId>`. */
export const PUBLIC_CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const ChannelIdSchema = z.string().min(3).max(96).regex(/^(public|dm|party):[A-Za-z0-9:_-]+$/, "is not a channel id");
export const ChannelKindSchema = z.enum(["public", "dm", "party"]);
export type ChannelKind = z.infer<typeof ChannelKindSchema>;

export const dmChannelId = (a: string, b: string): string => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
export const publicChannelId = (name: string): string => `public:${name}`;
export const partyChannelId = (partyId: string): string => `party:${partyId}`;

export const ChatMessageSchema = z
  .object({
    id: z.string().meta({ description: "Unique across channels (a decimal string); report and delete by it." }),
    channelId: z.string(),
    /** Catch up with `afterSeq`. */
    seq: z.number().int().positive().meta({ description: "Position in the channel, consecutive from 1. Deleted and hidden messages leave holes." }),
    sender: PublicAccountSchema,
    text: z.string().meta({
      description: "As stored: cleaned, 1–500 code points and at most 2000 UTF-8 bytes, profanity masked with `*` where the channel is filtered.",
    }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ChatMessage" });

/** A message `id`: a decimal string of 1–19 digits. */
export const MessageIdSchema = z.string().regex(/^\d{1,19}$/);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Raw text as sent; the server cleans and bounds it (1–500 code points, 2000 bytes). */
const RawTextSchema = z.string().max(Limits.chatMaxInputChars, "is too long");

/** Client -> server `chat.join` (public channels). `afterSeq` catches up after a reconnect. */
export const ChatJoinMessageSchema = z.strictObject({
  channelId: ChannelIdSchema,
  afterSeq: z.number().int().nonnegative().optional(),
});
export type ChatJoinMessage = z.input<typeof ChatJoinMessageSchema>;

export const ChatLeaveMessageSchema = z.strictObject({ channelId: ChannelIdSchema });

/** Client -> server `chat.send` to a channel the connection has joined (or its party channel). */
export const ChatSendMessageSchema = z.strictObject({ channelId: ChannelIdSchema, text: RawTextSchema });
export type ChatSendMessage = z.input<typeof ChatSendMessageSchema>;

/** Client -> server `chat.dm`: a direct message. */
export const ChatDmMessageSchema = z.strictObject({ to: z.uuid(), text: RawTextSchema });
export type ChatDmMessage = z.input<typeof ChatDmMessageSchema>;

/** Client -> server `chat.read`: everything up to `seq` in a DM channel has been read. */
export const ChatReadMessageSchema = z.strictObject({ channelId: ChannelIdSchema, seq: z.number().int().nonnegative() });

export const ReportReasonSchema = z.enum(["spam", "harassment", "hate", "cheating", "inappropriate", "other"]);
export const ChatReportBodySchema = z.strictObject({
  reason: ReportReasonSchema,
  // Stored as sent (not cleaned like chat text).
  note: z
    .string()
    .max(500)
    .refine((s) => !hasNulCharacter(s), NUL_CHARACTER_MESSAGE)
    .optional()
    .meta({ description: "Free text for the operators; U+0000 is refused." }),
}).meta({ id: "ChatReportBody" });
/** POST /chat/messages/{messageId}/reports. */
export const ChatReportResultSchema = z
  .object({ reports: z.number().int().min(1).meta({ description: "Distinct players who reported this message." }) })
  .meta({ id: "ChatReportResult" });
/** Client -> server `chat.report`. */
export const ChatReportMessageSchema = ChatReportBodySchema.extend({ messageId: z.string().regex(/^\d{1,19}$/) });

/** Server -> client `chat.history`: the recent messages of a channel just joined. */
export const ChatHistoryMessageSchema = z.object({
  channelId: z.string(),
  messages: z.array(ChatMessageSchema),
  /** The channel's newest seq when the history was read: live messages continue from here. */
  lastSeq: z.number().int().nonnegative(),
  /** More messages exist between `afterSeq` and these: page them over HTTP. */
  truncated: z.boolean(),
});
export type ChatHistoryMessage = z.infer<typeof ChatHistoryMessageSchema>;

/** Server -> client `chat.deleted`: remove the message from view. */
export const ChatDeletedMessageSchema = z.object({ channelId: z.string(), id: z.string(), seq: z.number().int() });
export type ChatDeletedMessage = z.infer<typeof ChatDeletedMessageSchema>;

export const DmUnreadSchema = z
  .object({
    channelId: z.string(),
    with: PublicAccountSchema,
    unread: z.number().int().nonnegative(),
    lastMessage: ChatMessageSchema.optional(),
  })
  .meta({ id: "DmUnread" });
/** Server -> client `chat.unread` after joining; also GET /chat/unread. */
export const ChatUnreadMessageSchema = z.object({ channels: z.array(DmUnreadSchema) }).meta({ id: "ChatUnreadResponse" });
export const ChatUnreadResponseSchema = ChatUnreadMessageSchema;
export type ChatUnreadMessage = z.infer<typeof ChatUnreadMessageSchema>;

/** Server -> client `chat.muted`: the player was muted (chat refused until expiresAt, party chat excepted). */
export const ChatMutedMessageSchema = z.object({ expiresAt: z.iso.datetime(), reason: z.string() });
export type ChatMutedMessage = z.infer<typeof ChatMutedMessageSchema>;

export const ChatHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(Limits.pageMaxLimit).default(50).meta({ description: "Page size." }),
  /** Older pages: the `nextCursor` of the previous page. */
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ description: "Paging back only. The `nextCursor` of the previous page of the same channel." }),
  /** Catch-up: messages after this seq, oldest first. */
  afterSeq: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .meta({ description: "Catching up only. The last `seq` the client has (0 for the whole retained history)." }),
});

export const ChatHistoryResponseSchema = z
  .object({
    messages: z.array(ChatMessageSchema).meta({ description: "Newest first when paging back; oldest first with `afterSeq`." }),
    nextCursor: z.string().optional().meta({ description: "Paging back only; pass as `cursor` for the next older page. Absent on the last page." }),
    /** afterSeq mode: ask again with afterSeq = the last seq received. */
    hasMore: z.boolean().meta({ description: "More messages follow in this mode's direction." }),
  })
  .meta({ id: "ChatHistoryResponse" });
export type ChatHistoryResponse = z.infer<typeof ChatHistoryResponseSchema>;

export const PublicChannelsResponseSchema = z
  .object({
    channels: z.array(
      z.object({
        id: z.string().meta({ examples: ["public:general"] }),
        name: z.string().meta({ examples: ["general"] }),
        filtered: z.boolean().meta({ description: "Whether profanity is masked in this channel." }),
      }),
    ),
  })
  .meta({ id: "PublicChannelsResponse" });

export const AccountSettingsSchema = z
  .object({
    allowDirectMessagesFrom: z.enum(["friends", "anyone"]).meta({
      description: "Who may send the player direct messages: `friends` (default) or `anyone` not blocked in either direction.",
    }),
    joinPolicy: JoinPolicySchema.meta({
      description:
        "Who may join the player's party from their presence: `friends` join at once, `ask` (default) send a join request the party leader accepts or declines, `nobody` cannot. A party follows the stricter of a member's and its leader's policy.",
    }),
  })
  .meta({ id: "AccountSettings" });
export type AccountSettings = z.infer<typeof AccountSettingsSchema>;
export const AccountSettingsPatchSchema = AccountSettingsSchema.partial().strict().meta({ id: "AccountSettingsPatch" });
