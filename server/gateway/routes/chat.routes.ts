import { Router } from "express";
import { z } from "zod";
import { ChatHistoryQuerySchema, ChatReportBodySchema } from "../../../shared/schemas/chat";
import type { AuthService } from "../../modules/auth/auth.service";
import type { Limiter } from "../../lib/rate-limit/limiter";
import type { ChatService } from "../../modules/chat/chat.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { parseParams, parseQuery } from "../middleware/parse";
import { rateLimit } from "../middleware/rate-limit";
import { bodyOf, validateBody } from "../middleware/validate";
import { identityOf } from "../../modules/identity";

const ChannelParamSchema = z.object({ channelId: z.string().min(3).max(96) });
const MessageParamSchema = z.object({ messageId: z.string().regex(/^\d{1,19}$/, "is not a message id") });
/** Paging back (`cursor`) and catching up (`afterSeq`) are two modes; asking for both is refused. */
const HistoryQuerySchema = ChatHistoryQuerySchema.refine((q) => q.cursor === undefined || q.afterSeq === undefined, {
  message: "cannot be combined with cursor",
  path: ["afterSeq"],
});

const who = (locals: Parameters<typeof authOf>[0]) => {
  const a = authOf(locals);
  return identityOf(a);
};

export function chatRoutes({ auth, chat, historyLimiter }: { auth: AuthService; chat: ChatService; historyLimiter: Limiter }): Router {
  const router = Router();
  router.use(requireAuth(auth));

  router.get("/channels", (_req, res) => {
    res.json({ channels: chat.publicChannels() });
  });

  // Per account, on every process together (a page reads and sends up to 100 messages).
  const historyPerAccount = rateLimit(historyLimiter, (_req, res) => authOf(res.locals).accountId);
  router.get("/channels/:channelId/messages", historyPerAccount, async (req, res) => {
    const { channelId } = parseParams(ChannelParamSchema, req);
    res.json(await chat.history(who(res.locals), channelId, parseQuery(HistoryQuerySchema, req)));
  });

  router.get("/unread", async (_req, res) => {
    res.json(await chat.unread(authOf(res.locals).accountId));
  });

  router.post("/messages/:messageId/reports", validateBody(ChatReportBodySchema), async (req, res) => {
    const { messageId } = parseParams(MessageParamSchema, req);
    const body = bodyOf(ChatReportBodySchema, req.body);
    const result = await chat.report(who(res.locals), messageId, body.reason, body.note);
    res.status(result.created ? 201 : 200).json({ reports: result.reports });
  });

  return router;
}
