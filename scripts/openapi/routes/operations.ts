import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import { HealthzResponseSchema, MatchmakeErrorSchema, MatchmakeOptionsSchema, ReadyzResponseSchema, SeatReservationSchema } from "../../../shared";
import { error, json, md, pathParam, player, publicRoute } from "../helpers";
import type { Route } from "../types";

export const operationsRoutes: Route[] = [
  {
    method: "post",
    path: "/matchmake/{method}/{roomName}",
    tags: ["realtime"],
    operationId: "matchmake",
    extensions: { "x-served-by": "colyseus" },
    summary: "Reserve a seat in a Colyseus room (what `client.joinOrCreate(\"lobby\")` of @colyseus/sdk sends)",
    description: md(
      "Served by Colyseus (0.18) behind the server's matchmake guard, not by the Express gateway.",
      "The guard answers first, in the **ErrorBody shape**: only `joinOrCreate` of `lobby`,",
      "`joinById` and `reconnect` (a room id of 1–64 characters `[A-Za-z0-9_-]`) pass; `create` and",
      "`join` of any room, and `joinOrCreate` of `match`, are `403 forbidden` (clients never open",
      "rooms: the lobby is sharded by `joinOrCreate`, match rooms are made by the matchmaker); any",
      "other method or room name is `404 not_found`; the body is at most 4096 bytes (`413`), a JSON",
      "object (`400 invalid_request`) sent as `application/json` without `Content-Encoding`",
      "(`415`). Past the guard, Colyseus' own errors are `{\"code\": <number>, \"error\": \"<message>\"}`",
      "(`MatchmakeError`) with the HTTP status equal to `code`, mostly in the non-standard 52x range",
      "(`ErrorCode` of @colyseus/shared-types). The SDK rejects the join with a `MatchMakeError`",
      "whose `code` is the HTTP status. A refused request reserves nothing. The seat it returns is",
      "taken by opening the WebSocket `/{processId}/{roomId}?sessionId=…` within the reservation",
      "time (docs/ws-protocol.md). Other methods on these paths (GET…) are the gateway's",
      "`404 not_found`; `OPTIONS` is a CORS preflight answered 204.",
    ),
    security: player,
    parameters: [
      pathParam(
        "method",
        z.enum(matchMaker.controller.exposedMethods as [string, ...string[]]),
        "`joinOrCreate` (of `lobby`), `joinById` (then `roomName` is a room id) or `reconnect` (a room id, with `reconnectionToken` in the body). `create` and `join` are 403; anything else is 404.",
      ),
      pathParam(
        "roomName",
        z.string(),
        "`lobby`, or a room id for `joinById`/`reconnect`. The `match` room is joined only with the seat reservation of `match.found`: `joinOrCreate` of it is 403, `joinById` of a match room 525.",
      ),
    ],
    body: { schema: MatchmakeOptionsSchema, required: false, description: "Join options. The lobby needs none and ignores unknown ones; `reconnect` takes `reconnectionToken`." },
    responses: {
      200: json("A seat is reserved for this client.", SeatReservationSchema),
      400: error("`invalid_request`: the body is not JSON, or not a JSON object."),
      403: error("`forbidden`: `create` or `join` of any room, or `joinOrCreate` of `match`. Nothing was created."),
      404: error("`not_found`: another method, a room name other than `lobby` for `joinOrCreate`, or a room id that is not 1–64 characters `[A-Za-z0-9_-]`."),
      413: error("`payload_too_large`: the body is over 4096 bytes (announced or streamed); the connection is closed."),
      415: error("`unsupported_media_type`: a non-empty body that is not `application/json`, or has a `Content-Encoding`."),
      503: json(md(
        "`server_busy`: the process is admitting as many joins as it can (`JOIN_MAX_IN_FLIGHT`",
        "running, `JOIN_QUEUE_MAX` queued or `JOIN_QUEUE_TIMEOUT_MS` waited); body",
        "`{\"code\": 503, \"error\": \"server_busy: …\"}` (`MatchmakeErrorCode.ServerBusy`); or the",
        "database or Redis that authentication needs is unavailable (`service_unavailable: …`). Nothing",
        "was reserved: retry after a pause with random jitter. Also 503, with an empty body, while",
        "the process is shutting down (retry: the load balancer sends you to another process).",
      ), MatchmakeErrorSchema),
      522: json("`MATCHMAKE_INVALID_ROOM_ID`: `joinById`/`reconnect` named a room that does not exist, is locked or was disposed.", MatchmakeErrorSchema),
      523: json("`MATCHMAKE_UNHANDLED`: the room could not be created or joined (e.g. `room 'lobby' not created: shutting down` while the process drains; `reconnect` without `reconnectionToken`). Retry, with jitter.", MatchmakeErrorSchema),
      524: json("`MATCHMAKE_EXPIRED`: `reconnect` with a reconnection token that is invalid or whose window (`LOBBY_RECONNECT_SECONDS`) has passed: join afresh.", MatchmakeErrorSchema),
      525: json(md(
        "`AUTH_FAILED` (`MatchmakeErrorCode.AuthFailed`): the access token is missing (`An access",
        "token is required.`), invalid, expired, of an ended session or of a disabled/deleted",
        "account (the message is the HTTP API's, e.g. `The access token is invalid.`);",
        "authentication failed unexpectedly (`Authentication is unavailable. Try again",
        "shortly.`: retry with jitter); or the room is `match` (seat reservations only). Refresh",
        "the token (`POST /auth/refresh`) or log in again, then retry.",
      ), MatchmakeErrorSchema),
    },
  },
  {
    method: "get",
    path: "/healthz",
    tags: ["operations"],
    operationId: "healthz",
    summary: "Liveness: the process is up and serving",
    security: publicRoute,
    responses: {
      200: json("Alive.", HealthzResponseSchema),
    },
  },
  {
    method: "get",
    path: "/readyz",
    tags: ["operations"],
    operationId: "readyz",
    summary: "Readiness: the database (and, with REDIS_URL, Redis) answers and the process is not draining",
    security: publicRoute,
    responses: {
      200: json("Ready for traffic.", ReadyzResponseSchema),
      503: error("`service_unavailable`: the database is unreachable, Redis (with REDIS_URL) does not answer within REDIS_COMMAND_TIMEOUT_MS, or SIGTERM was received and the process is draining."),
    },
  },
  {
    method: "get",
    path: "/metrics",
    tags: ["operations"],
    operationId: "metrics",
    summary: "Prometheus metrics (text exposition format)",
    description: md(
      "`lobby_http_requests_total{method,route,status}`, `lobby_http_request_duration_seconds`,",
      "`lobby_connected_clients{room}`, `lobby_rooms{room}`,",
      "`lobby_connections_closed_by_server_total{reason}`, `lobby_matches_formed_total{mode}`,",
      "`lobby_match_wait_seconds{mode}`, `lobby_match_quality{mode}`,",
      "`lobby_queue_waiting_players{mode,region}` and the Node.js process metrics",
      "(prefixed `lobby_`). When `METRICS_TOKEN` is set, requires",
      "`Authorization: Bearer <METRICS_TOKEN>`.",
    ),
    security: [{},{"metricsToken":[]}],
    responses: {
      200: { description: "Metrics.", text: "text/plain" },
      401: error("`unauthorized`: METRICS_TOKEN is set and the request did not carry it."),
    },
  },
];
