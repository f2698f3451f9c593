import crypto from "node:crypto";
import { matchMaker, type Presence } from "@colyseus/core";
import { monitor } from "@colyseus/monitor";
import { Router, type RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { AdminService, OperatorContext } from "../../modules/admin/admin.service";
import { hasRole } from "../../modules/admin/operator-roles";
import type { AuthService } from "../../modules/auth/auth.service";
import { requireOperator } from "../middleware/admin-auth";
import { ADMIN_CSP } from "./admin-page.routes";

/**
 * The console's CSP, with one relaxation for the third-party monitor UI: its framework injects
 * <style> elements at run time, so inline styles are allowed here (never inline scripts). Its icon
 * font from fonts.googleapis.com stays blocked (icons degrade to their names).
 */
export const MONITOR_CSP = ADMIN_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
const monitorCsp: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", MONITOR_CSP);
  next();
};

/**
 * @colyseus/monitor at /admin/monitor behind operator authentication.
 *
 * A browser navigation cannot carry the console's Bearer token, so:
 * 1. the console calls `POST /admin/api/monitor-ticket` (Bearer operator token) and gets a random
 *    single-use ticket that lives TICKET_TTL_SECONDS;
 * 2. it opens `/admin/monitor/?ticket=...`: the ticket is redeemed (once) for a random monitor
 *    session id, set as an HttpOnly, SameSite=Strict cookie with Path=/admin/monitor, and the
 *    browser is redirected to the URL without the ticket;
 * 3. every /admin/monitor request needs that cookie. The session record (in Colyseus' presence:
 *    shared by every process when Redis is used) holds the operator token the ticket was bought
 *    with, and each request re-authenticates it, so an expired token, a disabled account or a
 *    demotion ends monitor access at once. Viewers may look; calling room methods
 *    (`/api/room/call`) needs the moderator role.
 * Tickets, session ids and the cookie never leave this origin's /admin/monitor path, and only
 * their SHA-256 is used as a presence key.
 */
export const MONITOR_COOKIE = "lobby_admin_monitor";
export const MONITOR_PATH = "/admin/monitor";
export const TICKET_TTL_SECONDS = 30;
export const MONITOR_SESSION_TTL_SECONDS = 15 * 60;

const TICKET_KEY = "admin-monitor:ticket:";
const REDEEMED_KEY = "admin-monitor:redeemed:";
const SESSION_KEY = "admin-monitor:session:";
/** 32 random bytes, base64url. */
const OPAQUE_ID = /^[A-Za-z0-9_-]{43}$/;

export interface AdminMonitorDeps {
  admin: AdminService;
  auth: AuthService;
  /** Where tickets and sessions live; Colyseus' presence (local or Redis) by default. */
  presence?: () => Presence;
}

const newOpaqueId = (): string => crypto.randomBytes(32).toString("base64url");
const digest = (id: string): string => crypto.createHash("sha256").update(id).digest("base64url");

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Mounted at /admin: `POST /api/monitor-ticket` and everything under `/monitor`. */
export function adminMonitorRoutes(deps: AdminMonitorDeps): Router {
  const presence = deps.presence ?? (() => matchMaker.presence);
  const router = Router();

  const unauthorized = (message: string) => new AppError(ErrorCode.Unauthorized, message);

  /** The operator behind a stored operator token, or undefined when it no longer authenticates. */
  const operatorOf = async (token: string): Promise<OperatorContext | undefined> => {
    const op = await deps.admin.authenticate(token);
    return typeof op === "string" ? undefined : op;
  };

  router.post("/api/monitor-ticket", requireOperator(deps.admin, deps.auth, "viewer"), async (req, res) => {
    // requireOperator accepted exactly this header's credential.
    const token = /^Bearer +(.*)$/is.exec(req.get("authorization") ?? "")?.[1]?.trim() ?? "";
    const ticket = newOpaqueId();
    await presence().setex(TICKET_KEY + digest(ticket), token, TICKET_TTL_SECONDS);
    res.setHeader("Cache-Control", "no-store");
    res.status(201).json({ ticket, expiresIn: TICKET_TTL_SECONDS, url: `${MONITOR_PATH}/?ticket=${ticket}` });
  });

  const gate: RequestHandler = async (req, res, next) => {
    try {
      res.setHeader("Cache-Control", "no-store");
      const ticket = typeof req.query.ticket === "string" ? req.query.ticket : undefined;
      if (ticket !== undefined && req.method === "GET") {
        const token = OPAQUE_ID.test(ticket) ? await redeem(ticket) : undefined;
        const op = token ? await operatorOf(token) : undefined;
        if (!token || !op) throw unauthorized("The monitor ticket is invalid, expired or already used. Open the monitor from the operator console again.");
        const session = newOpaqueId();
        await presence().setex(SESSION_KEY + digest(session), token, MONITOR_SESSION_TTL_SECONDS);
        res.cookie(MONITOR_COOKIE, session, {
          httpOnly: true,
          sameSite: "strict",
          secure: req.secure,
          path: MONITOR_PATH,
          maxAge: MONITOR_SESSION_TTL_SECONDS * 1000,
        });
        // Drop the ticket from the address bar and history.
        res.redirect(303, `${MONITOR_PATH}/`);
        return;
      }
      const session = cookieValue(req.headers.cookie, MONITOR_COOKIE);
      const token = session && OPAQUE_ID.test(session) ? ((await presence().get(SESSION_KEY + digest(session))) as string | undefined) : undefined;
      const op = token ? await operatorOf(token) : undefined;
      if (!op) throw unauthorized("Open the monitor from the operator console (/admin).");
      if (req.path.startsWith("/api/room/call") && !hasRole(op.role, "moderator")) {
        throw new AppError(ErrorCode.Forbidden, "Calling room methods needs the moderator role.");
      }
      res.locals.operator = op;
      next();
    } catch (err) {
      next(err);
    }
  };

  /** The ticket's operator token; a ticket is accepted once, on any process. */
  const redeem = async (ticket: string): Promise<string | undefined> => {
    const key = digest(ticket);
    const uses = await presence().incr(REDEEMED_KEY + key);
    await presence().expire(REDEEMED_KEY + key, TICKET_TTL_SECONDS * 2);
    if (uses !== 1) return undefined;
    const token = (await presence().get(TICKET_KEY + key)) as string | undefined;
    await presence().del(TICKET_KEY + key);
    return token ?? undefined;
  };

  router.use("/monitor", monitorCsp, gate, monitor() as unknown as RequestHandler);
  return router;
}
