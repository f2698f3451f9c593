import { Router, type Request } from "express";
import {
  DeviceAuthRequestSchema,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
  VerifyEmailRequestSchema,
  LoginRequestSchema,
  LogoutRequestSchema,
  RefreshRequestSchema,
  RegisterRequestSchema,
} from "../../../shared/schemas/auth";
import type { Limiter } from "../../lib/rate-limit/limiter";
import type { AuthService, ClientInfo } from "../../modules/auth/auth.service";
import type { DeviceAuthService } from "../../modules/auth/device-auth.service";
import type { EmailRecoveryService } from "../../modules/auth/email-recovery.service";
import { authOf, requireAuth } from "../middleware/authenticate";
import { clientIp } from "../middleware/client-ip";
import { rateLimit } from "../middleware/rate-limit";
import { bodyOf, validateBody } from "../middleware/validate";

export interface AuthRoutesDeps {
  auth: AuthService;
  deviceAuth: DeviceAuthService;
  emailRecovery: EmailRecoveryService;
  registerLimiter: Limiter;
  tokenLimiter: Limiter;
}

const clientInfo = (req: Request): ClientInfo => ({ ip: clientIp(req), userAgent: req.get("user-agent") });

export function authRoutes({ auth, deviceAuth, emailRecovery, registerLimiter, tokenLimiter }: AuthRoutesDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  router.post("/register", rateLimit(registerLimiter, clientIp), validateBody(RegisterRequestSchema), async (req, res) => {
    const body = bodyOf(RegisterRequestSchema, req.body);
    res.status(201).json(await auth.register(body.username, body.password, clientInfo(req)));
  });

  // Failed logins are throttled per account+IP and per IP inside AuthService.
  router.post("/login", validateBody(LoginRequestSchema), async (req, res) => {
    const body = bodyOf(LoginRequestSchema, req.body);
    res.json(await auth.login(body.username, body.password, clientInfo(req)));
  });

  // Every call is held to the per-IP token limit; a call that creates a guest also to the registration limit (in the service).
  router.post("/device", rateLimit(tokenLimiter, clientIp), validateBody(DeviceAuthRequestSchema), async (req, res) => {
    const { tokens, created } = await deviceAuth.login(bodyOf(DeviceAuthRequestSchema, req.body).deviceId, clientInfo(req));
    res.status(created ? 201 : 200).json({ ...tokens, account: { ...tokens.account, guest: true } });
  });

  router.post("/email/verify", rateLimit(tokenLimiter, clientIp), validateBody(VerifyEmailRequestSchema), async (req, res) => {
    res.json(await emailRecovery.verifyEmail(bodyOf(VerifyEmailRequestSchema, req.body).token));
  });

  // 202 whatever the address: the mail (if the address is an account's verified one) goes out after the answer.
  router.post("/password-reset", rateLimit(tokenLimiter, clientIp), validateBody(PasswordResetRequestSchema), (req, res) => {
    emailRecovery.requestReset(bodyOf(PasswordResetRequestSchema, req.body).email);
    res.status(202).end();
  });

  router.post("/password-reset/confirm", rateLimit(tokenLimiter, clientIp), validateBody(PasswordResetConfirmSchema), async (req, res) => {
    const body = bodyOf(PasswordResetConfirmSchema, req.body);
    await emailRecovery.confirmReset(body.token, body.newPassword);
    res.status(204).end();
  });

  router.post("/refresh", rateLimit(tokenLimiter, clientIp), validateBody(RefreshRequestSchema), async (req, res) => {
    res.json(await auth.refresh(bodyOf(RefreshRequestSchema, req.body).refreshToken));
  });

  router.post("/logout", rateLimit(tokenLimiter, clientIp), validateBody(LogoutRequestSchema), async (req, res) => {
    await auth.logout(bodyOf(LogoutRequestSchema, req.body).refreshToken);
    res.status(204).end();
  });

  router.post("/logout-all", requireAuth(auth), async (_req, res) => {
    await auth.logoutAll(authOf(res.locals).accountId);
    res.status(204).end();
  });

  return router;
}
