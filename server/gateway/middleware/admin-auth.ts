import type { RequestHandler, Response } from "express";
import type { OperatorRole } from "../../../shared/schemas/admin";
import { AppError, ErrorCode } from "../../lib/errors";
import type { AdminService, OperatorContext } from "../../modules/admin/admin.service";
import { hasRole } from "../../modules/admin/operator-roles";
import type { AuthService } from "../../modules/auth/auth.service";

import { B64TOKEN, bearerCredential } from "./bearer";

/** A guard that names the least role a route needs (read by the route-auth test). */
export type RoleGuard = RequestHandler & { requiredRole: OperatorRole };

/**
 * Requires an operator token of an account that still has at least `role`.
 * No Bearer credential: 401 unauthorized. A live player token: 403 forbidden (a player is no
 * operator). Anything else that is not an operator token: 401 invalid_token / token_expired.
 * An operator whose role is below `role`: 403 forbidden.
 */
export function requireOperator(admin: AdminService, auth: AuthService, role: OperatorRole): RoleGuard {
  const guard: RequestHandler = async (req, res, next) => {
    const credential = bearerCredential(req);
    if (!credential) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="admin"');
      next(new AppError(ErrorCode.Unauthorized, "An operator token is required."));
      return;
    }
    try {
      if (!B64TOKEN.test(credential)) throw new AppError(ErrorCode.InvalidToken, "The operator token is invalid.");
      const operator = await admin.authenticate(credential);
      if (operator === "expired") throw new AppError(ErrorCode.TokenExpired, "The operator token has expired.");
      if (operator === "invalid") {
        const isPlayer = await auth.authenticate(credential).then(
          () => true,
          () => false,
        );
        if (isPlayer) throw new AppError(ErrorCode.Forbidden, "Player tokens cannot use the admin API.");
        throw new AppError(ErrorCode.InvalidToken, "The operator token is invalid.");
      }
      if (!hasRole(operator.role, role)) {
        throw new AppError(ErrorCode.Forbidden, `This action needs the ${role} role.`);
      }
      res.locals.operator = operator;
      next();
    } catch (err) {
      if (err instanceof AppError && err.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="admin", error="invalid_token"');
      next(err);
    }
  };
  return Object.assign(guard, { requiredRole: role });
}

export function operatorOf(res: Response): OperatorContext {
  const op = res.locals.operator as OperatorContext | undefined;
  if (!op) throw new Error("route is missing requireOperator");
  return op;
}
