import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import { HealthzResponseSchema, MatchmakeErrorSchema, MatchmakeMalformedBodySchema, MatchmakeOptionsSchema, ReadyzResponseSchema, SeatReservationSchema } from "../../../shared";
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
      "Served by Colyseus (0.18), not by the Express gateway: **errors do not have the ErrorBody",
      "shape** but Colyseus' own `{\"code\": <number>, \"error\": \"<message>\"}` (`MatchmakeError`),",
      "with the HTTP status equal to `code`, mostly in the non-standard 52x range",
      "(`ErrorCode` of @colyseus/shared-types). The SDK rejects the join with a `MatchMakeError`",
      "whose `code` is the HTTP status and whose `message` is `error`. A refused request reserves",
      "nothing. The seat it returns is taken by opening the WebSocket",
      "`/{processId}/{roomId}?sessionId=…` within the reservation time (docs/ws-protocol.md).",
      "Other methods on these paths (GET…) are the gateway's `404 not_found`; `OPTIONS` is a CORS",
      "preflight answered 204.",
    ),
    security: player,
    parameters: [
      pathParam(
        "method",
        z.enum(matchMaker.controller.exposedMethods as [string, ...string[]]),
        "`joinOrCreate`, `create`, `join`, `joinById` (then `roomName` is a room id) or `reconnect` (a room id, with `reconnectionToken` in the body). Anything else is 520.",
      ),
      pathParam(
        "roomName",
        z.string(),
        "`lobby`, or a room id for `joinById`/`reconnect`. The `match` room is joined only with the seat reservation of `match.found`: every method here answers 525 for it.",
      ),
    ],
    body: { schema: MatchmakeOptionsSchema, required: false, description: "Join options. The lobby needs none and ignores unknown ones; `reconnect` takes `reconnectionToken`." },
    responses: {
      200: json("A seat is reserved for this client.", SeatReservationSchema),
      400: json("The body is not JSON: `{\"error\": \"malformed request body\"}` (no `code`).", MatchmakeMalformedBodySchema),
      503: json(md(
        "`server_busy`: the process is admitting as many joins as it can (`JOIN_MAX_IN_FLIGHT`",
        "running, `JOIN_QUEUE_MAX` queued or `JOIN_QUEUE_TIMEOUT_MS` waited); body",
        "`{\"code\": 503, \"error\": \"server_busy: …\"}` (`MatchmakeErrorCode.ServerBusy`). Nothing",
        "was reserved: retry after a pause with random jitter. Also 503, with an empty body, while",
        "the process is shutting down (retry: the load balancer sends you to another process).",
      ), MatchmakeErrorSchema),
      520: json("`MATCHMAKE_NO_HANDLER`: unknown method (`invalid method \"…\"`) or room name (`provided room name \"…\" not defined`).", MatchmakeErrorSchema),
      521: json("`MATCHMAKE_INVALID_CRITERIA`: `join` found no room to join (`no rooms found with provided criteria`); use `joinOrCreate`.", MatchmakeErrorSchema),
      522: json("`MATCHMAKE_INVALID_ROOM_ID`: `joinById`/`reconnect` named a room that does not exist, is locked or was disposed.", MatchmakeErrorSchema),
      523: json("`MATCHMAKE_UNHANDLED`: the room could not be created or joined (e.g. `room 'lobby' not created: shutting down` while the process drains; `reconnect` without `reconnectionToken`). Retry, with jitter.", MatchmakeErrorSchema),
      524: json("`MATCHMAKE_EXPIRED`: `reconnect` with a reconnection token that is invalid or whose window (`LOBBY_RECONNECT_SECONDS`) has passed: join afresh.", MatchmakeErrorSchema),
      525: json(md(
        "`AUTH_FAILED` (`MatchmakeErrorCode.AuthFailed`): the access token is missing (`An access",
        "token is required.`), invalid, expired, of an ended session or of a disabled/deleted",
        "account (the message is the HTTP API's, e.g. `The access token is invalid.`); the",
        "authentication store is unreachable (`Authentication is unavailable. Try again",
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
