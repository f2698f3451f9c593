import { CreateFleetKeyRequestSchema, CreateFleetKeyResponseSchema, FleetKeyListResponseSchema, FleetKeySchema } from "../../../shared/schemas/fleet";
import { AdminActionResponseSchema, AdminSetRoleResponseSchema, BanRequestSchema, MuteRequestSchema, ReasonRequestSchema, SetRoleRequestSchema, UuidSchema } from "../../../shared";
import { error, json, md, operator, pathParam } from "../helpers";
import { z } from "zod";
import type { Route } from "../types";

/**
 * An operator action: POST, tagged admin, operator authentication, and the answers every action
 * shares (401, 403, 413, 503) besides its own.
 */
function operatorAction(route: Omit<Route, "method" | "tags" | "security">): Route {
  return {
    method: "post",
    tags: ["admin"],
    security: operator,
    ...route,
    responses: {
      ...route.responses,
      401: "OperatorUnauthorized",
      403: "OperatorForbidden",
      413: "PayloadTooLarge",
      503: "ServiceUnavailable",
    },
  };
}

export const adminActionsRoutes: Route[] = [
  operatorAction({
    path: "/admin/api/players/{id}/kick",
    operationId: "adminKick",
    summary: "Close the player's lobby connections",
    description: md(
      "Role `moderator`. Every lobby connection of the player, on every process, is closed with",
      "close code 4104 (`Kicked`). The sessions stay valid: the player may join again. Audited.",
    ),
    parameters: ["AdminAccountIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Done.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/end-sessions",
    operationId: "adminEndSessions",
    summary: "Sign the player out everywhere",
    description: md(
      "Role `moderator`. Every session of the player ends at once (tokens refused; `ended` says how",
      "many), and every live connection closes with close code 4101 (`SessionRevoked`) on every",
      "process. Unlike a ban the player may log in again at once (e.g. after a stolen session). Audited",
      "(`end_sessions`).",
    ),
    parameters: ["AdminAccountIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Done; `ended`: the sessions ended.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/mute",
    operationId: "adminMute",
    summary: "Mute the player in chat",
    description: md(
      "Role `moderator`. Public-channel messages and DMs are refused with `muted` until",
      "`expiresAt` (party chat is exempt); the player's connections get `chat.muted`. Audited.",
    ),
    parameters: ["AdminAccountIdPath"],
    body: MuteRequestSchema,
    responses: {
      200: json("The mute, with its end.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/ban",
    operationId: "adminBan",
    summary: "Ban the player",
    description: md(
      "Role `moderator`. In one transaction the ban is stored, every session of the player is",
      "revoked and the action is audited; then every lobby connection of the player, on every",
      "process, is closed with close code 4103 (`Banned`). Until the ban ends (`expiresAt`, null:",
      "permanent) or is lifted, `POST /auth/login` (with the right password) and",
      "`POST /auth/refresh` answer `403 account_banned`. Banning an operator also revokes every",
      "operator token of the account (an unban does not restore them) and refuses its",
      "`POST /admin/api/login`. An operator cannot ban themselves (`400 cannot_target_self`), nor",
      "an account whose role is not below its own unless it is an `admin` (`403 forbidden`).",
    ),
    parameters: ["AdminAccountIdPath"],
    body: BanRequestSchema,
    responses: {
      200: json("The ban, with its end (null when permanent).", AdminActionResponseSchema),
      400: error("`invalid_request` (with `fields`), or `cannot_target_self`."),
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/unban",
    operationId: "adminUnban",
    summary: "Lift the player's bans",
    description: "Role `moderator`. Lifts every ban in force (none is fine). The player logs in again; revoked sessions stay revoked. Audited.",
    parameters: ["AdminAccountIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Done.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/role",
    operationId: "adminSetRole",
    summary: "Promote or demote an account",
    description: md(
      "Role `moderator` or above, and only on an account whose role is below the caller's, to a",
      "role below the caller's (a moderator moves accounts between `player` and `viewer`); an",
      "`admin` gives any role to any account but its own. Otherwise `403 forbidden`; the caller's",
      "own account is `400 cannot_target_self`. The operator's live tokens carry the new role from",
      "their next request, on every process; `player` revokes them for good. Audited",
      "(`set_role`, with the old and new role).",
    ),
    parameters: ["AdminAccountIdPath"],
    body: SetRoleRequestSchema,
    responses: {
      200: json("The account's new role.", AdminSetRoleResponseSchema),
      400: error("`invalid_request` (with `fields`), or `cannot_target_self`."),
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/disable",
    operationId: "adminDisable",
    summary: "Disable the account",
    description: md(
      "Role `moderator` or above, on an account whose role is below the caller's (an `admin`: any",
      "account but its own). In one transaction the account is disabled, every session and every",
      "operator token of it is revoked (enabling restores neither) and the action is audited;",
      "then every lobby connection of it, on every process, is closed with close code 4101",
      "(`SessionRevoked`). Logins (`/auth/login`, `/admin/api/login`) answer",
      "`401 invalid_credentials` until it is enabled.",
    ),
    parameters: ["AdminAccountIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Done.", AdminActionResponseSchema),
      400: error("`invalid_request` (with `fields`), or `cannot_target_self`."),
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/players/{id}/enable",
    operationId: "adminEnable",
    summary: "Enable a disabled account",
    description: "Role `moderator` or above, on an account whose role is below the caller's (an `admin`, any account). The account logs in again; revoked sessions and operator tokens stay revoked. Audited.",
    parameters: ["AdminAccountIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Done.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: "AccountNotFound",
    },
  }),
  operatorAction({
    path: "/admin/api/chat/messages/{messageId}/delete",
    operationId: "adminDeleteMessage",
    summary: "Delete a chat message",
    description: md(
      "Role `moderator`. The message disappears from history and replay, and every connection",
      "streaming its channel gets `chat.deleted`. Audited.",
    ),
    parameters: ["MessageIdPath"],
    body: ReasonRequestSchema,
    responses: {
      200: json("Deleted.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: error("`message_not_found`: no such message, or already deleted."),
    },
  }),
  operatorAction({
    path: "/admin/api/reports/{reportId}/resolve",
    operationId: "adminResolveReport",
    summary: "Mark a chat report resolved",
    description: "Role `moderator`. Idempotent (resolving a resolved report changes nothing), and audited either way.",
    parameters: [pathParam("reportId", UuidSchema)],
    body: ReasonRequestSchema,
    responses: {
      200: json("Resolved.", AdminActionResponseSchema),
      400: "InvalidRequest",
      404: error("`not_found`: no such report."),
    },
  }),
  {
    method: "get",
    path: "/admin/api/fleet/keys",
    tags: ["admin"],
    operationId: "adminFleetKeys",
    summary: "The fleet keys, newest first (never their secrets)",
    description: "Role `viewer` or above. Up to 200 keys, revoked ones included.",
    security: operator,
    responses: {
      200: json("The keys.", FleetKeyListResponseSchema),
      401: "OperatorUnauthorized",
      403: "OperatorForbidden",
      503: "ServiceUnavailable",
    },
  },
  operatorAction({
    path: "/admin/api/fleet/keys",
    operationId: "adminCreateFleetKey",
    summary: "Make a key for dedicated game servers",
    description: md(
      "Role `admin`. Answers the secret (`fk_` and 43 characters: 256 random bits) this once; only",
      "its SHA-256 is stored. `modes` and `regions` limit what its servers may register for (empty:",
      "any); each must be configured (`GAME_MODES`, `MATCH_REGIONS`). Audited (`create_fleet_key`).",
      "See docs/game-servers.md.",
    ),
    body: CreateFleetKeyRequestSchema,
    responses: {
      201: json("Made. Store the secret now.", CreateFleetKeyResponseSchema),
      400: "InvalidRequest",
    },
  }),
  operatorAction({
    path: "/admin/api/fleet/keys/{keyId}/revoke",
    operationId: "adminRevokeFleetKey",
    summary: "Revoke a fleet key",
    description: "Role `admin`. Game servers presenting it are refused from now on. Idempotent, and audited (`revoke_fleet_key`) either way.",
    parameters: [pathParam("keyId", z.uuid())],
    body: ReasonRequestSchema,
    responses: {
      200: json("The key, revoked.", FleetKeySchema),
      400: "InvalidRequest",
      404: error("`fleet_key_not_found`: no such key."),
    },
  }),
];
