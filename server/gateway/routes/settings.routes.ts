import { Router } from "express";
import { AccountSettingsPatchSchema, type AccountSettings } from "../../../shared/schemas/chat";
import type { AuthService } from "../../modules/auth/auth.service";
import type { ChatService } from "../../modules/chat/chat.service";
import type { PartyJoinRequestsService } from "../../modules/parties/party-join-requests.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { bodyOf, validateBody } from "../middleware/validate";
import { identityOf } from "../../modules/identity";

/** The player's own privacy settings (GET/PATCH /me/settings). */
export function settingsRoutes({ auth, chat, partyJoins }: { auth: AuthService; chat: ChatService; partyJoins: PartyJoinRequestsService }): Router {
  const router = Router();
  router.use(requireAuth(auth));

  const current = async (accountId: string): Promise<AccountSettings> => {
    const [allowDirectMessagesFrom, joinPolicy] = await Promise.all([chat.directMessagePolicy(accountId), partyJoins.joinPolicy(accountId)]);
    return { allowDirectMessagesFrom, joinPolicy };
  };

  router.get("/", async (_req, res) => {
    res.json(await current(authOf(res.locals).accountId));
  });

  router.patch("/", validateBody(AccountSettingsPatchSchema), async (req, res) => {
    const who = authOf(res.locals);
    const patch = bodyOf(AccountSettingsPatchSchema, req.body);
    if (patch.allowDirectMessagesFrom) await chat.setDirectMessagePolicy(who.accountId, patch.allowDirectMessagesFrom);
    if (patch.joinPolicy) await partyJoins.setJoinPolicy(identityOf(who), patch.joinPolicy);
    res.json(await current(who.accountId));
  });

  return router;
}
