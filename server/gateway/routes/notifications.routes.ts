import { Router } from "express";
import { MarkReadBodySchema, NotificationListQuerySchema } from "../../../shared/schemas/notifications";
import type { AuthService } from "../../modules/auth/auth.service";
import type { NotificationsService } from "../../modules/notifications/notifications.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { parseQuery } from "../middleware/parse";
import { bodyOf, validateBody } from "../middleware/validate";

export function notificationsRoutes({ auth, notifications }: { auth: AuthService; notifications: NotificationsService }): Router {
  const router = Router();
  router.use(requireAuth(auth));

  router.get("/", async (req, res) => {
    res.json(await notifications.list(authOf(res.locals).accountId, parseQuery(NotificationListQuerySchema, req)));
  });

  router.post("/read", validateBody(MarkReadBodySchema), async (req, res) => {
    const body = bodyOf(MarkReadBodySchema, req.body);
    const updated = await notifications.markRead(authOf(res.locals).accountId, "ids" in body ? body.ids : "all");
    res.json({ updated });
  });

  return router;
}
