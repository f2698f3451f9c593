import { z } from "zod";
import { Limits } from "../limits";
import { QueueStatsSchema } from "./matchmaking";
import { PasswordSchema } from "./auth";

/**
 * The operator (admin) API under /admin/api. Operator tokens have their own audience: player
 * routes refuse them (401 invalid_token) and admin routes refuse player tokens (403 forbidden).
 */

/** Lowest first: each role can do everything the ones before it can (docs/admin.md). */
export const OperatorRoleSchema = z.enum(["viewer", "moderator", "admin"]).meta({
  id: "OperatorRole",
  description:
    "`viewer` sees everything; `moderator` may also kick, mute, ban, unban, disable and enable accounts below its role, move accounts between `player` and `viewer`, delete messages and resolve reports; `admin` may do all of that to every account but its own and give any role.",
});
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

/** Destructive actions say why; the reason goes to the audit log. */
export const ReasonSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(500, "must be at most 500 characters")
  .meta({ id: "Reason", description: "Why; trimmed, required, recorded in the audit log." });

/** Documents a string holding an ISO time (these response fields are typed, not validated). */
const Time = z.string().meta({ format: "date-time" });

export const AdminLoginRequestSchema = z
  .strictObject({
    username: z.string().min(1, "is required").max(64, "is too long"),
    password: PasswordSchema,
  })
  .meta({ id: "AdminLoginRequest" });

export const OperatorSchema = z.object({ id: z.uuid(), username: z.string(), role: OperatorRoleSchema }).meta({ id: "Operator" });
export type Operator = z.infer<typeof OperatorSchema>;

export const AdminLoginResponseSchema = z
  .object({
    accessToken: z.string().meta({
      description: "Operator JWT (audience ADMIN_JWT_AUDIENCE); send as `Authorization: Bearer` to /admin/api. Not a player token.",
    }),
    expiresIn: z.number().int().meta({ description: "Seconds until it expires (ADMIN_TOKEN_TTL_SECONDS)." }),
    operator: OperatorSchema,
  })
  .meta({ id: "AdminLoginResponse" });
export type AdminLoginResponse = z.infer<typeof AdminLoginResponseSchema>;

export const AdminMeResponseSchema = z.object({ operator: OperatorSchema }).meta({ id: "AdminMeResponse" });

/** POST /admin/api/monitor-ticket. */
export const MonitorTicketSchema = z
  .object({
    ticket: z.string().meta({ description: "Random, single use." }),
    expiresIn: z.number().int().meta({ description: "Seconds the ticket is valid (30)." }),
    url: z.string().meta({ examples: ["/admin/monitor/?ticket=…"], description: "Open this in the browser." }),
  })
  .meta({ id: "MonitorTicket" });
export type MonitorTicket = z.infer<typeof MonitorTicketSchema>;

export const AccountRoleSchema = z.enum(["player", "viewer", "moderator", "admin"]).meta({ id: "AccountRole" });
export type AccountRole = z.infer<typeof AccountRoleSchema>;

export const AdminOverviewSchema = z
  .object({
    playersOnline: z.number().int().meta({ description: "Lobby connections on every process." }),
    connectionsByProcess: z.record(z.string(), z.number().int()).meta({ description: "Lobby connections by process id." }),
    rooms: z.object({ lobby: z.number().int(), match: z.number().int() }),
    queues: QueueStatsSchema,
    messagesPerMinute: z.number().meta({ description: "Chat messages in the last minute." }),
    series: z
      .array(z.object({ at: Time, online: z.number().int(), messages: z.number().int() }))
      .meta({ description: "The last 60 minutes, one point per minute, oldest first." }),
  })
  .meta({ id: "AdminOverview" });
export type AdminOverview = z.infer<typeof AdminOverviewSchema>;

export const AdminPlayersQuerySchema = z.object({
  q: z.string().max(Limits.displayNameMaxLength).optional().meta({ description: "Username or display name prefix (case-insensitive); empty or absent lists the first players." }),
});

export const AdminPlayerRowSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  role: AccountRoleSchema,
  createdAt: Time,
  banned: z.boolean(),
  online: z.boolean(),
});
export const AdminPlayersResponseSchema = z.object({ items: z.array(AdminPlayerRowSchema) }).meta({ id: "AdminPlayersResponse" });

const Ref = z.object({ id: z.string(), username: z.string(), displayName: z.string() }).meta({ id: "AdminRef" });

export const AdminReportSchema = z
  .object({
    id: z.uuid(),
    messageId: z.string(),
    channelId: z.string(),
    text: z.string(),
    sender: Ref,
    reason: z.string(),
    note: z.string().nullable(),
    reporter: Ref,
    createdAt: Time,
    resolvedAt: Time.nullable(),
  })
  .meta({ id: "AdminReport" });
export type AdminReport = z.infer<typeof AdminReportSchema>;

export const AdminSanctionSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(["ban", "mute"]),
    reason: z.string(),
    createdAt: Time,
    expiresAt: Time.nullable().meta({ description: "Null for a permanent ban." }),
    revokedAt: Time.nullable(),
    by: Ref.nullable().meta({ description: "The operator; null for automatic mutes." }),
  })
  .meta({ id: "AdminSanction" });

export const AdminPlayerDetailSchema = z
  .object({
    account: z.object({
      id: z.uuid(),
      username: z.string(),
      displayName: z.string(),
      role: AccountRoleSchema,
      createdAt: Time,
      disabledAt: Time.nullable(),
      guest: z.boolean().meta({ description: "A guest account (POST /auth/device) that has not upgraded." }),
      email: z.string().nullable().meta({ description: "The verified address, else one waiting for verification, else null." }),
      emailVerified: z.boolean(),
    }),
    sessions: z.array(
      z.object({
        id: z.uuid(),
        createdAt: Time,
        lastUsedAt: Time,
        expiresAt: Time,
        revokedAt: Time.nullable(),
        userAgent: z.string().nullable(),
        ip: z.string().nullable(),
      }),
    ),
    presence: z.object({
      status: z.string().meta({ description: "The chosen status (`invisible` included), or `offline`." }),
      activity: z.unknown().optional().meta({ $ref: "#/components/schemas/Activity" }),
    }),
    friendsCount: z.number().int(),
    ratings: z.array(
      z.object({ mode: z.string(), rating: z.number().meta({ description: "Display rating (mu − 3σ)." }), mu: z.number(), sigma: z.number(), games: z.number().int() }),
    ),
    recentMatches: z.array(
      z.object({
        id: z.uuid(),
        mode: z.string(),
        status: z.string().meta({ description: "`pending`, `active`, `finished` or `cancelled`." }),
        team: z.number().int(),
        winnerTeam: z.number().int().nullable(),
        createdAt: Time,
      }),
    ),
    reports: z.array(AdminReportSchema).meta({ description: "Reports against the player's messages." }),
    sanctions: z.array(AdminSanctionSchema).meta({ description: "Bans and mutes, newest first." }),
  })
  .meta({ id: "AdminPlayerDetail" });
export type AdminPlayerDetail = z.infer<typeof AdminPlayerDetailSchema>;

export const AdminRoomsSchema = z
  .object({
    lobbies: z.array(z.object({ roomId: z.string(), processId: z.string(), clients: z.number().int() })),
    parties: z.array(z.object({ id: z.uuid(), leader: Ref, members: z.array(Ref) })),
    matches: z.array(
      z.object({
        id: z.uuid(),
        mode: z.string(),
        status: z.string().meta({ description: "`pending` (players joining) or `active`." }),
        roomId: z.string().nullable(),
        players: z.array(Ref.extend({ team: z.number().int() })),
      }),
    ),
  })
  .meta({ id: "AdminRooms" });
export type AdminRooms = z.infer<typeof AdminRoomsSchema>;

export const AdminChatFeedQuerySchema = z.object({
  channelId: z.string().min(1).max(96).default("public:general").meta({ description: "Any channel id (`public:<name>`, `dm:…`, `party:…`)." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AdminChatFeedSchema = z
  .object({
    messages: z.array(
      z.object({
        id: z.string(),
        channelId: z.string(),
        seq: z.number().int(),
        sender: Ref,
        text: z.string().meta({ description: "As written (not masked)." }),
        createdAt: Time,
        reports: z.number().int().meta({ description: "Reports against this message." }),
      }),
    ),
  })
  .meta({ id: "AdminChatFeed" });

export const AdminReportsQuerySchema = z.object({ status: z.enum(["open", "resolved"]).default("open") });
export const AdminReportsResponseSchema = z.object({ items: z.array(AdminReportSchema) }).meta({ id: "AdminReportsResponse" });

export const AdminAuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().meta({ description: "The `nextCursor` of the previous page." }),
});
export const AdminAuditEntrySchema = z.object({
  id: z.uuid(),
  operator: Ref,
  action: z.string().meta({ examples: ["kick", "mute", "ban", "unban", "delete_message", "resolve_report"] }),
  targetType: z.string().meta({ examples: ["account", "chat_message", "chat_report"] }),
  targetId: z.string(),
  reason: z.string().nullable(),
  createdAt: Time,
});
export const AdminAuditResponseSchema = z
  .object({
    items: z.array(AdminAuditEntrySchema),
    nextCursor: z.string().optional().meta({ description: "Pass as `cursor` for the next page; absent on the last page." }),
  })
  .meta({ id: "AdminAuditResponse" });

/** Moderator actions. */
export const ReasonRequestSchema = z.strictObject({ reason: ReasonSchema }).meta({ id: "ReasonRequest" });
export const MuteRequestSchema = z
  .strictObject({
    durationSeconds: z.number().int().min(1).max(365 * 24 * 3600),
    reason: ReasonSchema,
  })
  .meta({ id: "MuteRequest" });
export const BanRequestSchema = z
  .strictObject({
    durationSeconds: z
      .number()
      .int()
      .min(1)
      .max(10 * 365 * 24 * 3600)
      .nullable()
      .meta({ description: "Null for a permanent ban." }),
    reason: ReasonSchema,
  })
  .meta({ id: "BanRequest" });

/** Operator management: the new role of an account (player: no operator any more). */
export const SetRoleRequestSchema = z.strictObject({ role: AccountRoleSchema, reason: ReasonSchema }).meta({ id: "SetRoleRequest" });
export const AdminSetRoleResponseSchema = z.object({ ok: z.literal(true), role: AccountRoleSchema }).meta({ id: "AdminSetRoleResponse" });

export const AdminActionResponseSchema = z
  .object({
    ok: z.literal(true),
    expiresAt: Time.nullable().optional().meta({ description: "Mute and ban: when it ends (null: a permanent ban)." }),
    ended: z.number().int().optional().meta({ description: "End sessions: how many sessions ended." }),
  })
  .meta({ id: "AdminActionResponse" });
