import { CloseCode } from "../../../shared/codes";
import type { AccountRole } from "../../../shared/schemas/admin";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import type { ChatModeration } from "../chat/chat-moderation";
import type { AccountEventBus } from "../events/account-events";
import type { AdminRepo } from "./admin.repo";
import type { OperatorContext } from "./operator-auth";
import { accountRoleOf, dbRoleOf, mayActOn, mayAssign } from "./operator-roles";

export interface AdminActionsDeps {
  repo: AdminRepo;
  chat: Pick<ChatModeration, "mute" | "deleteMessage">;
  bus: AccountEventBus;
  /** Custom game lobbies an operator may close (its players are told `closed`). */
  gameLobbies: { close(lobbyId: string): Promise<boolean> };
  clock: Clock;
  logger: Logger;
}

/**
 * What operators do to accounts, messages and reports. Every action writes an audit row; where
 * the change and the row can share a transaction (ban, unban, role, disable, enable, resolve),
 * they do. Who may act on whom: docs/admin.md.
 */
export class AdminActions {
  constructor(private readonly d: AdminActionsDeps) {}

  /** Closes the player's live lobby connections on every process; the sessions stay valid. */
  async kick(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    await this.target(op, accountId);
    await this.d.repo.audit(this.entry(op, "kick", "account", accountId, reason));
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Kicked, reason: "kicked" });
  }

  /**
   * Signs the player out everywhere: every session ends (tokens refused at once) with the audit row
   * in one transaction, then live connections close with 4101 on every process. Unlike a ban, the
   * player may log in again at once (e.g. after a stolen session).
   */
  async endSessions(op: OperatorContext, accountId: string, reason: string): Promise<{ ended: number }> {
    await this.target(op, accountId);
    const now = new Date(this.d.clock.now());
    const ended = await this.d.repo.withAudit(this.entry(op, "end_sessions", "account", accountId, reason), (tx) => this.d.repo.endSessions(tx, accountId, now));
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.SessionRevoked, reason: "ended_by_operator" });
    return { ended };
  }

  async mute(op: OperatorContext, accountId: string, durationSeconds: number, reason: string): Promise<{ expiresAt: string }> {
    await this.target(op, accountId);
    const expiresAt = (await this.d.chat.mute(accountId, { durationMs: durationSeconds * 1000, reason, by: op.id, source: "OPERATOR" })).toISOString();
    await this.d.repo.audit(this.entry(op, "mute", "account", accountId, reason, { durationSeconds, expiresAt }));
    return { expiresAt };
  }

  /** Stores the ban, revokes every session and writes the audit row in one transaction, then closes live connections. */
  async ban(op: OperatorContext, accountId: string, durationSeconds: number | null, reason: string): Promise<{ expiresAt: string | null }> {
    if (accountId === op.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot ban yourself.");
    await this.target(op, accountId);
    const now = new Date(this.d.clock.now());
    const expiresAt = durationSeconds === null ? null : new Date(now.getTime() + durationSeconds * 1000);
    const expiresIso = expiresAt ? expiresAt.toISOString() : null;
    await this.d.repo.withAudit(this.entry(op, "ban", "account", accountId, reason, { durationSeconds, expiresAt: expiresIso }), (tx) =>
      this.d.repo.ban(tx, { id: newId(), accountId, reason, createdBy: op.id, createdAt: now, expiresAt }),
    );
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Banned, reason: "banned" });
    this.d.logger.info({ operatorId: op.id, accountId, expiresAt }, "account banned");
    return { expiresAt: expiresIso };
  }

  async unban(op: OperatorContext, accountId: string, reason: string): Promise<{ lifted: number }> {
    await this.target(op, accountId);
    const now = new Date(this.d.clock.now());
    let lifted = 0;
    await this.d.repo.withAudit(this.entry(op, "unban", "account", accountId, reason), async (tx) => {
      lifted = await this.d.repo.unban(tx, accountId, op.id, now);
    });
    return { lifted };
  }

  async deleteMessage(op: OperatorContext, messageId: string, reason: string): Promise<void> {
    // ChatModeration refuses unknown and already deleted messages with 404 message_not_found.
    await this.d.chat.deleteMessage(messageId, op.id, reason);
    await this.d.repo.audit(this.entry(op, "delete_message", "chat_message", messageId, reason));
  }

  /** Idempotent: resolving a resolved report changes nothing but is still audited. */
  async resolveReport(op: OperatorContext, reportId: string, reason: string): Promise<void> {
    const report = await this.d.repo.findReport(reportId);
    if (!report) throw new AppError(ErrorCode.NotFound, "No such report.");
    const now = new Date(this.d.clock.now());
    await this.d.repo.withAudit(this.entry(op, "resolve_report", "chat_report", reportId, reason), (tx) =>
      this.d.repo.resolveReport(tx, reportId, op.id, now),
    );
  }

  /** Promotes or demotes; the operator's live tokens carry the new role from their next request. */
  async setRole(op: OperatorContext, accountId: string, role: AccountRole, reason: string): Promise<{ role: AccountRole }> {
    if (accountId === op.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot change your own role.");
    const account = await this.target(op, accountId);
    if (!mayAssign(op.role, role)) throw new AppError(ErrorCode.Forbidden, `A ${op.role} cannot give the ${role} role.`);
    const from = accountRoleOf(account.role);
    await this.d.repo.withAudit(this.entry(op, "set_role", "account", accountId, reason, { from, to: role }), (tx) =>
      this.d.repo.setRole(tx, accountId, dbRoleOf(role)),
    );
    this.d.logger.info({ operatorId: op.id, accountId, from, to: role }, "account role changed");
    return { role };
  }

  /**
   * Disables the account: login refused, every session and operator token revoked (for good:
   * enabling does not restore them), live connections closed on every process.
   */
  async disable(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    if (accountId === op.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot disable yourself.");
    await this.target(op, accountId);
    const now = new Date(this.d.clock.now());
    await this.d.repo.withAudit(this.entry(op, "disable", "account", accountId, reason), (tx) => this.d.repo.disable(tx, accountId, now));
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.SessionRevoked, reason: "disabled" });
    this.d.logger.info({ operatorId: op.id, accountId }, "account disabled");
  }

  async enable(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    await this.target(op, accountId);
    await this.d.repo.withAudit(this.entry(op, "enable", "account", accountId, reason), (tx) => this.d.repo.enable(tx, accountId));
  }

  /** The account an action names, if `op` may act on it (only on roles below its own; admins on all). */
  private async target(op: OperatorContext, accountId: string) {
    const account = await this.d.repo.findAccount(accountId);
    if (!account) throw new AppError(ErrorCode.AccountNotFound, "No such account.");
    const role = accountRoleOf(account.role);
    if (!mayActOn(op.role, role)) throw new AppError(ErrorCode.Forbidden, `A ${op.role} cannot act on a ${role} account.`);
    return account;
  }

  /** Closes a custom game lobby: every player in it is out (`gameLobby.update` with reason `closed`). */
  async closeGameLobby(op: OperatorContext, lobbyId: string, reason: string): Promise<void> {
    if (!(await this.d.gameLobbies.close(lobbyId))) throw new AppError(ErrorCode.GameLobbyNotFound, "No such lobby.");
    await this.d.repo.audit(this.entry(op, "close_game_lobby", "game_lobby", lobbyId, reason));
  }

  private entry(op: OperatorContext, action: string, targetType: string, targetId: string, reason: string, details?: Record<string, unknown>) {
    return { id: newId(), operatorId: op.id, action, targetType, targetId, reason, details, createdAt: new Date(this.d.clock.now()) };
  }
}
