import { z } from "zod";
import { QueueStatsSchema } from "./matchmaking";
import { PasswordSchema } from "./auth";

/**
 * The operator (admin) API under /admin/api. Operator tokens have their own audience: player
 * routes refuse them (401 invalid_token) and admin routes refuse player tokens (403 forbidden).
 */

/** Lowest first: each role can do everything the ones before it can (docs/admin.md). */
export const OperatorRoleSchema = z.enum(["viewer", "moderator", "admin"]);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

/** Destructive actions say why; the reason goes to the audit log. */
export const ReasonSchema = z.string().trim().min(1, "is required").max(500, "must be at most 500 characters");

export const AdminLoginRequestSchema = z.strictObject({
  username: z.string().min(1, "is required").max(64, "is too long"),
  password: PasswordSchema,
});

export const OperatorSchema = z.object({ id: z.uuid(), username: z.string(), role: OperatorRoleSchema });
export type Operator = z.infer<typeof OperatorSchema>;

export const AdminLoginResponseSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  operator: OperatorSchema,
});
export type AdminLoginResponse = z.infer<typeof AdminLoginResponseSchema>;

export const AdminMeResponseSchema = z.object({ operator: OperatorSchema });

export const AccountRoleSchema = z.enum(["player", "viewer", "moderator", "admin"]);
export type AccountRole = z.infer<typeof AccountRoleSchema>;

export const AdminOverviewSchema = z.object({
  playersOnline: z.number().int(),
  connectionsByProcess: z.record(z.string(), z.number().int()),
  rooms: z.object({ lobby: z.number().int(), match: z.number().int() }),
  queues: QueueStatsSchema,
  messagesPerMinute: z.number(),
  /** The last 60 minutes, one point per minute, oldest first. */
  series: z.array(z.object({ at: z.string(), online: z.number().int(), messages: z.number().int() })),
});
export type AdminOverview = z.infer<typeof AdminOverviewSchema>;

export const AdminPlayersQuerySchema = z.object({ q: z.string().max(20).optional() });

export const AdminPlayerRowSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  role: AccountRoleSchema,
  createdAt: z.string(),
  banned: z.boolean(),
  online: z.boolean(),
});
export const AdminPlayersResponseSchema = z.object({ items: z.array(AdminPlayerRowSchema) });

const Ref = z.object({ id: z.string(), username: z.string() });

export const AdminReportSchema = z.object({
  id: z.uuid(),
  messageId: z.string(),
  channelId: z.string(),
  text: z.string(),
  sender: Ref,
  reason: z.string(),
  note: z.string().nullable(),
  reporter: Ref,
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type AdminReport = z.infer<typeof AdminReportSchema>;

export const AdminSanctionSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["ban", "mute"]),
  reason: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** The operator, or null for automatic mutes. */
  by: Ref.nullable(),
});

export const AdminPlayerDetailSchema = z.object({
  account: z.object({
    id: z.uuid(),
    username: z.string(),
    role: AccountRoleSchema,
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  }),
  sessions: z.array(
    z.object({
      id: z.uuid(),
      createdAt: z.string(),
      lastUsedAt: z.string(),
      expiresAt: z.string(),
      revokedAt: z.string().nullable(),
      userAgent: z.string().nullable(),
      ip: z.string().nullable(),
    }),
  ),
  presence: z.object({ status: z.string(), activity: z.unknown().optional() }),
  friendsCount: z.number().int(),
  ratings: z.array(z.object({ mode: z.string(), rating: z.number(), mu: z.number(), sigma: z.number(), games: z.number().int() })),
  recentMatches: z.array(
    z.object({ id: z.uuid(), mode: z.string(), status: z.string(), team: z.number().int(), winnerTeam: z.number().int().nullable(), createdAt: z.string() }),
  ),
  reports: z.array(AdminReportSchema),
  sanctions: z.array(AdminSanctionSchema),
});
export type AdminPlayerDetail = z.infer<typeof AdminPlayerDetailSchema>;

export const AdminRoomsSchema = z.object({
  lobbies: z.array(z.object({ roomId: z.string(), processId: z.string(), clients: z.number().int() })),
  parties: z.array(z.object({ id: z.uuid(), leader: Ref, members: z.array(Ref) })),
  matches: z.array(
    z.object({ id: z.uuid(), mode: z.string(), status: z.string(), roomId: z.string().nullable(), players: z.array(Ref.extend({ team: z.number().int() })) }),
  ),
});
export type AdminRooms = z.infer<typeof AdminRoomsSchema>;

export const AdminChatFeedQuerySchema = z.object({
  channelId: z.string().min(1).max(96).default("public:general"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AdminChatFeedSchema = z.object({
  messages: z.array(
    z.object({ id: z.string(), channelId: z.string(), seq: z.number().int(), sender: Ref, text: z.string(), createdAt: z.string(), reports: z.number().int() }),
  ),
});

export const AdminReportsQuerySchema = z.object({ status: z.enum(["open", "resolved"]).default("open") });
export const AdminReportsResponseSchema = z.object({ items: z.array(AdminReportSchema) });

export const AdminAuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const AdminAuditEntrySchema = z.object({
  id: z.uuid(),
  operator: Ref,
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export const AdminAuditResponseSchema = z.object({ items: z.array(AdminAuditEntrySchema), nextCursor: z.string().optional() });

/** Moderator actions. */
export const ReasonRequestSchema = z.strictObject({ reason: ReasonSchema });
export const MuteRequestSchema = z.strictObject({
  durationSeconds: z.number().int().min(1).max(365 * 24 * 3600),
  reason: ReasonSchema,
});
export const BanRequestSchema = z.strictObject({
  /** null: permanent. */
  durationSeconds: z.number().int().min(1).max(10 * 365 * 24 * 3600).nullable(),
  reason: ReasonSchema,
});

/** Operator management: the new role of an account (player: no operator any more). */
export const SetRoleRequestSchema = z.strictObject({ role: AccountRoleSchema, reason: ReasonSchema });

export const AdminActionResponseSchema = z.object({
  ok: z.literal(true),
  /** Mute and ban: when it ends (null: permanent ban). */
  expiresAt: z.string().nullable().optional(),
});
