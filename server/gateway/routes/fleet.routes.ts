import { Router, type RequestHandler } from "express";
import { z } from "zod";
import {
  GameServerHeartbeatRequestSchema,
  RegisterGameServerRequestSchema,
  type JwksResponse,
  type RegisterGameServerResponse,
} from "../../../shared/schemas/fleet";
import type { Limiter } from "../../lib/rate-limit/limiter";
import type { FleetKeysService } from "../../modules/fleet/fleet-keys.service";
import type { GameServersService } from "../../modules/fleet/game-servers.service";
import { clientIp } from "../middleware/client-ip";
import { fleetKeyOf, requireFleetKey } from "../middleware/fleet-auth";
import { parseParams } from "../middleware/parse";
import { rateLimit } from "../middleware/rate-limit";
import { bodyOf, validateBody } from "../middleware/validate";

export interface FleetRoutesDeps {
  /** Absent when join tickets are off (production without JOIN_TICKET_KEY_FILES). */
  joinTickets?: { jwks(): JwksResponse };
  fleetKeys: FleetKeysService;
  gameServers: GameServersService;
  /** Requests per fleet key. */
  limiter: Limiter;
  /** Requests per client IP, checked before the key is (a flood of made-up keys costs no lookups past it). */
  ipLimiter: Limiter;
  /** The `iss` of join tickets (JWT_ISSUER). */
  ticketIssuer: string;
}

const ServerParams = z.object({ serverId: z.uuid() });
const stateOf = (s: "ACTIVE" | "DRAINING") => (s === "ACTIVE" ? "active" : "draining");

/** GET /.well-known/jwks.json: the public key set game servers verify join tickets with (no auth). */
export function jwksHandler(joinTickets: FleetRoutesDeps["joinTickets"]): RequestHandler {
  return (_req, res) => {
    const body: JwksResponse = joinTickets?.jwks() ?? { keys: [] };
    // Game servers may cache it: a new key is published before it signs (see docs/game-servers.md).
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(body);
  };
}

/**
 * What dedicated game servers call with a fleet key, mounted at /fleet: their registration,
 * heartbeat, drain and deregistration (docs/game-servers.md).
 */
export function fleetRoutes(d: Omit<FleetRoutesDeps, "joinTickets">): Router {
  const router = Router();

  const server = [rateLimit(d.ipLimiter, clientIp), requireFleetKey(d.fleetKeys), rateLimit(d.limiter, (_req, res) => fleetKeyOf(res.locals).id)];
  router.post("/servers", ...server, validateBody(RegisterGameServerRequestSchema), async (req, res) => {
    const row = await d.gameServers.register(fleetKeyOf(res.locals), bodyOf(RegisterGameServerRequestSchema, req.body));
    const body: RegisterGameServerResponse = { serverId: row.id, heartbeatSeconds: d.gameServers.heartbeatSeconds, ticketIssuer: d.ticketIssuer, jwksPath: "/.well-known/jwks.json" };
    res.status(201).json(body);
  });

  router.post("/servers/:serverId/heartbeat", ...server, validateBody(GameServerHeartbeatRequestSchema), async (req, res) => {
    const row = await d.gameServers.heartbeat(fleetKeyOf(res.locals), parseParams(ServerParams, req).serverId, bodyOf(GameServerHeartbeatRequestSchema, req.body).load);
    res.json({ state: stateOf(row.state) });
  });

  router.post("/servers/:serverId/drain", ...server, async (req, res) => {
    const row = await d.gameServers.drain(fleetKeyOf(res.locals), parseParams(ServerParams, req).serverId);
    res.json({ state: stateOf(row.state) });
  });

  router.delete("/servers/:serverId", ...server, async (req, res) => {
    await d.gameServers.deregister(fleetKeyOf(res.locals), parseParams(ServerParams, req).serverId);
    res.status(204).end();
  });
  return router;
}
