import { Router } from "express";
import { AccountSettingsPatchSchema, type AccountSettings } from "../../../shared/schemas/chat";
import type { AuthService } from "../../modules/auth/auth.service";
import type { ChatService } from "../../modules/chat/chat.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { bodyOf, validateBody } from "../middleware/validate";

/** The player's own privacy settings (GET/PATCH /me/settings). */
export function settingsRoutes({ auth, chat }: { auth: AuthService; chat: ChatService }): Router {
  const router = Router();
  router.use(requireAuth(auth));

  const current = async (accountId: string): Promise<AccountSettings> => ({
    allowDirectMessagesFrom: await chat.directMessagePolicy(accountId),
  });

  router.get("/", async (_req, res) => {
    res.json(await current(authOf(res.locals).accountId));
  });

  router.patch("/", validateBody(AccountSettingsPatchSchema), async (req, res) => {
    const accountId = authOf(res.locals).accountId;
    const patch = bodyOf(AccountSettingsPatchSchema, req.body);
    if (patch.allowDirectMessagesFrom) await chat.setDirectMessagePolicy(accountId, patch.allowDirectMessagesFrom);
    res.json(await current(accountId));
  });

  return router;
}
