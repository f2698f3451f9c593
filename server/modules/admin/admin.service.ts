import type { AccountRole, AdminLoginResponse, AdminOverview, AdminPlayerDetail, AdminReport, AdminRooms, Operator, OperatorRole } from "../../../shared/schemas/admin";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import type { Logger } from "../../lib/logger";
import type { LoginThrottle } from "../auth/login-throttle";
import type { PasswordHasher } from "../auth/password-hasher";
import type { ChatModeration } from "../chat/chat-moderation";
import type { AccountEventBus } from "../events/account-events";
import type { MatchmakingService } from "../matchmaking/matchmaking.service";
import type { PresenceStore } from "../presence/presence.store";
import { AdminActions } from "./admin-actions";
import { AdminViews } from "./admin-views";
import type { AdminRepo } from "./admin.repo";
import { OperatorAuth, type OperatorContext } from "./operator-auth";
import type { OperatorTokens } from "./operator-tokens";

export { ensureOperatorAccount, type OperatorContext } from "./operator-auth";

export interface AdminServiceDeps {
  repo: AdminRepo;
  hasher: PasswordHasher;
  tokens: OperatorTokens;
  throttle: LoginThrottle;
  chat: Pick<ChatModeration, "mute" | "deleteMessage">;
  bus: AccountEventBus;
  presence: PresenceStore;
  matchmaking: Pick<MatchmakingService, "stats">;
  gameLobbies: { close(lobbyId: string): Promise<boolean> };
  cursors: CursorCodec;
  clock: Clock;
  logger: Logger;
}

/**
 * The operator console, composed of its three parts (each usable on its own): `auth` (operator
 * login and per-request token checks), `views` (read models) and `actions` (moderator actions,
 * each audited). This class keeps the one surface the admin routes call.
 */
export class AdminService {
  readonly auth: OperatorAuth;
  readonly views: AdminViews;
  readonly actions: AdminActions;

  constructor(d: AdminServiceDeps) {
    this.auth = new OperatorAuth(d);
    this.views = new AdminViews(d);
    this.actions = new AdminActions(d);
  }

  // --- operators -------------------------------------------------------------------------------
  ensureOperator(username: string, password: string, role: OperatorRole): Promise<{ id: string; created: boolean }> {
    return this.auth.ensureOperator(username, password, role);
  }
  login(username: string, password: string, ip: string): Promise<AdminLoginResponse> {
    return this.auth.login(username, password, ip);
  }
  authenticate(token: string): Promise<OperatorContext | "expired" | "invalid"> {
    return this.auth.authenticate(token);
  }
  me(op: OperatorContext): { operator: Operator } {
    return this.auth.me(op);
  }

  // --- read models -----------------------------------------------------------------------------
  overview(live: Pick<AdminOverview, "playersOnline" | "connectionsByProcess" | "rooms">): Promise<AdminOverview> {
    return this.views.overview(live);
  }
  recordOnline(count: number, now?: number): void {
    this.views.recordOnline(count, now);
  }
  players(q: string | undefined): ReturnType<AdminViews["players"]> {
    return this.views.players(q);
  }
  player(id: string): Promise<AdminPlayerDetail> {
    return this.views.player(id);
  }
  rooms(lobbies: AdminRooms["lobbies"]): Promise<AdminRooms> {
    return this.views.rooms(lobbies);
  }
  chatFeed(channelId: string, limit: number): ReturnType<AdminViews["chatFeed"]> {
    return this.views.chatFeed(channelId, limit);
  }
  reports(status: "open" | "resolved"): Promise<{ items: AdminReport[] }> {
    return this.views.reports(status);
  }
  auditLog(limit: number, cursor: string | undefined): ReturnType<AdminViews["auditLog"]> {
    return this.views.auditLog(limit, cursor);
  }

  // --- moderator actions and operator management ------------------------------------------------
  kick(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    return this.actions.kick(op, accountId, reason);
  }

  endSessions(op: OperatorContext, accountId: string, reason: string): Promise<{ ended: number }> {
    return this.actions.endSessions(op, accountId, reason);
  }
  mute(op: OperatorContext, accountId: string, durationSeconds: number, reason: string): Promise<{ expiresAt: string }> {
    return this.actions.mute(op, accountId, durationSeconds, reason);
  }
  ban(op: OperatorContext, accountId: string, durationSeconds: number | null, reason: string): Promise<{ expiresAt: string | null }> {
    return this.actions.ban(op, accountId, durationSeconds, reason);
  }
  unban(op: OperatorContext, accountId: string, reason: string): Promise<{ lifted: number }> {
    return this.actions.unban(op, accountId, reason);
  }
  deleteMessage(op: OperatorContext, messageId: string, reason: string): Promise<void> {
    return this.actions.deleteMessage(op, messageId, reason);
  }
  closeGameLobby(op: OperatorContext, lobbyId: string, reason: string): Promise<void> {
    return this.actions.closeGameLobby(op, lobbyId, reason);
  }
  resolveReport(op: OperatorContext, reportId: string, reason: string): Promise<void> {
    return this.actions.resolveReport(op, reportId, reason);
  }
  setRole(op: OperatorContext, accountId: string, role: AccountRole, reason: string): Promise<{ role: AccountRole }> {
    return this.actions.setRole(op, accountId, role, reason);
  }
  disable(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    return this.actions.disable(op, accountId, reason);
  }
  enable(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    return this.actions.enable(op, accountId, reason);
  }
}
