import { Router } from "express";
import { MatchHistoryQuerySchema } from "../../../shared/schemas/match";
import { AccountIdParamSchema } from "../../../shared/schemas/social";
import type { AuthService } from "../../modules/auth/auth.service";
import type { RatingsService } from "../../modules/ratings/ratings.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { parseParams, parseQuery } from "../middleware/parse";

/**
 * Match history and ratings. Mounted at the root (three prefixes), so authentication is per route:
 * a router-wide requireAuth would turn every unknown path behind it into a 401.
 *
 * - GET /matches/history: the caller's own matches only (the account comes from the token, never
 *   from the request).
 * - GET /ratings, GET /players/:accountId/ratings: ratings are public like a ladder, to any
 *   signed-in player, across blocks too (see RatingsService).
 */
export function matchesRoutes({ auth, ratings }: { auth: AuthService; ratings: RatingsService }): Router {
  const router = Router();
  const authed = requireAuth(auth);

  router.get("/matches/history", authed, async (req, res) => {
    res.json(await ratings.history(authOf(res.locals).accountId, parseQuery(MatchHistoryQuerySchema, req)));
  });

  router.get("/ratings", authed, async (_req, res) => {
    res.json(await ratings.ratings(authOf(res.locals).accountId));
  });

  router.get("/players/:accountId/ratings", authed, async (req, res) => {
    res.json(await ratings.ratings(parseParams(AccountIdParamSchema, req).accountId));
  });

  return router;
}
