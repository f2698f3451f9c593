import { matchMaker } from "@colyseus/core";
import { Router, type Request } from "express";
import { z } from "zod";
import { RoomName } from "../../../shared/rooms";
import {
  AdminAuditQuerySchema,
  AdminChatFeedQuerySchema,
  AdminLoginRequestSchema,
  AdminPlayersQuerySchema,
  AdminReportsQuerySchema,
  BanRequestSchema,
  MuteRequestSchema,
  ReasonRequestSchema,
  SetRoleRequestSchema,
  type AdminOverview,
  type AdminRooms,
} from "../../../shared/schemas/admin";
import type { Limiter } from "../../lib/rate-limit/limiter";
import type { AdminService } from "../../modules/admin/admin.service";
import { AdminGameLobbyQuerySchema } from "../../../shared/schemas/game-lobby";
import type { GameLobbiesService } from "../../modules/game-lobbies/game-lobbies.service";
import type { AuthService } from "../../modules/auth/auth.service";
import type { FleetKeysService, FleetKeyView } from "../../modules/fleet/fleet-keys.service";
import type { GameServersService, GameServerView } from "../../modules/fleet/game-servers.service";
import { CreateFleetKeyRequestSchema, type CreateFleetKeyResponse, type FleetKey, type FleetKeyListResponse, type GameServer, type GameServerListResponse } from "../../../shared/schemas/fleet";
import { operatorOf, requireOperator } from "../middleware/admin-auth";
import { clientIp } from "../middleware/client-ip";
import { parseParams, parseQuery } from "../middleware/parse";
import { rateLimit } from "../middleware/rate-limit";
import { bodyOf, validateBody } from "../middleware/validate";

export interface AdminRoutesDeps {
  admin: AdminService;
  auth: AuthService;
  /** Shared with /auth/refresh: requests per IP on the login route (failed logins are throttled in AdminService). */
  loginLimiter: Limiter;
  /** The keys dedicated game servers authenticate with (admins make and revoke them). */
  fleetKeys: FleetKeysService;
  /** The registered dedicated game servers (moderators drain them). */
  gameServers: GameServersService;
  /** Custom game lobbies, listed for operators (private ones too). */
  gameLobbies: Pick<GameLobbiesService, "browser">;
  /** Live rooms on every process (Colyseus' room listing); replaceable for tests of the router alone. */
  listRooms?: () => Promise<LiveRoom[]>;
}

export interface LiveRoom {
  name: string;
  roomId: string;
  processId: string;
  clients: number;
}

const AccountParams = z.object({ id: z.uuid() });
const LobbyParams = z.object({ lobbyId: z.uuid() });
const MessageParams = z.object({ messageId: z.string().regex(/^\d{1,19}$/, "must be a message id") });
const ReportParams = z.object({ reportId: z.uuid() });
const FleetKeyParams = z.object({ keyId: z.uuid() });
const GameServerParams = z.object({ serverId: z.uuid() });

const gameServerView = (s: GameServerView): GameServer => ({
  ...s,
  state: s.state === "ACTIVE" ? "active" : "draining",
  registeredAt: s.registeredAt.toISOString(),
  lastHeartbeatAt: s.lastHeartbeatAt.toISOString(),
});

const fleetKeyView = (k: FleetKeyView): FleetKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  modes: k.modes,
  regions: k.regions,
  createdBy: { id: k.createdById, username: k.createdBy.username },
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** Marks the one route that needs no operator token (read by the route-auth test). */
export const PUBLIC_ADMIN_ROUTES: ReadonlySet<string> = new Set(["POST /login"]);

const colyseusRooms = async (): Promise<LiveRoom[]> =>
  (await matchMaker.query({})).map((r) => ({ name: r.name, roomId: r.roomId, processId: r.processId, clients: r.clients }));

/** The operator API, mounted at /admin/api. Every route but login declares its role with requireOperator. */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const { admin, auth } = deps;
  const listRooms = deps.listRooms ?? colyseusRooms;
  const viewer = requireOperator(admin, auth, "viewer");
  const moderator = requireOperator(admin, auth, "moderator");
  const adminOnly = requireOperator(admin, auth, "admin");
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  router.post("/login", rateLimit(deps.loginLimiter, clientIp), validateBody(AdminLoginRequestSchema), async (req, res) => {
    const body = bodyOf(AdminLoginRequestSchema, req.body);
    res.json(await admin.login(body.username, body.password, clientIp(req)));
  });

  router.get("/me", viewer, (_req, res) => {
    res.json(admin.me(operatorOf(res)));
  });

  router.get("/overview", viewer, async (_req, res) => {
    const rooms = await listRooms();
    const lobbies = rooms.filter((r) => r.name === RoomName.Lobby);
    const connectionsByProcess: AdminOverview["connectionsByProcess"] = {};
    for (const r of lobbies) connectionsByProcess[r.processId] = (connectionsByProcess[r.processId] ?? 0) + r.clients;
    res.json(
      await admin.overview({
        // Lobby connections: a player with two devices counts twice.
        playersOnline: lobbies.reduce((n, r) => n + r.clients, 0),
        connectionsByProcess,
        rooms: { lobby: lobbies.length, match: rooms.filter((r) => r.name === RoomName.Match).length },
      }),
    );
  });

  router.get("/players", viewer, async (req, res) => {
    res.json(await admin.players(parseQuery(AdminPlayersQuerySchema, req).q));
  });

  router.get("/players/:id", viewer, async (req, res) => {
    res.json(await admin.player(parseParams(AccountParams, req).id));
  });

  router.get("/rooms", viewer, async (_req, res) => {
    const lobbies: AdminRooms["lobbies"] = (await listRooms())
      .filter((r) => r.name === RoomName.Lobby)
      .map((r) => ({ roomId: r.roomId, processId: r.processId, clients: r.clients }));
    res.json(await admin.rooms(lobbies));
  });

  router.get("/lobbies", viewer, async (req, res) => {
    const q = parseQuery(AdminGameLobbyQuerySchema, req);
    res.json({ items: await deps.gameLobbies.browser.listAll(q.limit) });
  });

  router.post("/lobbies/:lobbyId/close", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.closeGameLobby(operatorOf(res), parseParams(LobbyParams, req).lobbyId, bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  router.get("/chat/feed", viewer, async (req, res) => {
    const q = parseQuery(AdminChatFeedQuerySchema, req);
    res.json(await admin.chatFeed(q.channelId, q.limit));
  });

  router.get("/reports", viewer, async (req, res) => {
    res.json(await admin.reports(parseQuery(AdminReportsQuerySchema, req).status));
  });

  router.get("/audit", viewer, async (req, res) => {
    const q = parseQuery(AdminAuditQuerySchema, req);
    res.json(await admin.auditLog(q.limit, q.cursor));
  });

  router.get("/fleet/keys", viewer, async (_req, res) => {
    const body: FleetKeyListResponse = { items: (await deps.fleetKeys.list()).map(fleetKeyView) };
    res.json(body);
  });

  router.post("/fleet/keys", adminOnly, validateBody(CreateFleetKeyRequestSchema), async (req, res) => {
    const out = await deps.fleetKeys.create(operatorOf(res), bodyOf(CreateFleetKeyRequestSchema, req.body));
    const body: CreateFleetKeyResponse = { key: fleetKeyView(out.key), secret: out.secret };
    res.status(201).json(body);
  });

  router.post("/fleet/keys/:keyId/revoke", adminOnly, validateBody(ReasonRequestSchema), async (req, res) => {
    const key = await deps.fleetKeys.revoke(operatorOf(res), parseParams(FleetKeyParams, req).keyId, bodyOf(ReasonRequestSchema, req.body).reason);
    res.json(fleetKeyView(key));
  });

  router.get("/fleet/servers", viewer, async (_req, res) => {
    const body: GameServerListResponse = { items: (await deps.gameServers.list()).map(gameServerView) };
    res.json(body);
  });

  router.post("/fleet/servers/:serverId/drain", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    const server = await deps.gameServers.drainByOperator(operatorOf(res), parseParams(GameServerParams, req).serverId, bodyOf(ReasonRequestSchema, req.body).reason);
    res.json(gameServerView(server));
  });

  const accountId = (req: Request) => parseParams(AccountParams, req).id;

  router.post("/players/:id/kick", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.kick(operatorOf(res), accountId(req), bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  router.post("/players/:id/end-sessions", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    res.json({ ok: true, ...(await admin.endSessions(operatorOf(res), accountId(req), bodyOf(ReasonRequestSchema, req.body).reason)) });
  });

  router.post("/players/:id/mute", moderator, validateBody(MuteRequestSchema), async (req, res) => {
    const body = bodyOf(MuteRequestSchema, req.body);
    res.json({ ok: true, ...(await admin.mute(operatorOf(res), accountId(req), body.durationSeconds, body.reason)) });
  });

  router.post("/players/:id/ban", moderator, validateBody(BanRequestSchema), async (req, res) => {
    const body = bodyOf(BanRequestSchema, req.body);
    res.json({ ok: true, ...(await admin.ban(operatorOf(res), accountId(req), body.durationSeconds, body.reason)) });
  });

  router.post("/players/:id/unban", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.unban(operatorOf(res), accountId(req), bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  // Operator management: the service enforces who may act on whom (docs/admin.md).
  router.post("/players/:id/role", moderator, validateBody(SetRoleRequestSchema), async (req, res) => {
    const body = bodyOf(SetRoleRequestSchema, req.body);
    res.json({ ok: true, ...(await admin.setRole(operatorOf(res), accountId(req), body.role, body.reason)) });
  });

  router.post("/players/:id/disable", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.disable(operatorOf(res), accountId(req), bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  router.post("/players/:id/enable", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.enable(operatorOf(res), accountId(req), bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  router.post("/chat/messages/:messageId/delete", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.deleteMessage(operatorOf(res), parseParams(MessageParams, req).messageId, bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  router.post("/reports/:reportId/resolve", moderator, validateBody(ReasonRequestSchema), async (req, res) => {
    await admin.resolveReport(operatorOf(res), parseParams(ReportParams, req).reportId, bodyOf(ReasonRequestSchema, req.body).reason);
    res.json({ ok: true });
  });

  return router;
}
