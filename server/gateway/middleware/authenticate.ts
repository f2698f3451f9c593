import type { RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { AuthService } from "../../modules/auth/auth.service";

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Requires `Authorization: Bearer <access token>` of a live session; sets res.locals.auth. */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization");
    const match = header ? BEARER.exec(header) : null;
    if (!match?.[1]) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="lobby"');
      next(new AppError(ErrorCode.Unauthorized, "An access token is required."));
      return;
    }
    try {
      res.locals.auth = await auth.authenticate(match[1]);
      next();
    } catch (err) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="lobby", error="invalid_token"');
      next(err);
    }
  };
}

export function authOf(locals: { auth?: import("../../modules/auth/auth.types").AuthContext }) {
  if (!locals.auth) throw new Error("route is missing requireAuth");
  return locals.auth;
}
