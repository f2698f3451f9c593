import { Router } from "express";
import { GameLobbyListQuerySchema } from "../../../shared/schemas/game-lobby";
import type { AuthService } from "../../modules/auth/auth.service";
import type { GameLobbiesService } from "../../modules/game-lobbies/game-lobbies.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { parseQuery } from "../middleware/parse";

/**
 * GET /lobbies: the lobby browser's list (public custom game lobbies, filtered and paged). Joining,
 * slots and the rest are lobby-room messages (docs/ws-protocol.md, "Custom game lobbies").
 */
export function gameLobbiesRoutes({ auth, gameLobbies }: { auth: AuthService; gameLobbies: GameLobbiesService }): Router {
  const router = Router();
  router.use(requireAuth(auth));
  router.get("/", async (req, res) => {
    res.json(await gameLobbies.browser.list(authOf(res.locals).accountId, parseQuery(GameLobbyListQuerySchema, req)));
  });
  return router;
}
