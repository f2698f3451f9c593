import { z } from "zod";
import {
  GameServerHeartbeatRequestSchema,
  GameServerHeartbeatResponseSchema,
  GameServerListResponseSchema,
  GameServerSchema,
  RegisterGameServerRequestSchema,
  RegisterGameServerResponseSchema,
} from "../../../shared/schemas/fleet";
import { ReasonRequestSchema } from "../../../shared";
import { empty, error, fleetKey, json, md, operator, pathParam, retryAfter } from "../helpers";
import type { Route } from "../types";

const serverId = pathParam("serverId", z.uuid(), "The id registration answered.");
const fleetErrors = {
  401: error("`unauthorized` (no fleet key) or `invalid_token` (unknown or revoked key)."),
  413: "PayloadTooLarge",
  429: error("`rate_limited`: more than 600 calls a minute with this fleet key, or more than `FLEET_REQUESTS_PER_IP_PER_MINUTE` from this IP.", { headers: retryAfter }),
  503: "ServiceUnavailable",
} as const;
const notRegistered = error("`game_server_not_found`: no such server for this fleet key (taken out after missed heartbeats, deregistered, or another key's): register again.");

/** What dedicated game servers call, and what operators see of them (docs/game-servers.md). */
export const fleetRoutes: Route[] = [
  {
    method: "post",
    path: "/fleet/servers",
    tags: ["game-servers"],
    operationId: "registerGameServer",
    summary: "A dedicated game server registers",
    description: md(
      "The region and modes must be configured (`MATCH_REGIONS`, `GAME_MODES`: else 400) and within",
      "the fleet key's scope (else 403 `forbidden`). Answers the server's id, which is also the",
      "audience of its join tickets, and how often to beat.",
    ),
    security: fleetKey,
    body: RegisterGameServerRequestSchema,
    responses: { 201: json("Registered.", RegisterGameServerResponseSchema), 400: "InvalidRequest", 403: error("`forbidden`: the key does not allow this region or mode."), ...fleetErrors },
  },
  {
    method: "post",
    path: "/fleet/servers/{serverId}/heartbeat",
    tags: ["game-servers"],
    operationId: "gameServerHeartbeat",
    summary: "The server is alive, hosting `load` matches",
    description: "Beat every `heartbeatSeconds`; after three missed beats the server is not live and is taken out.",
    security: fleetKey,
    parameters: [serverId],
    body: GameServerHeartbeatRequestSchema,
    responses: { 200: json("Its state (`draining`: take no new matches).", GameServerHeartbeatResponseSchema), 400: "InvalidRequest", 404: notRegistered, ...fleetErrors },
  },
  {
    method: "post",
    path: "/fleet/servers/{serverId}/drain",
    tags: ["game-servers"],
    operationId: "drainGameServer",
    summary: "No new matches; the current ones finish",
    security: fleetKey,
    parameters: [serverId],
    responses: { 200: json("Draining.", GameServerHeartbeatResponseSchema), 400: "InvalidRequest", 404: notRegistered, ...fleetErrors },
  },
  {
    method: "delete",
    path: "/fleet/servers/{serverId}",
    tags: ["game-servers"],
    operationId: "deregisterGameServer",
    summary: "The server leaves the fleet",
    security: fleetKey,
    parameters: [serverId],
    responses: { 204: empty("Gone."), 400: "InvalidRequest", 404: notRegistered, ...fleetErrors },
  },
  {
    method: "get",
    path: "/admin/api/fleet/servers",
    tags: ["admin"],
    operationId: "adminGameServers",
    summary: "The registered game servers, by region and address",
    description: "Role `viewer` or above. `live` is false once three heartbeats were missed (the server is taken out soon after).",
    security: operator,
    responses: { 200: json("Up to 500 servers.", GameServerListResponseSchema), 401: "OperatorUnauthorized", 403: "OperatorForbidden", 503: "ServiceUnavailable" },
  },
  {
    method: "post",
    path: "/admin/api/fleet/servers/{serverId}/drain",
    tags: ["admin"],
    operationId: "adminDrainGameServer",
    summary: "Drain a game server: no new matches",
    description: "Role `moderator`. The server learns it from its next heartbeat. Idempotent; audited (`drain_game_server`).",
    security: operator,
    parameters: [pathParam("serverId", z.uuid())],
    body: ReasonRequestSchema,
    responses: {
      200: json("The server, draining.", GameServerSchema),
      400: "InvalidRequest",
      401: "OperatorUnauthorized",
      403: "OperatorForbidden",
      404: error("`game_server_not_found`: no such server."),
      413: "PayloadTooLarge",
      503: "ServiceUnavailable",
    },
  },
];
