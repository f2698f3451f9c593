import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@colyseus/core";
import type { Redis } from "ioredis";
import type { Config } from "./config";
import { openDatabase, type Database } from "./db/database";
import { createGatewayApp } from "./gateway/app";
import { systemClock, type Clock } from "./lib/clock";
import { createLogger, type Logger } from "./lib/logger";
import { createMetrics, type Metrics } from "./lib/metrics";
import { memoryLimiterStore, redisLimiterStore } from "./lib/rate-limit/flexible-limiter-store";
import type { LimiterStore } from "./lib/rate-limit/limiter";
import { connectRedis, redactUrl } from "./lib/redis";
import { AccountsRepo } from "./modules/accounts/accounts.repo";
import { AccountsService } from "./modules/accounts/accounts.service";
import { AccessTokens } from "./modules/auth/access-tokens";
import { AuthRepo } from "./modules/auth/auth.repo";
import { AuthService } from "./modules/auth/auth.service";
import { LoginThrottle } from "./modules/auth/login-throttle";
import { createArgon2Hasher, type PasswordHasher } from "./modules/auth/password-hasher";
import { PresenceSessionEvents } from "./realtime/account-channel";
import { createGameServer, shutdownGameServer, type HeartbeatOptions } from "./realtime/game-server";
import { createBackplane } from "./realtime/presence-factory";

export interface LobbyServer {
  readonly port: number;
  /** http://host:port of this process. */
  readonly url: string;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly services: { auth: AuthService; accounts: AccountsService };
  /** Stops accepting, closes rooms with SERVER_SHUTDOWN, finishes in-flight work, closes stores. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  limiterStore?: LimiterStore;
  hasher?: PasswordHasher;
  /** WebSocket ping cadence (default: every 3 s, 2 misses). Tests shorten it. */
  heartbeat?: HeartbeatOptions;
}

/** Composition root: config -> stores -> services -> gateway + game server -> listen. */
export async function startLobbyServer(config: Config, opts: StartOptions = {}): Promise<LobbyServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();

  const redis: Redis | undefined = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const db = await openDatabase(config.database, { migrate: config.migrateOnStart, logger }).catch(async (err) => {
    redis?.disconnect();
    throw err;
  });
  const backplane = createBackplane(config.redisUrl);
  const limiterStore = opts.limiterStore ?? (redis ? redisLimiterStore(redis) : memoryLimiterStore());

  const events = new PresenceSessionEvents(backplane.presence);
  const auth = new AuthService({
    repo: new AuthRepo(db.prisma),
    hasher: opts.hasher ?? createArgon2Hasher(),
    tokens: new AccessTokens(
      {
        secret: config.jwt.secret,
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        ttlSeconds: config.jwt.accessTtlSeconds,
      },
      clock,
    ),
    throttle: new LoginThrottle(limiterStore, config.loginLimits),
    events,
    clock,
    logger,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const accounts = new AccountsService(new AccountsRepo(db.prisma), auth, events, logger);

  let draining = false;
  const app = createGatewayApp({
    logger,
    metrics,
    trustProxy: config.trustProxy,
    auth,
    accounts,
    limiters: {
      register: limiterStore.create({ name: "register_ip", points: config.registerMaxPerIpPerHour, durationSeconds: 3600 }),
      token: limiterStore.create({ name: "token_ip", points: 60, durationSeconds: 60 }),
    },
    health: { pingDatabase: () => db.ping(), isDraining: () => draining, metricsToken: config.metricsToken },
  });

  const httpServer = http.createServer(app);
  httpServer.headersTimeout = 15_000;
  httpServer.requestTimeout = 30_000;
  const gameServer: Server = createGameServer({
    httpServer,
    heartbeat: opts.heartbeat,
    backplane,
    publicAddress: config.publicAddress,
    lobby: {
      auth,
      logger,
      metrics,
      clock,
      shardSize: config.lobby.shardSize,
      reconnectSeconds: config.lobby.reconnectSeconds,
      sessionSweepMs: config.lobby.sessionSweepSeconds * 1000,
    },
  });

  try {
    await gameServer.listen(config.port, config.host);
  } catch (err) {
    await db.close().catch(() => undefined);
    redis?.disconnect();
    throw err;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  logger.info(
    {
      port,
      database: db.kind,
      backplane: backplane.kind,
      redis: config.redisUrl ? redactUrl(config.redisUrl) : undefined,
    },
    "lobby server listening",
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      logger.info("shutting down: closing rooms and connections");
      await shutdownGameServer(gameServer, backplane);
      httpServer.closeIdleConnections();
      await new Promise<void>((resolve) => {
        if (!httpServer.listening) resolve();
        else httpServer.close(() => resolve());
        setTimeout(() => {
          httpServer.closeAllConnections();
          resolve();
        }, config.shutdownTimeoutMs).unref();
      });
      await db.close();
      redis?.disconnect();
      logger.info("shutdown complete");
    })();
    return closing;
  };

  return { port, url: `http://${host}:${port}`, db, logger, metrics, services: { auth, accounts }, close };
}
