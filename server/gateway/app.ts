import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express } from "express";
import helmet from "helmet";
import { Limits } from "../../shared/limits";
import type { Logger } from "../lib/logger";
import type { Metrics } from "../lib/metrics";
import type { Limiter } from "../lib/rate-limit/limiter";
import type { AccountsService } from "../modules/accounts/accounts.service";
import type { ProfileService } from "../modules/accounts/profile.service";
import type { JoinTicketSigner } from "../modules/fleet/join-tickets";
import type { FleetKeysService } from "../modules/fleet/fleet-keys.service";
import type { GameServersService } from "../modules/fleet/game-servers.service";
import { fleetRoutes, jwksHandler } from "./routes/fleet.routes";
import type { AuthService } from "../modules/auth/auth.service";
import type { SessionsService } from "../modules/auth/sessions.service";
import type { DeviceAuthService } from "../modules/auth/device-auth.service";
import type { AccountExportService } from "../modules/accounts/account-export.service";
import type { EmailRecoveryService } from "../modules/auth/email-recovery.service";
import type { ChatService } from "../modules/chat/chat.service";
import type { NotificationsService } from "../modules/notifications/notifications.service";
import type { RatingsService } from "../modules/ratings/ratings.service";
import type { FriendsService } from "../modules/social/friends.service";
import { accessLog } from "./middleware/access-log";
import { errorHandler, notFound } from "./middleware/error-handler";
import { refuseNulCharacters } from "./middleware/refuse-nul";
import { requestId } from "./middleware/request-id";
import { captureHelmetHeaders } from "./middleware/security-headers";
import { healthzFastPath } from "./healthz-fast-path";
import { authRoutes } from "./routes/auth.routes";
import { healthRoutes, type HealthDeps } from "./routes/health.routes";
import { meRoutes } from "./routes/me.routes";
import { blocksRoutes, friendsRoutes } from "./routes/friends.routes";
import { notificationsRoutes } from "./routes/notifications.routes";
import { chatRoutes } from "./routes/chat.routes";
import { matchesRoutes } from "./routes/matches.routes";
import { gameLobbiesRoutes } from "./routes/game-lobbies.routes";
import type { GameLobbiesService } from "../modules/game-lobbies/game-lobbies.service";
import type { PartyJoinRequestsService } from "../modules/parties/party-join-requests.service";
import { settingsRoutes } from "./routes/settings.routes";
import { devPlayground } from "../dev-playground";
import { adminRoutes } from "./routes/admin.routes";
import { adminMonitorRoutes } from "./routes/admin-monitor.routes";
import { adminPageRoutes } from "./routes/admin-page.routes";
import { playPageRoutes } from "./routes/play-page.routes";
import type { AdminService } from "../modules/admin/admin.service";

export interface GatewayDeps {
  logger: Logger;
  metrics: Metrics;
  trustProxy: boolean | number | string;
  auth: AuthService;
  sessions: SessionsService;
  deviceAuth: DeviceAuthService;
  accountExport: AccountExportService;
  emailRecovery: EmailRecoveryService;
  accounts: AccountsService;
  profiles: ProfileService;
  /** Join tickets for dedicated game servers (their public keys at /.well-known/jwks.json). */
  joinTickets?: JoinTicketSigner;
  fleetKeys: FleetKeysService;
  gameServers: GameServersService;
  /** The `iss` of join tickets (JWT_ISSUER). */
  ticketIssuer: string;
  friends: FriendsService;
  notifications: NotificationsService;
  chat: ChatService;
  partyJoins: PartyJoinRequestsService;
  ratings: RatingsService;
  gameLobbies: GameLobbiesService;
  /** The operator API (/admin/api); absent in gateways built without it. */
  admin?: AdminService;
  /** Development tools (@colyseus/playground at /playground): true only outside production. */
  devTools?: boolean;
  limiters: { register: Limiter; token: Limiter; socialWrite: Limiter; chatHistory: Limiter; accountExport: Limiter; fleet: Limiter; fleetIp: Limiter };
  health: Omit<HealthDeps, "metrics">;
}

/** The HTTP edge, built without listen() so tests and the game server share one http.Server. */
export function createGatewayApp(deps: GatewayDeps): Express {
  // Named `app` with mountpath "/": Colyseus finds it among the server's request listeners and
  // falls back to it for every route that is not its own /matchmake/*.
  const app = express();
  app.set("trust proxy", deps.trustProxy);
  app.set("x-powered-by", false);
  app.set("etag", false);

  // Measured per request (bench/lib/http-middleware-micro.ts): request-id ~1 µs, access log
  // ~11 µs (half of it pino's redaction), helmet ~2-3 µs (its twelve setHeader calls; computing
  // the values once saved nothing measurable), express.json on a request without a body ~0.
  app.use(requestId);
  app.use(accessLog(deps.logger, deps.metrics));
  app.use(helmet());
  // Before the JSON parser: the playground reads its own bodies.
  const playground = deps.devTools ? devPlayground(deps.logger) : undefined;
  if (playground) app.use("/playground", playground);
  app.use(express.json({ limit: Limits.httpBodyMaxBytes, strict: true }));
  app.use(refuseNulCharacters);

  app.use(healthRoutes({ ...deps.health, metrics: deps.metrics }));
  app.get("/.well-known/jwks.json", jwksHandler(deps.joinTickets));
  app.use("/fleet", fleetRoutes({ fleetKeys: deps.fleetKeys, gameServers: deps.gameServers, limiter: deps.limiters.fleet, ipLimiter: deps.limiters.fleetIp, ticketIssuer: deps.ticketIssuer }));
  app.use("/auth", authRoutes({ auth: deps.auth, deviceAuth: deps.deviceAuth, emailRecovery: deps.emailRecovery, registerLimiter: deps.limiters.register, tokenLimiter: deps.limiters.token }));
  app.use("/me/settings", settingsRoutes({ auth: deps.auth, chat: deps.chat, partyJoins: deps.partyJoins }));
  app.use("/me", meRoutes({ auth: deps.auth, sessions: deps.sessions, deviceAuth: deps.deviceAuth, accounts: deps.accounts, profiles: deps.profiles, accountExport: deps.accountExport, exportLimiter: deps.limiters.accountExport, emailRecovery: deps.emailRecovery, emailLimiter: deps.limiters.token }));
  const social = { auth: deps.auth, friends: deps.friends, writeLimiter: deps.limiters.socialWrite };
  app.use("/friends", friendsRoutes(social));
  app.use("/blocks", blocksRoutes(social));
  app.use("/notifications", notificationsRoutes({ auth: deps.auth, notifications: deps.notifications }));
  app.use("/chat", chatRoutes({ auth: deps.auth, chat: deps.chat, historyLimiter: deps.limiters.chatHistory }));
  // GET /matches/history, /ratings, /players/:accountId/ratings (auth per route: mounted at the root).
  app.use(matchesRoutes({ auth: deps.auth, ratings: deps.ratings }));
  app.use("/lobbies", gameLobbiesRoutes({ auth: deps.auth, gameLobbies: deps.gameLobbies }));

  // POST /admin/api/monitor-ticket and the cookie-gated @colyseus/monitor at /admin/monitor.
  if (deps.admin) app.use("/admin", adminMonitorRoutes({ admin: deps.admin, auth: deps.auth }));
  if (deps.admin) app.use("/admin/api", adminRoutes({ admin: deps.admin, auth: deps.auth, fleetKeys: deps.fleetKeys, gameServers: deps.gameServers, loginLimiter: deps.limiters.token, gameLobbies: deps.gameLobbies }));
  // The operator console's static page (GET /admin), under a strict CSP.
  app.use("/admin", adminPageRoutes());
  // The player web client (GET /play), under the same CSP.
  app.use("/play", playPageRoutes());

  app.use(notFound);
  app.use(errorHandler(deps.logger));

  // GET /healthz is answered before the stack. Both ways into the app lead here: http.Server
  // calls app(req, res), which calls app.handle; Colyseus' router calls app.handle directly.
  const answerHealthz = healthzFastPath(deps.metrics, captureHelmetHeaders());
  const withStack = app as unknown as { handle: StackHandle };
  const stack = withStack.handle;
  withStack.handle = function handle(this: unknown, req, res, callback) {
    if (answerHealthz(req, res)) return;
    stack.call(this, req, res, callback);
  };
  return app;
}

type StackHandle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void;
