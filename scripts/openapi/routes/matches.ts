import { AccountIdParamSchema, MatchHistoryQuerySchema, MatchHistoryResponseSchema, RatingsResponseSchema } from "../../../shared";
import { json, md, pathParam, player } from "../helpers";
import type { Route } from "../types";

export const matchesRoutes: Route[] = [
  {
    method: "get",
    path: "/matches/history",
    tags: ["matches"],
    operationId: "matchHistory",
    summary: "The caller's match history, newest first",
    description: md(
      "The caller's finished and cancelled matches (never another player's: the account comes",
      "from the token), newest first by when the match formed, paged by a signed keyset cursor.",
      "Matches still forming or being played are not listed. Each entry lists the teams (by team",
      "index) and the caller's team, score, whether they won, and their display rating",
      "(mu − 3σ) before and after the match (`ratingAfter` is null for a cancelled match).",
    ),
    security: player,
    query: MatchHistoryQuerySchema,
    responses: {
      200: json("One page.", MatchHistoryResponseSchema),
      400: "InvalidQueryOrCursor",
      401: "Unauthorized",
      503: "ServiceUnavailable",
    },
  },
  {
    method: "get",
    path: "/ratings",
    tags: ["matches"],
    operationId: "myRatings",
    summary: "The caller's ratings",
    description: md(
      "OpenSkill ratings per game mode. Only modes the caller has finished a match in are listed;",
      "a mode never played means the starting rating (mu 25, sigma 25/3, display 0).",
    ),
    security: player,
    responses: {
      200: json("The caller's ratings, by mode name.", RatingsResponseSchema),
      401: "Unauthorized",
      503: "ServiceUnavailable",
    },
  },
  {
    method: "get",
    path: "/players/{accountId}/ratings",
    tags: ["matches"],
    operationId: "playerRatings",
    summary: "Any player's ratings",
    description: md(
      "Ratings are public, like a ladder: any signed-in player may read any player's, the",
      "caller's own included, and blocks do not hide them (a block hides presence and chat).",
      "Same shape and rules as `GET /ratings`.",
    ),
    security: player,
    parameters: [pathParam("accountId", AccountIdParamSchema.shape.accountId, "The player's account id. A malformed id is `400 invalid_request` naming `accountId`.")],
    responses: {
      200: json("The player's ratings, by mode name.", RatingsResponseSchema),
      400: "InvalidRequest",
      401: "Unauthorized",
      404: "AccountNotFound",
      503: "ServiceUnavailable",
    },
  },
];
