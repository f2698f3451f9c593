import type { RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { AuthService } from "../../modules/auth/auth.service";

import { B64TOKEN, bearerCredential } from "./bearer";

/**
 * Requires `Authorization: Bearer <access token>` of a live session; sets res.locals.auth.
 * No Bearer credential at all is 401 unauthorized; a Bearer credential that is malformed, forged,
 * expired or of an ended session is 401 invalid_token / token_expired.
 */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const credential = bearerCredential(req);
    if (!credential) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="lobby"');
      next(new AppError(ErrorCode.Unauthorized, "An access token is required."));
      return;
    }
    try {
      if (!B64TOKEN.test(credential)) throw new AppError(ErrorCode.InvalidToken, "The access token is invalid.");
      res.locals.auth = await auth.authenticate(credential);
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
