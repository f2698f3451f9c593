import { Router } from "express";
import {
  AccountIdParamSchema,
  BlockBodySchema,
  FriendListQuerySchema,
  FriendRequestBodySchema,
  PageQuerySchema,
} from "../../../shared/schemas/social";
import type { Limiter } from "../../lib/rate-limit/limiter";
import type { AuthService } from "../../modules/auth/auth.service";
import type { FriendsService } from "../../modules/social/friends.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { parseParams, parseQuery } from "../middleware/parse";
import { rateLimit } from "../middleware/rate-limit";
import { bodyOf, validateBody } from "../middleware/validate";

export interface SocialRoutesDeps {
  auth: AuthService;
  friends: FriendsService;
  /** Social writes per account. */
  writeLimiter: Limiter;
}

const actorOf = (locals: Parameters<typeof authOf>[0]) => {
  const a = authOf(locals);
  return { id: a.accountId, username: a.username, displayName: a.displayName };
};

export function friendsRoutes({ auth, friends, writeLimiter }: SocialRoutesDeps): Router {
  const router = Router();
  const limited = rateLimit(writeLimiter, (_req, res) => `acct:${authOf(res.locals).accountId}`);
  router.use(requireAuth(auth));

  router.get("/", async (req, res) => {
    res.json(await friends.list(authOf(res.locals).accountId, parseQuery(FriendListQuerySchema, req)));
  });

  router.post("/requests", limited, validateBody(FriendRequestBodySchema), async (req, res) => {
    res.json(await friends.sendRequest(actorOf(res.locals), bodyOf(FriendRequestBodySchema, req.body).username));
  });

  router.post("/requests/:accountId/accept", limited, async (req, res) => {
    res.json(await friends.accept(actorOf(res.locals), parseParams(AccountIdParamSchema, req).accountId));
  });

  router.post("/requests/:accountId/decline", limited, async (req, res) => {
    await friends.decline(actorOf(res.locals), parseParams(AccountIdParamSchema, req).accountId);
    res.status(204).end();
  });

  router.delete("/requests/:accountId", limited, async (req, res) => {
    await friends.cancel(actorOf(res.locals), parseParams(AccountIdParamSchema, req).accountId);
    res.status(204).end();
  });

  router.delete("/:accountId", limited, async (req, res) => {
    await friends.remove(actorOf(res.locals), parseParams(AccountIdParamSchema, req).accountId);
    res.status(204).end();
  });

  return router;
}

export function blocksRoutes({ auth, friends, writeLimiter }: SocialRoutesDeps): Router {
  const router = Router();
  const limited = rateLimit(writeLimiter, (_req, res) => `acct:${authOf(res.locals).accountId}`);
  router.use(requireAuth(auth));

  router.get("/", async (req, res) => {
    res.json(await friends.listBlocks(authOf(res.locals).accountId, parseQuery(PageQuerySchema, req)));
  });

  router.post("/", limited, validateBody(BlockBodySchema), async (req, res) => {
    await friends.block(actorOf(res.locals), bodyOf(BlockBodySchema, req.body).accountId);
    res.status(204).end();
  });

  router.delete("/:accountId", limited, async (req, res) => {
    await friends.unblock(actorOf(res.locals), parseParams(AccountIdParamSchema, req).accountId);
    res.status(204).end();
  });

  return router;
}
