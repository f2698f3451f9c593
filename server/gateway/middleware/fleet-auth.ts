import type { RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { FleetKeyRow } from "../../modules/fleet/fleet-keys.repo";

import { bearerCredential } from "./bearer";

/** Requires `Authorization: Bearer fk_…` of a live fleet key; sets res.locals.fleetKey. */
export function requireFleetKey(keys: { authenticate(secret: string): Promise<FleetKeyRow | null> }): RequestHandler {
  return async (req, res, next) => {
    const credential = bearerCredential(req);
    if (!credential) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="fleet"');
      next(new AppError(ErrorCode.Unauthorized, "A fleet key is required."));
      return;
    }
    try {
      const key = await keys.authenticate(credential);
      if (!key) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="fleet", error="invalid_token"');
        throw new AppError(ErrorCode.InvalidToken, "The fleet key is unknown or revoked.");
      }
      res.locals.fleetKey = key;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function fleetKeyOf(locals: { fleetKey?: FleetKeyRow }): FleetKeyRow {
  if (!locals.fleetKey) throw new Error("route is missing requireFleetKey");
  return locals.fleetKey;
}
