import http from "node:http";
import type { AddressInfo } from "node:net";
import { matchMaker, type Server } from "@colyseus/core";
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
import type { PasswordHasher } from "./modules/auth/password-hasher";
import { PresenceAccountEventBus, SESSIONS_ENDED_CHANNEL, type SessionsEndedNotice } from "./backplane/presence-account-event-bus";
import { AdmissionGate } from "./lib/admission-gate";
import { admissionObserver } from "./lib/metrics";
import { SessionCache } from "./modules/auth/session-cache";
import { JoinAdmission } from "./realtime/join-admission";
import { healthzFastPath } from "./gateway/healthz-fast-path";
import { guardMatchmake } from "./realtime/matchmake-guard";
import { captureHelmetHeaders } from "./gateway/middleware/security-headers";
import { PresenceApiStore } from "./backplane/presence-api-store";
import { chatNamespace, PresenceChatTopics } from "./backplane/presence-chat-topics";
import { PresenceGameLobbyListings } from "./backplane/presence-game-lobby-listings";
import { PresenceProcessRegistry } from "./backplane/presence-process-registry";
import { LocalProcessRegistry } from "./backplane/local-process-registry";
import { SmtpMailer } from "./lib/smtp-mailer";
import { BackplaneHealth } from "./backplane/backplane-health";
import { WeakListeners } from "./realtime/weak-listeners";
import type { Resyncable } from "./realtime/rooms/lobby.room";
import { AccountEventOutbox } from "./backplane/account-event-outbox";
import { lobbyFeatures } from "./realtime/lobby/features";
import { ColyseusSpectatorSeats } from "./realtime/spectating/spectator-seats";
import { ColyseusMatchHandoff } from "./realtime/match-handoff";
import { createServices, type Services } from "./services";
import { lobbyBackgroundTasks } from "./background-tasks";
import { createGameServer, shutdownGameServer, type HeartbeatOptions } from "./realtime/game-server";
import { createBackplane } from "./backplane/backplane";

export interface LobbyServer {
  readonly port: number;
  /** http://host:port of this process. */
  readonly url: string;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly services: Services;
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
  /** How often a lobby shard's client count reaches its players (default 1000 ms). Tests shorten it. */
  shardCountEveryMs?: number;
}

/**
 * GET /healthz ahead of every other request listener: Colyseus' own listener (CORS headers built
 * from a copy of the request's headers, its router's lookup) runs before Express for every request,
 * and a liveness probe needs none of it.
 */
function answerHealthzFirst(server: http.Server, answer: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): void {
  const listeners = server.listeners("request") as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (answer(req, res)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** The CORS headers Colyseus' request listener sets on every response (ours do not depend on the request). */
function colyseusCorsHeaders(): Record<string, string> {
  const { controller } = matchMaker;
  return Object.fromEntries(
    Object.entries({ ...controller.DEFAULT_CORS_HEADERS, ...controller.getCorsHeaders(new Headers()) }).map(([k, v]) => [k, String(v)]),
  );
}

/** How long one SMTP step (connect, greeting, each command) may take. */
const MAIL_TIMEOUT_MS = 10_000;

/**
 * Stops `server` accepting and resolves once its last connection has ended: idle keep-alive ones
 * at once, in-flight responses when they finish, and whatever is still open after `timeoutMs` is
 * destroyed. Colyseus' transport shutdown has usually called close() already: `listening` is then
 * false while connections may still be open (a response its client is slow to read), so this
 * waits for the server's 'close' (emitted once closed and drained), not for `listening`; resolving
 * early would leave those sockets, and the heartbeat that stops on 'close', running past close().
 */
function closeHttpServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let deadline: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(deadline);
      server.off("close", done);
      resolve();
    };
    server.once("close", done);
    if (server.listening) server.close();
    server.closeIdleConnections();
    deadline = setTimeout(() => {
      server.closeAllConnections();
      done();
    }, timeoutMs);
    // Already closed and drained: its 'close' may have been emitted before we listened.
    server.getConnections((err, count) => {
      if (!err && count === 0 && !server.listening) done();
    });
  });
}

/** Sessions a process keeps confirmed at most (a few hundred bytes each). */
const SESSION_CACHE_MAX_ENTRIES = 100_000;
/** Colyseus' seat reservation time (15 s): a join slot is held at most this long for its WebSocket. */
const SEAT_RESERVATION_MS = 15_000;

/** Account events a process holds at most while Redis is away (a few hundred bytes each). */
const ACCOUNT_EVENTS_QUEUED_MAX = 20_000;

/** Idle presence hashes in Redis expire after this long (30 days). */
const PRESENCE_TTL_SECONDS = 30 * 24 * 3600;

/** Composition root: config -> stores -> services -> gateway + game server -> listen. */
export async function startLobbyServer(config: Config, opts: StartOptions = {}): Promise<LobbyServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();

  const redis: Redis | undefined = config.redisUrl ? await connectRedis(config.redisUrl, 5_000, config.redisCommandTimeoutMs) : undefined;
  const db = await openDatabase(config.database, { migrate: config.migrateOnStart, logger }).catch(async (err) => {
    redis?.disconnect();
    throw err;
  });
  const sessionCache = new SessionCache(config.sessionCacheSeconds * 1000, SESSION_CACHE_MAX_ENTRIES, clock);
  const lobbyResyncs = new WeakListeners<Resyncable>();
  // Whatever was published while the subscriber was away never arrived here: ended sessions
  // (so the session cache starts over), chat and account events (every lobby room's streams catch
  // up from the database and its connections are refreshed).
  const backplane = createBackplane(config.redisUrl, config.redisCommandTimeoutMs, () => {
    sessionCache.clear();
    lobbyResyncs.forEach((room) => void room.resync());
  });
  metrics.backplaneUp.set(1);
  const backplaneHealth = new BackplaneHealth(
    [...backplane.connections, ...(redis ? [{ name: "rate-limits", redis }] : [])],
    { everyMs: Math.min(1_000, config.redisCommandTimeoutMs), timeoutMs: config.redisCommandTimeoutMs },
    logger,
    {
      changed(up) {
        metrics.backplaneUp.set(up ? 1 : 0);
        if (!up) metrics.backplaneOutages.inc();
      },
    },
  );
  const limiterStore = opts.limiterStore ?? (redis ? redisLimiterStore(redis) : memoryLimiterStore());

  const onSessionsEnded = (notice: SessionsEndedNotice) => sessionCache.invalidate(notice.accountId, notice.sessionIds);
  const outbox =
    backplane.kind === "redis"
      ? new AccountEventOutbox((channel, message) => backplane.presence.publish(channel, message), { timeoutMs: config.redisCommandTimeoutMs, maxQueued: ACCOUNT_EVENTS_QUEUED_MAX }, logger, {
          queued: (n) => metrics.accountEventsQueued.set(n),
          dropped: () => metrics.accountEventsDropped.inc(),
        })
      : undefined;
  const bus = new PresenceAccountEventBus(backplane.presence, onSessionsEnded, outbox);
  const presenceStore = new PresenceApiStore(backplane.presence, backplane.kind === "redis" ? PRESENCE_TTL_SECONDS : undefined);
  const chatTopics = new PresenceChatTopics(backplane.presence, chatNamespace(config.redisUrl));
  // One process has no peers to reap: an O(1) in-memory registry instead of LocalPresence's array sets.
  const processRegistry = backplane.kind === "redis" ? new PresenceProcessRegistry(backplane.presence) : new LocalProcessRegistry(clock);
  const gameLobbyListings = new PresenceGameLobbyListings(backplane.presence, chatNamespace(config.redisUrl), config.redisCommandTimeoutMs, logger);
  const mailer = config.mail.smtpUrl ? new SmtpMailer(config.mail.smtpUrl, config.mail.from, MAIL_TIMEOUT_MS) : undefined;
  if (!mailer) logger.info("mail is disabled (SMTP_URL is not set): email addresses and password resets answer mail_disabled");
  const services = createServices({
    gameLobbyListings,
    config,
    db,
    bus,
    presenceStore,
    chatTopics,
    processRegistry,
    matchHandoff: new ColyseusMatchHandoff(bus),
    mailer,
    spectatorSeats: new ColyseusSpectatorSeats(),
    limiterStore,
    clock,
    logger,
    hasher: opts.hasher,
    sessionCache,
    loginAdmission: admissionObserver(metrics, "login"),
    onMatchFormed: (mode, waits, quality) => {
      metrics.matchesFormed.inc({ mode });
      for (const w of waits) metrics.matchWait.observe({ mode }, w);
      metrics.matchQuality.observe({ mode }, quality);
    },
    onBackfill: (mode, outcome) => metrics.backfills.inc({ mode, outcome }),
  });
  const { auth, accounts, friends, presence, notifications, chat, parties, partyCodes, partyJoins, spectating, matchmaking, ratings } = services;
  metrics.sources.queueWaiting = () => matchmaking.waitingCounts();
  metrics.sources.dbQueries = () => db.queries.total;
  metrics.sources.chatDeferredStreams = () => chat.publisher.deferredCount;
  await chat.init();
  // Other processes' revocations (this process' own are applied as they are published).
  await backplane.presence.subscribe(SESSIONS_ENDED_CHANNEL, onSessionsEnded);
  const joinAdmission = new JoinAdmission(
    new AdmissionGate(config.admission.join, admissionObserver(metrics, "join")),
    SEAT_RESERVATION_MS,
    backplane.presence,
    services.processId,
  );
  await joinAdmission.start();
  if (config.admin.username && config.admin.password) {
    const op = await services.admin.ensureOperator(config.admin.username, config.admin.password, "admin");
    logger.info({ operatorId: op.id, created: op.created }, "operator account from ADMIN_USERNAME ready");
  }

  let draining = false;
  const app = createGatewayApp({
    logger,
    metrics,
    trustProxy: config.trustProxy,
    auth,
    sessions: services.sessions,
    deviceAuth: services.deviceAuth,
    accountExport: services.accountExport,
    emailRecovery: services.emailRecovery,
    accounts,
    profiles: services.profiles,
    joinTickets: services.joinTickets,
    fleetKeys: services.fleetKeys,
    gameServers: services.gameServers,
    ticketIssuer: config.jwt.issuer,
    friends,
    notifications,
    chat,
    partyJoins,
    ratings: services.ratings,
    gameLobbies: services.gameLobbies,
    admin: services.admin,
    devTools: config.env !== "production",
    limiters: {
      register: limiterStore.create({ name: "register_ip", points: config.registerMaxPerIpPerHour, durationSeconds: 3600 }),
      token: limiterStore.create({ name: "token_ip", points: 60, durationSeconds: 60 }),
      socialWrite: limiterStore.create({ name: "social_write_account", points: 60, durationSeconds: 60 }),
      // A history page reads and sends up to 100 messages: 120 pages a minute per account, on every process together.
      chatHistory: limiterStore.create({ name: "chat_history_account", points: 120, durationSeconds: 60 }),
      // An export reads everything the account owns (up to 10,000 rows per list): a few an hour.
      accountExport: limiterStore.create({ name: "account_export", points: config.accountExportsPerHour, durationSeconds: 3600 }),
      // A game server beats every few seconds and reports per match: 600 calls a minute per fleet key, on every process together.
      fleet: limiterStore.create({ name: "fleet_key", points: 600, durationSeconds: 60 }),
      // Before the key is looked up; a whole fleet may sit behind one NAT address.
      fleetIp: limiterStore.create({ name: "fleet_ip", points: config.fleetRequestsPerIpPerMinute, durationSeconds: 60 }),
    },
    health: {
      pingDatabase: () => db.ping(),
      isDraining: () => draining,
      isBackplaneUp: backplane.kind === "redis" ? () => backplaneHealth.isUp : undefined,
      metricsToken: config.metricsToken,
    },
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
      shardCountEveryMs: opts.shardCountEveryMs ?? 1000,
      features: lobbyFeatures({ presence, notifications, chat, parties, partyCodes, partyJoins, spectating, matchmaking, gameLobbies: services.gameLobbies, gameLobbyListingChannel: gameLobbyListings.channelOf, chatJoins: config.chat.joins, limiterStore, chatTopicChannel: chatTopics.channelOf, logger, clock }),
      joinSnapshots: services.joinSnapshots,
      admission: joinAdmission,
      resyncs: lobbyResyncs,
    },
    match: { matchmaking, backfill: services.backfill, ratings, clock, logger, metrics, config: config.matchRoom, processId: services.processId },
  });

  // Colyseus' listen() only settles from the listening callback: a bind error (EADDRINUSE) goes to
  // the transport's own logging 'error' listener and the promise never settles. Fail the start instead.
  let onListenError: ((err: Error) => void) | undefined;
  const listenFailed = new Promise<never>((_, reject) => httpServer.once("error", (onListenError = reject)));
  try {
    await Promise.race([gameServer.listen(config.port, config.host), listenFailed]);
    httpServer.off("error", onListenError!);
    guardMatchmake(httpServer, colyseusCorsHeaders());
    answerHealthzFirst(httpServer, healthzFastPath(metrics, captureHelmetHeaders(), colyseusCorsHeaders()));
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

  const background = lobbyBackgroundTasks({
    services,
    config,
    logger,
    liveness: backplane.kind === "redis" ? { registry: processRegistry } : undefined,
    backplaneHealth,
  });
  background.start();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      await background.stop();
      chat.publisher.stop();
      outbox?.stop();
      await matchmaking.releaseQueues().catch((err) => logger.warn({ err }, "releasing queue leases failed"));
      logger.info("shutting down: closing rooms and connections");
      await shutdownGameServer(gameServer, backplane);
      await closeHttpServer(httpServer, config.shutdownTimeoutMs);
      await db.close();
      mailer?.close();
      redis?.disconnect();
      logger.info("shutdown complete");
    })();
    return closing;
  };

  return { port, url: `http://${host}:${port}`, db, logger, metrics, services, close };
}
