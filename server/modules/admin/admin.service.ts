import { z } from "zod";
import { CloseCode } from "../../../shared/codes";
import type {
  AdminAuditResponseSchema,
  AdminChatFeedSchema,
  AdminLoginResponse,
  AdminOverview,
  AdminPlayerDetail,
  AdminReport,
  AdminRooms,
  Operator,
  AccountRole,
  OperatorRole,
} from "../../../shared/schemas/admin";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { usernameKeyOf } from "../auth/auth.types";
import { bannedError } from "../auth/auth.service";
import type { LoginThrottle } from "../auth/login-throttle";
import type { PasswordHasher } from "../auth/password-hasher";
import { passwordPolicyProblem } from "../auth/password-policy";
import type { ChatService } from "../chat/chat.service";
import type { AccountEventBus } from "../events/account-events";
import type { MatchmakingService } from "../matchmaking/matchmaking.service";
import type { PresenceStore } from "../presence/presence.store";
import { displayRating } from "../ratings/ratings.service";
import type { AdminRepo, OperatorAccountRow, ReportRow } from "./admin.repo";
import { accountRoleOf, dbRoleOf, mayActOn, mayAssign, operatorRoleOf } from "./operator-roles";
import type { OperatorTokens } from "./operator-tokens";

export interface AdminServiceDeps {
  repo: AdminRepo;
  hasher: PasswordHasher;
  tokens: OperatorTokens;
  throttle: LoginThrottle;
  chat: ChatService;
  bus: AccountEventBus;
  presence: PresenceStore;
  matchmaking: MatchmakingService;
  cursors: CursorCodec;
  clock: Clock;
  logger: Logger;
}

export interface OperatorContext {
  id: string;
  username: string;
  role: OperatorRole;
}

const INVALID_CREDENTIALS = "Invalid username or password.";
const MINUTE_MS = 60_000;
const SERIES_MINUTES = 60;
const AuditCursorSchema = z.object({ a: z.number().int(), i: z.uuid() });

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The operator console: operator login, read models, and moderator actions (each audited). */
export class AdminService {
  /** Online players per minute, sampled on this process (minute start -> count). */
  private readonly onlineSamples = new Map<number, number>();

  constructor(private readonly d: AdminServiceDeps) {}

  // --- operators -------------------------------------------------------------------------------

  /**
   * Creates the operator account, or gives an existing account that role (and the new password).
   * The password policy applies; there is no default password.
   */
  ensureOperator(username: string, password: string, role: OperatorRole): Promise<{ id: string; created: boolean }> {
    return ensureOperatorAccount(this.d.repo, this.d.hasher, username, password, role);
  }

  /**
   * Players, unknown users, disabled accounts and wrong passwords get the same 401; a banned
   * operator with the right password learns of the ban (403 account_banned), as players do.
   * Attempts are throttled like /auth/login.
   */
  async login(username: string, password: string, ip: string): Promise<AdminLoginResponse> {
    const key = usernameKeyOf(username);
    // Only a real failure counts (concurrent correct logins from one address are never refused).
    const account = await this.d.throttle.attempt(key, ip, async () => {
      const found = await this.d.repo.findOperatorForLogin(key, new Date(this.d.clock.now()));
      const ok = found ? await this.d.hasher.verify(found.passwordHash, password) : await this.d.hasher.verifyDummy(password);
      const good = found !== null && ok && !found.disabledAt && operatorRoleOf(found.role) !== undefined;
      return { failed: !good, result: good ? found : null };
    });
    const role = account ? operatorRoleOf(account.role) : undefined;
    if (!account || !role) throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    if (account.ban) throw bannedError(account.ban);
    this.d.logger.info({ operatorId: account.id, role }, "operator logged in");
    return {
      accessToken: this.d.tokens.sign(account.id, account.tokenVersion),
      expiresIn: this.d.tokens.ttlSeconds,
      operator: { id: account.id, username: account.username, role },
    };
  }

  /**
   * The operator behind a token, read from the store on every request (no cache: a ban, a
   * disable or a role change made on any process applies to the next request everywhere).
   */
  async authenticate(token: string): Promise<OperatorContext | "expired" | "invalid"> {
    const claims = this.d.tokens.verify(token);
    if (typeof claims === "string") return claims;
    const account = await this.d.repo.findOperator(claims.accountId, new Date(this.d.clock.now()));
    const role = account && liveOperator(account, claims.version) ? operatorRoleOf(account.role) : undefined;
    if (!account || !role) return "invalid";
    return { id: account.id, username: account.username, role };
  }

  me(op: OperatorContext): { operator: Operator } {
    return { operator: { id: op.id, username: op.username, role: op.role } };
  }

  // --- read models -----------------------------------------------------------------------------

  /** `live` comes from the realtime edge (Colyseus room listing). */
  async overview(live: Pick<AdminOverview, "playersOnline" | "connectionsByProcess" | "rooms">): Promise<AdminOverview> {
    const now = this.d.clock.now();
    const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    this.recordOnline(live.playersOnline, now);
    const first = thisMinute - (SERIES_MINUTES - 1) * MINUTE_MS;
    const [queues, perMinute, lastMinute] = await Promise.all([
      this.d.matchmaking.stats(),
      this.d.repo.messagesPerMinute(new Date(first)),
      this.d.repo.countMessagesSince(new Date(now - MINUTE_MS)),
    ]);
    const series = Array.from({ length: SERIES_MINUTES }, (_, i) => {
      const at = first + i * MINUTE_MS;
      return { at: new Date(at).toISOString(), online: this.onlineSamples.get(at) ?? 0, messages: perMinute.get(at) ?? 0 };
    });
    return { ...live, queues, messagesPerMinute: lastMinute, series };
  }

  /** Remembers the online count of the current minute (the series' online line). */
  recordOnline(count: number, now = this.d.clock.now()): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    this.onlineSamples.set(minute, Math.max(count, this.onlineSamples.get(minute) ?? 0));
    for (const key of this.onlineSamples.keys()) if (key < minute - SERIES_MINUTES * MINUTE_MS) this.onlineSamples.delete(key);
  }

  async players(q: string | undefined) {
    const rows = await this.d.repo.searchAccounts(q ?? "", 50, new Date(this.d.clock.now()));
    const presence = await this.d.presence.readMany(rows.map((r) => r.id));
    return {
      items: rows.map((r) => ({
        id: r.id,
        username: r.username,
        role: accountRoleOf(r.role),
        createdAt: iso(r.createdAt),
        banned: r.banned,
        online: (presence.get(r.id)?.connections ?? 0) > 0,
      })),
    };
  }

  async player(id: string): Promise<AdminPlayerDetail> {
    const d = await this.d.repo.playerDetail(id);
    if (!d) throw new AppError(ErrorCode.AccountNotFound, "No such account.");
    const p = await this.d.presence.read(id);
    const by = (opId: string | null) => (opId ? { id: opId, username: d.operators.get(opId) ?? "(deleted)" } : null);
    const sanctions: AdminPlayerDetail["sanctions"] = [
      ...d.bans.map((b) => ({ id: b.id, kind: "ban" as const, reason: b.reason, createdAt: iso(b.createdAt), expiresAt: isoOrNull(b.expiresAt), revokedAt: isoOrNull(b.revokedAt), by: by(b.createdBy) })),
      ...d.mutes.map((m) => ({ id: m.id, kind: "mute" as const, reason: m.reason, createdAt: iso(m.createdAt), expiresAt: iso(m.expiresAt), revokedAt: isoOrNull(m.revokedAt), by: by(m.createdBy) })),
    ].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const online = p.connections > 0;
    return {
      account: { id: d.account.id, username: d.account.username, role: accountRoleOf(d.account.role), createdAt: iso(d.account.createdAt), disabledAt: isoOrNull(d.account.disabledAt) },
      sessions: d.sessions.map((s) => ({
        id: s.id,
        createdAt: iso(s.createdAt),
        lastUsedAt: iso(s.lastUsedAt),
        expiresAt: iso(s.expiresAt),
        revokedAt: isoOrNull(s.revokedAt),
        userAgent: s.userAgent,
        ip: s.ip,
      })),
      // Operators see the chosen status, invisible included.
      presence: online ? { status: p.status ?? "online", ...(p.activity ? { activity: p.activity } : {}) } : { status: "offline" },
      friendsCount: d.friendsCount,
      ratings: d.ratings.map((r) => ({ mode: r.mode, rating: displayRating(r), mu: r.mu, sigma: r.sigma, games: r.games })),
      recentMatches: d.participations.map((x) => ({
        id: x.match.id,
        mode: x.match.mode,
        status: x.match.status.toLowerCase(),
        team: x.team,
        winnerTeam: x.match.winnerTeam,
        createdAt: iso(x.match.createdAt),
      })),
      reports: d.reports.map(reportView),
      sanctions,
    };
  }

  async rooms(lobbies: AdminRooms["lobbies"]): Promise<AdminRooms> {
    const [parties, matches] = await Promise.all([this.d.repo.listParties(200), this.d.repo.listLiveMatches(200)]);
    return {
      lobbies,
      parties: parties.map((p) => {
        const members = p.members.map((m) => ({ id: m.account.id, username: m.account.username }));
        return { id: p.id, leader: members.find((m) => m.id === p.leaderId) ?? { id: p.leaderId, username: "" }, members };
      }),
      matches: matches.map((m) => ({
        id: m.id,
        mode: m.mode,
        status: m.status.toLowerCase(),
        roomId: m.roomId,
        players: m.participants.map((x) => ({ id: x.account.id, username: x.account.username, team: x.team })),
      })),
    };
  }

  async chatFeed(channelId: string, limit: number): Promise<z.infer<typeof AdminChatFeedSchema>> {
    const rows = await this.d.repo.chatFeed(channelId, limit);
    return {
      messages: rows.map((m) => ({
        id: m.id.toString(),
        channelId: m.channelId,
        seq: Number(m.seq),
        sender: m.sender,
        // Operators read what was written, not the masked text.
        text: m.originalBody ?? m.body,
        createdAt: iso(m.createdAt),
        reports: m._count.reports,
      })),
    };
  }

  async reports(status: "open" | "resolved"): Promise<{ items: AdminReport[] }> {
    return { items: (await this.d.repo.listReports(status, 200)).map(reportView) };
  }

  async auditLog(limit: number, cursor: string | undefined): Promise<z.infer<typeof AdminAuditResponseSchema>> {
    const after = cursor ? this.d.cursors.decode(cursor, AuditCursorSchema) : undefined;
    const rows = await this.d.repo.auditPage(limit + 1, after ? { at: new Date(after.a), id: after.i } : undefined);
    const page = rows.slice(0, limit);
    const names = await this.d.repo.usernames([...new Set(page.map((r) => r.operatorId))]);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        operator: { id: r.operatorId, username: names.get(r.operatorId) ?? "(deleted)" },
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        reason: r.reason,
        createdAt: iso(r.createdAt),
      })),
      ...(rows.length > limit && last ? { nextCursor: this.d.cursors.encode({ a: last.createdAt.getTime(), i: last.id }) } : {}),
    };
  }

  // --- moderator actions -----------------------------------------------------------------------

  /** Closes the player's live lobby connections on every process; the sessions stay valid. */
  async kick(op: OperatorContext, accountId: string, reason: string): Promise<void> {
    await this.target(op, accountId);
    await this.d.repo.audit(this.entry(op, "kick", "account", accountId, reason));
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Kicked, reason: "kicked" });
  }

  async mute(op: OperatorContext, accountId: string, durationSeconds: number, reason: string): Promise<{ expiresAt: string }> {
    await this.target(op, accountId);
    const expiresAt = await this.d.chat.mute(accountId, { durationMs: durationSeconds * 1000, reason, by: op.id, source: "OPERATOR" });
    await this.d.repo.audit(this.entry(op, "mute", "account", accountId, reason, { durationSeconds, expiresAt: iso(expiresAt) }));
    return { expiresAt: iso(expiresAt) };
  }

  /** Stores the ban, revokes every session and writes the audit row in one transaction, then closes live connections. */
  async ban(op: OperatorContext, accountId: string, durationSeconds: number | null, reason: string): Promise<{ expiresAt: string | null }> {
    if (accountId === op.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot ban yourself.");
    await this.target(op, accountId);
    const now = new Date(this.d.clock.now());
    const expiresAt = durationSeconds === null ? null : new Date(now.getTime() + durationSeconds * 1000);
    await this.d.repo.withAudit(
      this.entry(op, "ban", "account", accountId, reason, { durationSeconds, expiresAt: isoOrNull(expiresAt) }),
      (tx) => this.d.repo.ban(tx, { id: newId(), accountId, reason, createdBy: op.id, createdAt: now, expiresAt }),
    );
    await this.d.bus.publish(accountId, { kind: "sessions_ended", sessionIds: null, closeCode: CloseCode.Banned, reason: "banned" });
    this.d.logger.info({ operatorId: op.id, accountId, expiresAt }, "account banned");
    return { expiresAt: isoOrNull(expiresAt) };
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
    // ChatService refuses unknown and already deleted messages with 404 message_not_found.
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

  // --- operator management (docs/admin.md: who may manage whom) -----------------------------

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

  private entry(op: OperatorContext, action: string, targetType: string, targetId: string, reason: string, details?: Record<string, unknown>) {
    return { id: newId(), operatorId: op.id, action, targetType, targetId, reason, details, createdAt: new Date(this.d.clock.now()) };
  }
}

/**
 * Creates the operator account, or gives an existing account that role and password. The player
 * password policy applies, and operators need at least 12 characters. Used at start
 * (ADMIN_USERNAME / ADMIN_PASSWORD) and by `npm run admin:create`.
 */
export async function ensureOperatorAccount(
  repo: AdminRepo,
  hasher: PasswordHasher,
  username: string,
  password: string,
  role: OperatorRole,
): Promise<{ id: string; created: boolean }> {
  if (!/^[A-Za-z0-9_]{3,20}$/.test(username)) {
    throw new AppError(ErrorCode.InvalidRequest, "Operator usernames are 3-20 letters, digits or underscores.");
  }
  const normalized = password.normalize("NFC");
  const problem = passwordPolicyProblem(normalized, username) ?? (Array.from(normalized).length < 12 ? "must be at least 12 characters" : undefined);
  if (problem) throw new AppError(ErrorCode.WeakPassword, `Operator password ${problem}.`);
  const key = usernameKeyOf(username);
  const dbRole = dbRoleOf(role);
  const passwordHash = await hasher.hash(normalized);
  const existing = await repo.findAccountByUsernameKey(key);
  if (existing) {
    await repo.updateOperator(existing.id, { role: dbRole, passwordHash });
    return { id: existing.id, created: false };
  }
  const id = newId();
  await repo.createOperator({ id, username, usernameKey: key, passwordHash, role: dbRole });
  return { id, created: true };
}

/** Not disabled, not banned, and the token was issued after the account's last revocation. */
const liveOperator = (a: OperatorAccountRow, tokenVersion: number): boolean => !a.disabledAt && !a.ban && a.tokenVersion === tokenVersion;

function reportView(r: ReportRow): AdminReport {
  return {
    id: r.id,
    messageId: r.message.id.toString(),
    channelId: r.message.channelId,
    text: r.message.originalBody ?? r.message.body,
    sender: r.message.sender,
    reason: r.reason,
    note: r.note,
    reporter: r.reporter,
    createdAt: iso(r.createdAt),
    resolvedAt: isoOrNull(r.resolvedAt),
  };
}
