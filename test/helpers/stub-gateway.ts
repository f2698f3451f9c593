import type { GameLobbiesService } from "../../server/modules/game-lobbies/game-lobbies.service";
import type { PartyJoinRequestsService } from "../../server/modules/parties/party-join-requests.service";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createGatewayApp, type GatewayDeps } from "../../server/gateway/app";
import { createMetrics } from "../../server/lib/metrics";
import { memoryLimiterStore } from "../../server/lib/rate-limit/flexible-limiter-store";
import type { GameServersService } from "../../server/modules/fleet/game-servers.service";
import type { FleetKeysService } from "../../server/modules/fleet/fleet-keys.service";
import type { ProfileService } from "../../server/modules/accounts/profile.service";
import type { AccountsService } from "../../server/modules/accounts/accounts.service";
import type { SessionsService } from "../../server/modules/auth/sessions.service";
import type { DeviceAuthService } from "../../server/modules/auth/device-auth.service";
import type { AccountExportService } from "../../server/modules/accounts/account-export.service";
import type { EmailRecoveryService } from "../../server/modules/auth/email-recovery.service";
import type { AuthService } from "../../server/modules/auth/auth.service";
import type { ChatService } from "../../server/modules/chat/chat.service";
import type { NotificationsService } from "../../server/modules/notifications/notifications.service";
import type { RatingsService } from "../../server/modules/ratings/ratings.service";
import type { FriendsService } from "../../server/modules/social/friends.service";
import { captureLogs, type LogCapture } from "./log-capture";

export interface StubGateway {
  url: string;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * The real HTTP edge (createGatewayApp: middleware, routes, error mapping) in front of stub
 * services, listening on port 0. For edge behaviour a real service cannot be made to show, such
 * as an unexpected exception. Stubbed methods not given throw "not stubbed".
 */
export async function startStubGateway(stubs: { auth?: Partial<AuthService>; accounts?: Partial<AccountsService> }): Promise<StubGateway> {
  const notStubbed = (what: string) =>
    new Proxy({}, { get: (target, prop) => (prop in target ? Reflect.get(target, prop) : () => Promise.reject(new Error(`${what}.${String(prop)} not stubbed`))) });
  const logs = captureLogs();
  const limiters = memoryLimiterStore();
  const deps: GatewayDeps = {
    logger: logs.logger,
    metrics: createMetrics(),
    trustProxy: false,
    auth: Object.assign(notStubbed("auth"), stubs.auth) as AuthService,
    sessions: notStubbed("sessions") as SessionsService,
    deviceAuth: notStubbed("deviceAuth") as DeviceAuthService,
    accountExport: notStubbed("accountExport") as AccountExportService,
    emailRecovery: notStubbed("emailRecovery") as EmailRecoveryService,
    accounts: Object.assign(notStubbed("accounts"), stubs.accounts) as AccountsService,
    profiles: notStubbed("profiles") as ProfileService,
    fleetKeys: notStubbed("fleetKeys") as FleetKeysService,
    gameServers: notStubbed("gameServers") as GameServersService,
    ticketIssuer: "lobby",
    friends: notStubbed("friends") as FriendsService,
    notifications: notStubbed("notifications") as NotificationsService,
    chat: notStubbed("chat") as ChatService,
    partyJoins: notStubbed("partyJoins") as PartyJoinRequestsService,
    ratings: notStubbed("ratings") as RatingsService,
    gameLobbies: notStubbed("gameLobbies") as GameLobbiesService,
    limiters: {
      register: limiters.create({ name: "register", points: 1000, durationSeconds: 60 }),
      token: limiters.create({ name: "token", points: 1000, durationSeconds: 60 }),
      socialWrite: limiters.create({ name: "social", points: 1000, durationSeconds: 60 }),
      chatHistory: limiters.create({ name: "chat_history", points: 1000, durationSeconds: 60 }),
      accountExport: limiters.create({ name: "account_export", points: 1000, durationSeconds: 60 }),
      fleet: limiters.create({ name: "fleet", points: 1000, durationSeconds: 60 }),
      fleetIp: limiters.create({ name: "fleet_ip", points: 1000, durationSeconds: 60 }),
    },
    health: { pingDatabase: async () => undefined, isDraining: () => false, metricsToken: undefined },
  };
  const server = http.createServer(createGatewayApp(deps));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
