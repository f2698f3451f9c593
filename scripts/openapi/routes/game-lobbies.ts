import { AdminActionResponseSchema, AdminGameLobbyListResponseSchema, AdminGameLobbyQuerySchema, GameLobbyListQuerySchema, GameLobbyListResponseSchema, ReasonRequestSchema, UuidSchema } from "../../../shared";
import { error, json, md, operator, pathParam, player } from "../helpers";
import type { Route } from "../types";

export const gameLobbiesRoutes: Route[] = [
  {
    method: "get",
    path: "/lobbies",
    tags: ["lobbies"],
    operationId: "listGameLobbies",
    summary: "The lobby browser: public custom game lobbies",
    description: md(
      "Public custom game lobbies, newest first, paged by a signed keyset cursor. Filters: `mode`,",
      "`region`, `hasRoom=true` (a free slot), `q` (case-insensitive text in the name). Private",
      "lobbies are never listed (they are joined with their code), and neither are lobbies whose",
      "host has a block with the caller, either way. Creating, joining and everything else about a",
      "lobby is a lobby-room message (docs/ws-protocol.md, \"Custom game lobbies\"); `gameLobby.watch`",
      "gets live updates for the lobbies of a page.",
    ),
    security: player,
    query: GameLobbyListQuerySchema,
    responses: {
      200: json("One page.", GameLobbyListResponseSchema),
      400: "InvalidQueryOrCursor",
      401: "Unauthorized",
      503: "ServiceUnavailable",
    },
  },
  {
    method: "get",
    path: "/admin/api/lobbies",
    tags: ["admin"],
    operationId: "adminGameLobbies",
    summary: "Every custom game lobby",
    description: "Role `viewer` or above. Up to `limit` lobbies (default 100, at most 200), newest first, private ones included.",
    security: operator,
    query: AdminGameLobbyQuerySchema,
    responses: {
      200: json("The lobbies.", AdminGameLobbyListResponseSchema),
      400: "InvalidRequest",
      401: "OperatorUnauthorized",
      403: "OperatorForbidden",
      503: "ServiceUnavailable",
    },
  },
  {
    method: "post",
    path: "/admin/api/lobbies/{lobbyId}/close",
    tags: ["admin"],
    operationId: "adminCloseGameLobby",
    summary: "Close a custom game lobby",
    description: "Role `moderator`. Every player in it gets `gameLobby.update` with `lobby: null, reason: \"closed\"`. Audited.",
    security: operator,
    parameters: [pathParam("lobbyId", UuidSchema)],
    body: ReasonRequestSchema,
    responses: {
      200: json("Closed.", AdminActionResponseSchema),
      400: "InvalidRequest",
      401: "OperatorUnauthorized",
      403: "OperatorForbidden",
      404: error("`game_lobby_not_found`: no such lobby."),
      413: "PayloadTooLarge",
      503: "ServiceUnavailable",
    },
  },
];
