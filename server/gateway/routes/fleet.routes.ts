import { Router } from "express";
import type { JwksResponse } from "../../../shared/schemas/fleet";

export interface FleetRoutesDeps {
  /** Absent when join tickets are off (production without JOIN_TICKET_KEY_FILES). */
  joinTickets?: { jwks(): JwksResponse };
}

/** Public: what dedicated game servers fetch to verify join tickets offline. */
export function fleetRoutes(d: FleetRoutesDeps): Router {
  const router = Router();
  router.get("/.well-known/jwks.json", (_req, res) => {
    const body: JwksResponse = d.joinTickets?.jwks() ?? { keys: [] };
    // Game servers may cache it: a new key is published before it signs (see docs/game-servers.md).
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(body);
  });
  return router;
}
