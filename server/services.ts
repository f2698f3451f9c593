import crypto from "node:crypto";
import os from "node:os";
import type { Config } from "./config";
import type { Database } from "./db/database";
import type { Clock } from "./lib/clock";
import { CursorCodec } from "./lib/cursor";
import { AdmissionGate, type AdmissionObserver } from "./lib/admission-gate";
import type { Logger } from "./lib/logger";
import type { LimiterStore } from "./lib/rate-limit/limiter";
import { AccountsRepo } from "./modules/accounts/accounts.repo";
import { AccountsService } from "./modules/accounts/accounts.service";
import { AccessTokens } from "./modules/auth/access-tokens";
import { AuthRepo } from "./modules/auth/auth.repo";
import { AuthService } from "./modules/auth/auth.service";
import { LoginThrottle } from "./modules/auth/login-throttle";
import { admittedHasher, createArgon2Hasher, type PasswordHasher } from "./modules/auth/password-hasher";
import { BusSessionEvents } from "./modules/auth/session-events";
import type { AccountEventBus } from "./modules/events/account-events";
import { NotificationsRepo } from "./modules/notifications/notifications.repo";
import { NotificationsService } from "./modules/notifications/notifications.service";
import { PresenceRepo } from "./modules/presence/presence.repo";
import { PresenceService } from "./modules/presence/presence.service";
import type { ProcessRegistry } from "./modules/presence/process-registry";
import type { PresenceStore } from "./modules/presence/presence.store";
import { FriendsRepo } from "./modules/social/friends.repo";
import { FriendsService } from "./modules/social/friends.service";
import type { ChatTopics } from "./modules/chat/chat-events";
import { ChatRepo } from "./modules/chat/chat.repo";
import { ChatService } from "./modules/chat/chat.service";
import { MatchmakingRepo } from "./modules/matchmaking/matchmaking.repo";
import { BackfillRepo } from "./modules/matchmaking/backfill.repo";
import { BackfillService, type BackfillHandoff, type BackfillOutcome } from "./modules/matchmaking/backfill.service";
import { MatchNotices } from "./modules/matchmaking/match-notices";
import { SessionsRepo } from "./modules/auth/sessions.repo";
import { SessionsService } from "./modules/auth/sessions.service";
import { DeviceAuthRepo } from "./modules/auth/device-auth.repo";
import { DeviceAuthService } from "./modules/auth/device-auth.service";
import { AccountExportRepo } from "./modules/accounts/account-export.repo";
import { ProfileRepo } from "./modules/accounts/profile.repo";
import { ProfileService } from "./modules/accounts/profile.service";
import { AccountExportService } from "./modules/accounts/account-export.service";
import { EmailRecoveryRepo } from "./modules/auth/email-recovery.repo";
import { EmailRecoveryService } from "./modules/auth/email-recovery.service";
import type { Mailer } from "./modules/auth/mailer";
import { MatchmakingService, type MatchHandoff } from "./modules/matchmaking/matchmaking.service";
import { PartyRepo } from "./modules/parties/party.repo";
import { PartyCodesService } from "./modules/parties/party-codes.service";
import { PartyJoinRequestsService } from "./modules/parties/party-join-requests.service";
import { SpectatingService, type SpectatorSeats } from "./modules/matches/spectating.service";
import { PartiesService, type PartyQueuePort } from "./modules/parties/parties.service";
import { GameLobbyRepo } from "./modules/game-lobbies/game-lobby.repo";
import { GameLobbiesService } from "./modules/game-lobbies/game-lobbies.service";
import type { GameLobbyListings } from "./modules/game-lobbies/game-lobby-listings";
import { RatingsRepo } from "./modules/ratings/ratings.repo";
import { RatingsService } from "./modules/ratings/ratings.service";
import { AdminRepo } from "./modules/admin/admin.repo";
import { AdminService } from "./modules/admin/admin.service";
import { OperatorTokens } from "./modules/admin/operator-tokens";
import type { SessionCache } from "./modules/auth/session-cache";
import { JoinSnapshotRepo } from "./modules/lobby/join-snapshot.repo";
import type { JoinSnapshotSource } from "./modules/lobby/join-snapshot";
import { UNREAD_ON_JOIN } from "./modules/notifications/notifications.service";
import { JoinTicketSigner } from "./modules/fleet/join-tickets";
import { TicketKeyRing } from "./modules/fleet/ticket-keys";
import { FleetKeysService } from "./modules/fleet/fleet-keys.service";
import { FleetKeysRepo } from "./modules/fleet/fleet-keys.repo";
import { GameServersService } from "./modules/fleet/game-servers.service";
import { GameServersRepo } from "./modules/fleet/game-servers.repo";

export interface Services {
  /** This process' id in shared presence (connection registry). */
  processId: string;
  auth: AuthService;
  /** A player's own sessions (list, sign one out). */
  sessions: SessionsService;
  /** Guest accounts: device login and the upgrade to a full account. */
  deviceAuth: DeviceAuthService;
  /** GET /me/export: everything an account owns. */
  accountExport: AccountExportService;
  /** Email addresses and password resets by mail. */
  emailRecovery: EmailRecoveryService;
  accounts: AccountsService;
  /** Display names (PATCH /me) and how their changes reach everyone who shows the player. */
  profiles: ProfileService;
  friends: FriendsService;
  presence: PresenceService;
  notifications: NotificationsService;
  chat: ChatService;
  parties: PartiesService;
  partyCodes: PartyCodesService;
  partyJoins: PartyJoinRequestsService;
  spectating: SpectatingService;
  matchmaking: MatchmakingService;
  backfill: BackfillService;
  gameLobbies: GameLobbiesService;
  ratings: RatingsService;
  admin: AdminService;
  /** The lobby join's reads, in one statement. */
  joinSnapshots: JoinSnapshotSource;
  /** The keys dedicated game servers authenticate with. */
  fleetKeys: FleetKeysService;
  /** The registered dedicated game servers. */
  gameServers: GameServersService;
  /** Signs dedicated game servers' join tickets; absent in production without JOIN_TICKET_KEY_FILES. */
  joinTickets?: JoinTicketSigner;
}

export interface ServiceInputs {
  config: Config;
  db: Database;
  bus: AccountEventBus;
  presenceStore: PresenceStore;
  chatTopics: ChatTopics;
  processRegistry: ProcessRegistry;
  /** Starts a formed match on the realtime edge (its room and seat reservations). */
  matchHandoff: MatchHandoff & BackfillHandoff;
  spectatorSeats: SpectatorSeats;
  /** Lobby browsers' live listing updates (Presence pub/sub). */
  gameLobbyListings: GameLobbyListings;
  /** Observes each formed match (metrics). */
  onMatchFormed?: (mode: string, waitsSeconds: number[], quality: number) => void;
  /** Observes backfill seats' outcomes (metrics). */
  onBackfill?: (mode: string, outcome: BackfillOutcome) => void;
  limiterStore: LimiterStore;
  /** Recovery mail; absent when SMTP_URL is not set. */
  mailer?: Mailer;
  clock: Clock;
  logger: Logger;
  hasher?: PasswordHasher;
  /** Observes the login admission gate (metrics: admissionInFlight/Queued/Refused with gate "login"). */
  loginAdmission?: AdmissionObserver;
  /** Confirmed live sessions; the composition root invalidates it from revocation events. */
  sessionCache?: SessionCache;
}

/** A player hidden for less than this is not announced as "came online" again (a reconnect). */
const ONLINE_NOTIFICATION_DEBOUNCE_MS = 60_000;

/** Builds every service from its stores. No transport here: the edges get the result. */
export function createServices(i: ServiceInputs): Services {
  const { config, db, bus, clock, logger } = i;
  const processId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const cursors = new CursorCodec(config.jwt.secret);
  const sessionEvents = new BusSessionEvents(bus);

  const hasher = i.hasher ?? createArgon2Hasher(config.passwordHashCost);
  // One gate for every password hash of this process (player and operator logins, registrations,
  // password checks): its maxInFlight bounds the hashes at once, and so the per-IP overshoot.
  const loginAdmission = new AdmissionGate(config.admission.login, i.loginAdmission);
  // Hashes outside the player login path (operator logins, lobby passwords) pass the same gate.
  const gatedHasher = admittedHasher(hasher, (operation) => loginAdmission.run(operation));
  // One throttle, so player and operator logins share the same failure counts (as they do in Redis).
  const loginThrottle = new LoginThrottle(i.limiterStore, config.loginLimits);
  const sessionsRepo = new SessionsRepo(db.prisma);
  const auth = new AuthService({
    repo: new AuthRepo(db.prisma, db.sql),
    sessions: sessionsRepo,
    hasher,
    tokens: new AccessTokens(
      {
        secret: config.jwt.secret,
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        ttlSeconds: config.jwt.accessTtlSeconds,
      },
      clock,
    ),
    throttle: loginThrottle,
    admission: loginAdmission,
    events: sessionEvents,
    clock,
    logger,
    sessionTtlSeconds: config.sessionTtlSeconds,
    sessionCache: i.sessionCache,
  });
  const friendsRepo = new FriendsRepo(db.prisma);
  // Presence, parties and matchmaking need each other: a presence change re-sends the player's
  // party, a party change cancels its ticket, and matchmaking reads and refreshes parties. Each is
  // built with its dependencies; the two backward edges are ports forwarding to a service built
  // further down (called only once requests flow, after this function returned). Not events: the
  // caller waits for each (a leaving member's party hears "idle" before its new state, in order).
  const queue: PartyQueuePort = { cancelPartyTicket: (partyId, reason) => matchmaking.cancelPartyTicket(partyId, reason) };
  const notifications = new NotificationsService(new NotificationsRepo(db.prisma), bus, i.presenceStore, cursors, clock);
  const presence = new PresenceService({
    store: i.presenceStore,
    repo: new PresenceRepo(db.prisma),
    friends: friendsRepo,
    bus,
    notifications,
    clock,
    processId,
    registry: i.processRegistry,
    onlineNotificationDebounceMs: ONLINE_NOTIFICATION_DEBOUNCE_MS,
    onAnnounced: (accountId, partyId): Promise<void> => parties.memberPresenceChanged(accountId, partyId),
  });
  const friends = new FriendsService({
    repo: friendsRepo,
    presence,
    notifications,
    bus,
    cursors,
    clock,
    friendLimit: config.friendLimit,
  });
  const accounts = new AccountsService(new AccountsRepo(db.prisma), auth, friends, sessionEvents, logger);
  const chat = new ChatService({
    repo: new ChatRepo(db.prisma),
    friends,
    bus,
    topics: i.chatTopics,
    cursors,
    clock,
    logger,
    config: config.chat,
    publishTimeoutMs: config.redisCommandTimeoutMs,
  });
  const ratings = new RatingsService(new RatingsRepo(db.prisma), cursors);
  const partyRepo = new PartyRepo(db.prisma, db.sql);
  const parties = new PartiesService({
    repo: partyRepo,
    friends: friendsRepo,
    queue,
    bus,
    chat,
    presence,
    clock,
    logger,
    config: config.parties,
  });
  const partyCodes = new PartyCodesService({
    repo: partyRepo,
    parties,
    friends: friendsRepo,
    guesses: i.limiterStore.create({ name: "party_code_guess", points: config.partyCodes.guesses, durationSeconds: config.partyCodes.guessWindowSeconds }),
    clock,
    config: { ttlSeconds: config.partyCodes.ttlSeconds },
  });
  const partyJoins = new PartyJoinRequestsService({
    repo: partyRepo,
    parties,
    friends: friendsRepo,
    presence,
    limiter: i.limiterStore.create({ name: "party_join_request", points: config.partyJoinRequests.perMinute, durationSeconds: 60 }),
    clock,
    config: { ttlSeconds: config.partyJoinRequests.ttlSeconds, maxSize: config.parties.maxSize },
  });
  const matchmakingRepo = new MatchmakingRepo(db.prisma, db.sql);
  const spectating = new SpectatingService({
    matches: matchmakingRepo,
    joinPolicies: partyRepo,
    friends: friendsRepo,
    seats: i.spectatorSeats,
    config: config.matchRoom.spectators,
  });
  const gameLobbyRepo = new GameLobbyRepo(db.prisma, db.sql);
  const gameLobbies = new GameLobbiesService({
    repo: gameLobbyRepo,
    matchmaking: {
      busyAny: async (ids) =>
        (await matchmakingRepo.activeMatchOfAny(ids)) !== null || (await Promise.all(ids.map((id) => matchmakingRepo.ticketOf(id)))).some((t) => t !== null),
      // A backward edge like `queue` above: matchmaking is built below, called only once requests flow.
      cancelMatch: (matchId, reason) => matchmaking.matchCancelled(matchId, [], reason),
    },
    ratings,
    handoff: i.matchHandoff,
    hasher: gatedHasher,
    bus,
    listings: i.gameLobbyListings,
    presence,
    creates: i.limiterStore.create({ name: "game_lobby_create", points: config.gameLobbies.createsPerMinute, durationSeconds: 60 }),
    failedJoins: i.limiterStore.create({ name: "game_lobby_failed_join", points: config.gameLobbies.failedJoinsPerMinute, durationSeconds: 60 }),
    cursors,
    clock,
    logger,
    config: {
      modes: config.matchmaking.modes,
      regions: config.matchmaking.regions,
      ratedModes: config.gameLobbies.ratedModes,
      joinDeadlineSeconds: config.matchmaking.joinDeadlineSeconds,
    },
  });
  const matchNotices = new MatchNotices({ bus, presence, names: (ids) => matchmakingRepo.names(ids), logger });
  const backfill = new BackfillService({
    repo: new BackfillRepo(db.prisma),
    handoff: i.matchHandoff,
    ratings,
    blocks: matchmakingRepo,
    spectating,
    notices: matchNotices,
    names: (ids) => matchmakingRepo.names(ids),
    clock,
    logger,
    config: config.matchmaking,
    onOutcome: i.onBackfill,
  });
  const matchmaking = new MatchmakingService({
    repo: matchmakingRepo,
    notices: matchNotices,
    backfill,
    gameLobbies: { inLobbyAny: (ids) => gameLobbyRepo.anySeated(ids) },
    parties,
    spectating,
    handoff: i.matchHandoff,
    ratings,
    clock,
    logger,
    config: config.matchmaking,
    processId,
    onMatchFormed: i.onMatchFormed,
  });
  const adminRepo = new AdminRepo(db.prisma);
  const gameServersRepo = new GameServersRepo(db.prisma);
  const fleetKeys = new FleetKeysService({
    repo: new FleetKeysRepo(db.prisma),
    audit: adminRepo,
    servers: gameServersRepo,
    modes: config.matchmaking.modes.map((m) => m.id),
    regions: config.matchmaking.regions,
    clock,
  });
  const gameServers = new GameServersService({
    repo: gameServersRepo,
    audit: adminRepo,
    modes: config.matchmaking.modes.map((m) => m.id),
    regions: config.matchmaking.regions,
    heartbeatSeconds: config.fleetHeartbeatSeconds,
    clock,
  });
  const admin = new AdminService({
    repo: adminRepo,
    hasher: gatedHasher,
    tokens: new OperatorTokens(
      { secret: config.jwt.secret, issuer: config.jwt.issuer, audience: config.admin.audience, ttlSeconds: config.admin.tokenTtlSeconds },
      clock,
    ),
    throttle: loginThrottle,
    chat,
    bus,
    presence: i.presenceStore,
    matchmaking,
    gameLobbies,
    cursors,
    clock,
    logger,
  });
  const joinSnapshots = new JoinSnapshotRepo(db.sql, UNREAD_ON_JOIN);
  const sessions = new SessionsService(sessionsRepo, sessionEvents, clock);
  const profiles = new ProfileService({
    repo: new ProfileRepo(db.prisma),
    bus,
    changes: { presence, parties, gameLobbies },
    renames: i.limiterStore.create({ name: "display_name_change", points: config.displayNameChangesPerHour, durationSeconds: 3600 }),
    logger,
  });
  const deviceAuth = new DeviceAuthService({
    repo: new DeviceAuthRepo(db.prisma),
    auth,
    hasher: gatedHasher,
    // A guest is an account: new guests per IP are held to the registration limit.
    creations: i.limiterStore.create({ name: "guest_create_ip", points: config.registerMaxPerIpPerHour, durationSeconds: 3600 }),
    enabled: config.guestAccounts,
    profiles,
    clock,
    logger,
  });
  const accountExport = new AccountExportService(new AccountExportRepo(db.prisma), clock);
  const emailRecovery = new EmailRecoveryService({
    repo: new EmailRecoveryRepo(db.prisma),
    mailer: i.mailer,
    hasher: gatedHasher,
    events: sessionEvents,
    resetsPerAddress: i.limiterStore.create({ name: "password_reset_address", points: 3, durationSeconds: 3600 }),
    linkBase: { verify: `${config.mail.linkBase}/verify-email`, reset: `${config.mail.linkBase}/reset-password` },
    clock,
    logger,
  });
  const joinTickets = joinTicketSigner(config, clock);
  return { processId, auth, sessions, deviceAuth, accountExport, emailRecovery, accounts, profiles, friends, presence, notifications, chat, parties, partyCodes, partyJoins, spectating, matchmaking, backfill, gameLobbies, ratings, admin, joinSnapshots, fleetKeys, gameServers, joinTickets };
}

function joinTicketSigner(config: Config, clock: Clock): JoinTicketSigner | undefined {
  const { keyFiles, ttlSeconds } = config.joinTickets;
  if (!keyFiles) return undefined;
  const keys = keyFiles === "development" ? TicketKeyRing.development(config.dataDir) : TicketKeyRing.fromFiles(keyFiles);
  return new JoinTicketSigner(keys, clock, { issuer: config.jwt.issuer, ttlSeconds });
}
