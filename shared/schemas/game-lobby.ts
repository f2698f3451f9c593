import { z } from "zod";

/** Custom game lobbies: a host's named lobby that others find in the browser (or by code) and join. */

export const GAME_LOBBY_MAX_TEAMS = 8;
export const GAME_LOBBY_MAX_TEAM_SIZE = 8;
export const GAME_LOBBY_MAX_SETTINGS = 16;

const LobbyNameSchema = z.string().trim().min(3).max(40);
const LobbyPasswordSchema = z.string().min(4).max(64);
const SettingKeySchema = z.string().regex(/^[a-z][A-Za-z0-9_]{0,31}$/, "a setting name: a lowercase letter, then up to 31 letters, digits or _");
const SettingValueSchema = z.union([z.string().max(64), z.number().finite(), z.boolean()]);

/** A small key-value map the host sets and the match room receives (the game's own options). */
export const GameLobbySettingsSchema = z
  .record(SettingKeySchema, SettingValueSchema)
  .refine((s) => Object.keys(s).length <= GAME_LOBBY_MAX_SETTINGS, `at most ${GAME_LOBBY_MAX_SETTINGS} settings`)
  .meta({ id: "GameLobbySettings", description: `Up to ${GAME_LOBBY_MAX_SETTINGS} settings: names like \`map\` or \`timeLimit\`, values a string (≤ 64 characters), a number or a boolean.` });
export type GameLobbySettings = z.infer<typeof GameLobbySettingsSchema>;

export const GameLobbyVisibilitySchema = z.enum(["public", "private"]);

/** `gameLobby.create`: the creator becomes its host, seated in the first free slot of team 0. */
export const GameLobbyCreateMessageSchema = z.strictObject({
  name: LobbyNameSchema,
  mode: z.string().min(1).max(32),
  region: z.string().min(1).max(32),
  /** Teams (2..8; default: the mode's team count). */
  teamCount: z.number().int().min(2).max(GAME_LOBBY_MAX_TEAMS).optional(),
  /** Slots per team (1..8; default: the mode's team size). */
  teamSize: z.number().int().min(1).max(GAME_LOBBY_MAX_TEAM_SIZE).optional(),
  /** `public` is listed in the browser; `private` is joined only with its code. */
  visibility: GameLobbyVisibilitySchema.default("public"),
  password: LobbyPasswordSchema.optional(),
  /** Start only with every slot filled (default: at least one player on each of two teams). */
  requireFullTeams: z.boolean().default(false),
  settings: GameLobbySettingsSchema.default({}),
});
export type GameLobbyCreateMessage = z.input<typeof GameLobbyCreateMessageSchema>;

/** `gameLobby.join`: a public lobby by id, or any lobby by its code; `password` if it has one. */
export const GameLobbyJoinMessageSchema = z
  .strictObject({ lobbyId: z.uuid().optional(), code: z.string().min(1).max(32).optional(), password: z.string().max(64).optional() })
  .refine((m) => (m.lobbyId === undefined) !== (m.code === undefined), "exactly one of lobbyId and code");
export type GameLobbyJoinMessage = z.input<typeof GameLobbyJoinMessageSchema>;

export const GameLobbySlotMessageSchema = z.strictObject({
  team: z.number().int().min(0).max(GAME_LOBBY_MAX_TEAMS - 1),
  slot: z.number().int().min(0).max(GAME_LOBBY_MAX_TEAM_SIZE - 1),
});
export const GameLobbyReadyMessageSchema = z.strictObject({ ready: z.boolean() });
export const GameLobbyTargetMessageSchema = z.strictObject({ accountId: z.uuid() });
export const GameLobbyMoveMessageSchema = GameLobbySlotMessageSchema.extend({ accountId: z.uuid() });
/** Host: change what is given; `password: null` removes it. Changing anything clears every ready flag but the host's. */
export const GameLobbyConfigureMessageSchema = z
  .strictObject({
    name: LobbyNameSchema.optional(),
    visibility: GameLobbyVisibilitySchema.optional(),
    password: LobbyPasswordSchema.nullable().optional(),
    requireFullTeams: z.boolean().optional(),
    settings: GameLobbySettingsSchema.optional(),
  })
  .refine((m) => Object.keys(m).length > 0, "nothing to change");
export type GameLobbyConfigureMessage = z.input<typeof GameLobbyConfigureMessageSchema>;
/** Browser: live `gameLobby.listing` updates for these lobbies (the page on screen), replacing the last set; `[]` stops. */
export const GameLobbyWatchMessageSchema = z.strictObject({ lobbyIds: z.array(z.uuid()).max(50) });

export const GameLobbyMemberSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  team: z.number().int(),
  slot: z.number().int(),
  /** The host is always ready. */
  ready: z.boolean(),
});

/** A lobby as its members see it (`gameLobby.update`). */
export const GameLobbyViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    mode: z.string(),
    region: z.string(),
    hostId: z.uuid(),
    visibility: GameLobbyVisibilitySchema,
    hasPassword: z.boolean(),
    /** The join code (`ABCD-EFGH`): private lobbies are joined with it, public ones may be too. */
    code: z.string(),
    teamCount: z.number().int(),
    teamSize: z.number().int(),
    requireFullTeams: z.boolean(),
    settings: GameLobbySettingsSchema,
    /** Seated players, by team then slot. */
    members: z.array(GameLobbyMemberSchema),
    /** The host's gameLobby.start would be accepted now. */
    canStart: z.boolean(),
    /** Grows with every change; apply an update only if newer than the one held. */
    version: z.number().int(),
  })
  .meta({ id: "GameLobbyView" });
export type GameLobbyView = z.infer<typeof GameLobbyViewSchema>;

/** A lobby as the browser lists it. */
export const GameLobbySummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    mode: z.string(),
    region: z.string(),
    host: z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }),
    hasPassword: z.boolean(),
    players: z.number().int(),
    maxPlayers: z.number().int(),
    settings: GameLobbySettingsSchema,
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "GameLobbySummary" });
export type GameLobbySummary = z.infer<typeof GameLobbySummarySchema>;

/** A lobby as operators list it (private ones too). */
export const AdminGameLobbySchema = GameLobbySummarySchema.extend({ visibility: GameLobbyVisibilitySchema }).meta({ id: "AdminGameLobby" });
export type AdminGameLobby = z.infer<typeof AdminGameLobbySchema>;
export const AdminGameLobbyQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(100) });
export const AdminGameLobbyListResponseSchema = z.object({ items: z.array(AdminGameLobbySchema) }).meta({ id: "AdminGameLobbyListResponse" });

const boolParam = z.enum(["true", "false"]).transform((v) => v === "true");

export const GameLobbyListQuerySchema = z.strictObject({
  mode: z.string().max(32).optional(),
  region: z.string().max(32).optional(),
  /** `true`: only lobbies with a free slot. */
  hasRoom: boolParam.optional(),
  /** Case-insensitive substring of the lobby's name. */
  q: z.string().trim().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});
export type GameLobbyListQuery = z.output<typeof GameLobbyListQuerySchema>;

export const GameLobbyListResponseSchema = z
  .object({
    items: z.array(GameLobbySummarySchema).meta({ description: "Public lobbies, newest first; lobbies hosted by a player with a block between you are left out." }),
    nextCursor: z.string().optional().meta({ description: "Pass as `cursor` for the next page; absent on the last page." }),
  })
  .meta({ id: "GameLobbyListResponse" });
export type GameLobbyListResponse = z.infer<typeof GameLobbyListResponseSchema>;

/** `gameLobby.update`: the lobby as it now is, or `lobby: null` with why the player is out of it. */
export const GameLobbyUpdateMessageSchema = z.object({
  lobbyId: z.uuid(),
  lobby: GameLobbyViewSchema.nullable(),
  /** With `lobby: null`: left, kicked (by the host or an operator), closed (by an operator), started (a match.found follows). */
  reason: z.enum(["left", "kicked", "closed", "started"]).optional(),
});
export type GameLobbyUpdateMessage = z.infer<typeof GameLobbyUpdateMessageSchema>;

/** `gameLobby.listing`: a watched lobby changed (`lobby`), or left the browser (`lobby: null`: started, closed, made private). */
export const GameLobbyListingMessageSchema = z.object({ lobbyId: z.uuid(), lobby: GameLobbySummarySchema.nullable() });
export type GameLobbyListingMessage = z.infer<typeof GameLobbyListingMessageSchema>;

export const GameLobbyStartReplySchema = z.object({ matchId: z.uuid() });
export type GameLobbyStartReply = z.infer<typeof GameLobbyStartReplySchema>;

/** `gameLobby.snapshot`, right after joining: the player's lobby (a reconnect picks it up again), or null. */
export const GameLobbySnapshotMessageSchema = z.object({ lobby: GameLobbyViewSchema.nullable() });
export type GameLobbySnapshotMessage = z.infer<typeof GameLobbySnapshotMessageSchema>;
