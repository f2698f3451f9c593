import type { AuthContext } from "../modules/auth/auth.types";
import type { FleetKeyRow } from "../modules/fleet/fleet-keys.repo";

declare global {
  namespace Express {
    interface Locals {
      requestId: string;
      auth?: AuthContext;
      /** A dedicated game server's fleet key (requireFleetKey). */
      fleetKey?: FleetKeyRow;
    }
  }
}

export {};
