import type { RequestHandler } from "express";
import { AppError, ErrorCode } from "../../lib/errors";
import type { FleetKeyRow } from "../../modules/fleet/fleet-keys.repo";

const BEARER_SCHEME = /^Bearer +(.*)$/is;

/** Requires `Authorization: Bearer fk_…` of a live fleet key; sets res.locals.fleetKey. */
export function requireFleetKey(keys: { authenticate(secret: string): Promise<FleetKeyRow | null> }): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization");
    const credential = header ? BEARER_SCHEME.exec(header)?.[1]?.trim() : undefined;
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
