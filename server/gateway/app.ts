import express, { type Express } from "express";
import helmet from "helmet";
import { Limits } from "../../shared/limits";
import type { Logger } from "../lib/logger";
import type { Metrics } from "../lib/metrics";
import type { Limiter } from "../lib/rate-limit/limiter";
import type { AccountsService } from "../modules/accounts/accounts.service";
import type { AuthService } from "../modules/auth/auth.service";
import { accessLog } from "./middleware/access-log";
import { errorHandler, notFound } from "./middleware/error-handler";
import { requestId } from "./middleware/request-id";
import { authRoutes } from "./routes/auth.routes";
import { healthRoutes, type HealthDeps } from "./routes/health.routes";
import { meRoutes } from "./routes/me.routes";

export interface GatewayDeps {
  logger: Logger;
  metrics: Metrics;
  trustProxy: boolean | number | string;
  auth: AuthService;
  accounts: AccountsService;
  limiters: { register: Limiter; token: Limiter };
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

  app.use(requestId);
  app.use(accessLog(deps.logger, deps.metrics));
  app.use(helmet());
  app.use(express.json({ limit: Limits.httpBodyMaxBytes, strict: true }));

  app.use(healthRoutes({ ...deps.health, metrics: deps.metrics }));
  app.use("/auth", authRoutes({ auth: deps.auth, registerLimiter: deps.limiters.register, tokenLimiter: deps.limiters.token }));
  app.use("/me", meRoutes({ auth: deps.auth, accounts: deps.accounts }));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
