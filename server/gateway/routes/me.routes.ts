import { Router } from "express";
import { ChangePasswordRequestSchema, DeleteAccountRequestSchema, SessionIdParamsSchema, SetEmailRequestSchema, UpdateMeRequestSchema, UpgradeRequestSchema, type MeResponse } from "../../../shared/schemas/auth";
import type { AccountsService } from "../../modules/accounts/accounts.service";
import type { ProfileService } from "../../modules/accounts/profile.service";
import type { AuthService } from "../../modules/auth/auth.service";
import type { SessionsService } from "../../modules/auth/sessions.service";
import type { DeviceAuthService } from "../../modules/auth/device-auth.service";
import type { AccountExportService } from "../../modules/accounts/account-export.service";
import type { EmailRecoveryService } from "../../modules/auth/email-recovery.service";
import type { Limiter } from "../../lib/rate-limit/limiter";
import { rateLimit } from "../middleware/rate-limit";
import { authOf, requireAuth } from "../middleware/authenticate";
import { clientIp } from "../middleware/client-ip";
import { parseParams } from "../middleware/parse";
import { bodyOf, validateBody } from "../middleware/validate";

export interface MeRoutesDeps {
  auth: AuthService;
  sessions: SessionsService;
  deviceAuth: DeviceAuthService;
  accounts: AccountsService;
  profiles: ProfileService;
  accountExport: AccountExportService;
  /** Exports per account (ACCOUNT_EXPORTS_PER_HOUR). */
  exportLimiter: Limiter;
  emailRecovery: EmailRecoveryService;
  /** Verification mails per IP. */
  emailLimiter: Limiter;
}

export function meRoutes(d: MeRoutesDeps): Router {
  const { auth, sessions, accounts } = d;
  const router = Router();

  // Everything /me says came with the session check (and is cached with it): no read of its own.
  router.get("/", requireAuth(auth), (_req, res) => {
    const me = authOf(res.locals);
    const body: MeResponse = { account: { id: me.accountId, username: me.username, displayName: me.displayName, createdAt: me.accountCreatedAt.toISOString(), guest: me.guest } };
    res.json(body);
  });

  router.patch("/", requireAuth(auth), validateBody(UpdateMeRequestSchema), async (req, res) => {
    const me = authOf(res.locals);
    const { displayName } = bodyOf(UpdateMeRequestSchema, req.body);
    const account = await d.profiles.setDisplayName(me, displayName);
    const body: MeResponse = { account: { ...account, createdAt: me.accountCreatedAt.toISOString(), guest: me.guest } };
    res.json(body);
  });

  router.delete("/", requireAuth(auth), validateBody(DeleteAccountRequestSchema), async (req, res) => {
    const { password } = bodyOf(DeleteAccountRequestSchema, req.body);
    await accounts.deleteAccount(authOf(res.locals).accountId, password, clientIp(req));
    res.status(204).end();
  });

  router.get("/export", requireAuth(d.auth), rateLimit(d.exportLimiter, (_req, res) => authOf(res.locals).accountId), async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Disposition", 'attachment; filename="account-export.json"');
    res.json(await d.accountExport.export(authOf(res.locals).accountId));
  });

  router.put("/email", requireAuth(d.auth), rateLimit(d.emailLimiter, clientIp), validateBody(SetEmailRequestSchema), async (req, res) => {
    const { email } = bodyOf(SetEmailRequestSchema, req.body);
    await d.emailRecovery.setEmail(authOf(res.locals), email);
    res.status(202).json({ pendingEmail: email });
  });

  router.post("/upgrade", requireAuth(auth), validateBody(UpgradeRequestSchema), async (req, res) => {
    const body = bodyOf(UpgradeRequestSchema, req.body);
    res.json(await d.deviceAuth.upgrade(authOf(res.locals), body.username, body.password));
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
