import { Router } from "express";
import { DeleteAccountRequestSchema, type MeResponse } from "../../../shared/schemas/auth";
import type { AccountsService } from "../../modules/accounts/accounts.service";
import type { AuthService } from "../../modules/auth/auth.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { clientIp } from "../middleware/client-ip";
import { bodyOf, validateBody } from "../middleware/validate";

export function meRoutes({ auth, accounts }: { auth: AuthService; accounts: AccountsService }): Router {
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

  return router;
}
