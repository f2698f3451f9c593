import { z } from "zod";
import { MessageIdSchema } from "../../shared/schemas/chat";
import { UuidSchema } from "../../shared/schemas/common";
import { AccountIdParamSchema } from "../../shared/schemas/social";
import { error, md, pathParam, retryAfter } from "./helpers";
import type { Parameter, Response } from "./types";

const wwwAuthenticate = { "WWW-Authenticate": "WWWAuthenticate" };

export const info = {
  title: "Lobby backend HTTP API",
  version: "0.1.0",
  summary: "Accounts, sessions, friends, blocks, notifications, chat, match history and ratings, the operator API and operations endpoints of the multiplayer lobby server.",
  description: md(
    "One port (default 2567) serves this HTTP API and the Colyseus WebSocket endpoint",
    "(see docs/ws-protocol.md).",
    "",
    "**Tokens.** Register and login return a short-lived JWT access token (`expiresIn` seconds) and",
    "an opaque refresh token. Send the access token as `Authorization: Bearer <token>`. A refresh",
    "token works once: `/auth/refresh` rotates it, and presenting a used one again ends the whole",
    "session (every token descended from that login).",
    "",
    "**Errors.** Every error response has the body",
    "`{\"error\": {\"code\", \"message\", \"requestId\", \"fields\"?, \"retryAfterSeconds\"?}}`. `code` is a",
    "stable snake_case string (see the `ErrorCode` schema and shared/codes.ts); clients switch on it,",
    "never on `message`. `requestId` equals the `X-Request-Id` response header and appears in the",
    "server's logs. 429 and 503 responses carry `Retry-After`.",
    "",
    "**Lists.** `GET /friends`, `GET /blocks` and `GET /notifications` are paged: `limit` (1–100,",
    "default 50) and `cursor` (the previous page's `nextCursor`, absent on the last page). Cursors",
    "are opaque and signed; a cursor that was altered, cut, or issued for another list or filter is",
    "refused with `400 invalid_cursor`.",
    "`GET /chat/channels/{channelId}/messages` pages the same way (limit 1–100, default 50) and",
    "also has a catch-up mode (`afterSeq`).",
    "",
    "**Parties, matchmaking and matches** happen on the WebSocket side (the `lobby` and `match`",
    "rooms, docs/ws-protocol.md); their results are readable here (`/matches/history`, `/ratings`).",
    "",
    "**Operators.** `/admin/api/*` is the operator API behind the console at `/admin`",
    "(docs/admin.md). It takes operator tokens from `POST /admin/api/login` (security scheme",
    "`operatorAuth`), which have their own audience (`ADMIN_JWT_AUDIENCE`): player routes refuse",
    "them (`401 invalid_token`) and the operator API refuses player tokens (`403 forbidden`). Read",
    "routes need the `viewer` role, actions the `moderator` role (`admin` can do everything a",
    "moderator can). An action on an account whose role is not below the operator's own, or a",
    "role change to a role not below it, is `403 forbidden`; an `admin` may act on every account",
    "but its own (docs/admin.md). Every request re-reads the operator's account: a ban, a disable",
    "or a role change applies to its token from the next request, on every process. Responses",
    "carry `Cache-Control: no-store`.",
    "",
    "**Bans.** A banned account's login (with the right password) and refresh answer",
    "`403 account_banned` with `details.expiresAt` (ISO time) and `details.permanent: false`, or",
    "`details.permanent: true`.",
    "",
    "**Social writes** (every POST/DELETE under `/friends` and `/blocks`) are limited to 60 per",
    "minute per account (`429 rate_limited` with `Retry-After`).",
    "",
    "Errors any route can return: `400 invalid_request` (malformed JSON; a body that is not what",
    "its `Content-Encoding` says; a path segment that is not valid percent-encoding; U+0000",
    "anywhere in the path, query string or JSON body, passwords included, with `fields` naming",
    "where), `413 payload_too_large` (bodies over 16 KiB), `415 unsupported_media_type`,",
    "`503 service_unavailable` (database unreachable) and `500 internal_error` (a generic message;",
    "details only in the server log; never caused by what a client sends).",
    "Routes that hash a password (register, login, operator login, account deletion) may answer",
    "`503 server_busy` with `Retry-After` when the process is at capacity (admission control):",
    "nothing was done, so retrying after the pause with jitter is safe.",
  ),
  license: { name: "UNLICENSED" },
};

export const servers = [
  { url: "http://localhost:2567", description: "npm start" },
];

export const tags = [
  { name: "auth", description: "Registration, login and sessions" },
  { name: "account", description: "The caller's own account" },
  { name: "friends", description: "Friend requests and friendships (the caller's own edges only)" },
  { name: "blocks", description: "Blocking players" },
  { name: "notifications", description: "Stored social notifications" },
  {
    name: "chat",
    description: "Chat history, unread direct messages and reports (live chat is on the lobby connection)",
  },
  { name: "matches", description: "Match history and ratings" },
  { name: "lobbies", description: "Custom game lobbies: the lobby browser" },
  {
    name: "admin",
    description: "The operator API behind the console at /admin (operator tokens only)",
  },
  { name: "operations", description: "Health, readiness and metrics" },
  { name: "game-servers", description: "What dedicated game servers fetch from the lobby" },
  {
    name: "realtime",
    description: "Colyseus matchmaking: seat reservations for the WebSocket rooms (docs/ws-protocol.md). Its errors are Colyseus' `{code, error}`, not ErrorBody",
  },
];

export const securitySchemes = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: md(
      "The access token from register/login/refresh. Refused (401) when missing (`unauthorized`),",
      "malformed, tampered, unsigned, of the wrong audience/issuer, a refresh token, or of an",
      "ended session (`invalid_token`), or expired (`token_expired`).",
    ),
  },
  metricsToken: { type: "http", scheme: "bearer", description: "The value of METRICS_TOKEN." },
  fleetKey: { type: "http", scheme: "bearer", description: "A fleet key (`fk_…`, made by an admin: POST /admin/api/fleet/keys). Missing: 401 `unauthorized`; unknown or revoked: 401 `invalid_token`." },
  operatorAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: md(
      "An operator token from `POST /admin/api/login` (audience `ADMIN_JWT_AUDIENCE`, default",
      "`JWT_AUDIENCE` + `-admin`; lifetime `ADMIN_TOKEN_TTL_SECONDS`). Missing: `401 unauthorized`;",
      "malformed, tampered, of another audience, or of an account that is no longer an operator or",
      "is disabled: `401 invalid_token`; expired: `401 token_expired` (each with",
      "`WWW-Authenticate: Bearer realm=\"admin\"`). A valid player token: `403 forbidden`; an",
      "operator below the route's role: `403 forbidden`.",
    ),
  },
};

export const headers = {
  RetryAfter: { description: "Seconds until a retry can succeed.", schema: { type: "integer", minimum: 1 } },
  WWWAuthenticate: { description: "The Bearer challenge (`realm=\"admin\"` on the operator API).", schema: { type: "string" } },
};

/** components.parameters: path parameters several routes share (the routes validate them the same way). */
export const parameters: Record<string, Parameter> = {
  AccountIdPath: pathParam("accountId", AccountIdParamSchema.shape.accountId, "The other player's account id. A malformed id is `400 invalid_request` naming `accountId`."),
  ChannelIdPath: pathParam(
    "channelId",
    z.string().min(3).max(96).meta({ examples: ["public:general"] }),
    md(
      "`public:<name>`, `dm:<accountId>:<accountId>` (the two ids sorted) or `party:<partyId>`",
      "(the colons may be sent as-is or as `%3A`). Up to 96 characters.",
    ),
  ),
  AdminAccountIdPath: pathParam("id", UuidSchema, "The player's account id. A malformed id is `400 invalid_request`."),
  MessageIdPath: pathParam("messageId", MessageIdSchema, "A message `id` (a decimal string of 1–19 digits)."),
};

/** components.responses: the error answers many routes share. */
export const responses: Record<string, Response> = {
  InvalidRequest: error("`invalid_request`: the body is not JSON or fails validation; `fields` lists every offending field."),
  InvalidOrWeak: error("`invalid_request` (with `fields`), or `weak_password` (a common password, one containing the username, or too repetitive)."),
  Unauthorized: error("`unauthorized`, `invalid_token` or `token_expired` (with a `WWW-Authenticate: Bearer` header).", { headers: wwwAuthenticate }),
  PayloadTooLarge: error("`payload_too_large`: the body is over 16 KiB."),
  RateLimited: error("`rate_limited`: too many requests from this IP.", { headers: retryAfter }),
  LoginLocked: error("`login_locked`: too many failed password attempts from this IP (for this account, or in all).", { headers: retryAfter }),
  InvalidQueryOrCursor: error("`invalid_request` (a bad `limit` or filter, with `fields`), or `invalid_cursor` (altered, cut, or from another list or filter)."),
  InvalidIdOrSelf: error("`invalid_request` (a malformed `accountId`, with `fields`), or `cannot_target_self`."),
  AccountNotFound: error("`account_not_found`: no player has that username or id."),
  SocialWriteLimited: error("`rate_limited`: more than 60 social writes in a minute by this account.", { headers: retryAfter }),
  ChannelNotFound: error("`channel_not_found`: no such channel, or a DM or party channel the caller is not a member of (the two are indistinguishable)."),
  AccountBanned: error("`account_banned`: the account is banned; `error.details` is `{expiresAt, permanent: false}` or `{permanent: true}`.", { examples: {
      temporary: {
        value: {
          error: {
            code: "account_banned",
            message: "This account is banned until 2030-01-01T00:00:00.000Z.",
            requestId: "…",
            details: { expiresAt: "2030-01-01T00:00:00.000Z", permanent: false },
          },
        },
      },
      permanent: {
        value: {
          error: {
            code: "account_banned",
            message: "This account is banned permanently.",
            requestId: "…",
            details: { permanent: true },
          },
        },
      },
    } }),
  OperatorUnauthorized: error("`unauthorized` (no Bearer token), `invalid_token` (not a live operator token) or `token_expired`, with `WWW-Authenticate: Bearer realm=\"admin\"`.", { headers: wwwAuthenticate }),
  OperatorForbidden: error("`forbidden`: a player token (players cannot use the operator API), an operator whose role is below the route's (`moderator` for actions), or an action on an account (or a role) not below the operator's own role (admins excepted; docs/admin.md)."),
  ServiceUnavailable: error("`service_unavailable`: the database is unreachable.", { headers: retryAfter }),
  ServiceUnavailableOrBusy: error("`service_unavailable` (the database is unreachable), or `server_busy`: the process is hashing as many passwords as it can (`LOGIN_MAX_IN_FLIGHT` running, `LOGIN_QUEUE_MAX` waiting): nothing was done; retry after `Retry-After` seconds plus a random jitter.", { headers: retryAfter }),
};
