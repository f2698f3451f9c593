import { Router } from "express";
import { DeleteAccountRequestSchema, type MeResponse } from "../../../shared/schemas/auth";
import type { AccountsService } from "../../modules/accounts/accounts.service";
import type { AuthService } from "../../modules/auth/auth.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { clientIp } from "../middleware/client-ip";
import { bodyOf, validateBody } from "../middleware/validate";

export function meRoutes({ auth, accounts }: { auth: AuthService; accounts: AccountsService }): Router {
  const router = Router();

  router.get("/", requireAuth(auth), async (_req, res) => {
    const profile = await accounts.profile(authOf(res.locals).accountId);
    const body: MeResponse = {
      account: { id: profile.id, username: profile.username, createdAt: profile.createdAt.toISOString() },
    };
    res.json(body);
  });

  router.delete("/", requireAuth(auth), validateBody(DeleteAccountRequestSchema), async (req, res) => {
    const { password } = bodyOf(DeleteAccountRequestSchema, req.body);
    await accounts.deleteAccount(authOf(res.locals).accountId, password, clientIp(req));
    res.status(204).end();
  });

  return router;
}
