import { Router } from "express";
import { ChangePasswordRequestSchema, DeleteAccountRequestSchema, SessionIdParamsSchema, type MeResponse } from "../../../shared/schemas/auth";
import type { AccountsService } from "../../modules/accounts/accounts.service";
import type { AuthService } from "../../modules/auth/auth.service";
import type { SessionsService } from "../../modules/auth/sessions.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { clientIp } from "../middleware/client-ip";
import { parseParams } from "../middleware/parse";
import { bodyOf, validateBody } from "../middleware/validate";

export function meRoutes({ auth, sessions, accounts }: { auth: AuthService; sessions: SessionsService; accounts: AccountsService }): Router {
  const router = Router();

  // Everything /me says came with the session check (and is cached with it): no read of its own.
  router.get("/", requireAuth(auth), (_req, res) => {
    const me = authOf(res.locals);
    const body: MeResponse = { account: { id: me.accountId, username: me.username, createdAt: me.accountCreatedAt.toISOString() } };
    res.json(body);
  });

  router.delete("/", requireAuth(auth), validateBody(DeleteAccountRequestSchema), async (req, res) => {
    const { password } = bodyOf(DeleteAccountRequestSchema, req.body);
    await accounts.deleteAccount(authOf(res.locals).accountId, password, clientIp(req));
    res.status(204).end();
  });

  // Answers tokens: never cached.
  router.post("/password", requireAuth(auth), validateBody(ChangePasswordRequestSchema), async (req, res) => {
    const body = bodyOf(ChangePasswordRequestSchema, req.body);
    res.setHeader("Cache-Control", "no-store");
    res.json(await auth.changePassword(authOf(res.locals), body.currentPassword, body.newPassword, clientIp(req)));
  });

  router.get("/sessions", requireAuth(auth), async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json(await sessions.list(authOf(res.locals)));
  });

  router.delete("/sessions/:sessionId", requireAuth(auth), async (req, res) => {
    const { sessionId } = parseParams(SessionIdParamsSchema, req);
    await sessions.end(authOf(res.locals), sessionId);
    res.status(204).end();
  });

  return router;
}
