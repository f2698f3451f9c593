import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { isUniqueViolation } from "../../db/db-errors";
import type { AccessTokens } from "./access-tokens";
import type { AuthRepo } from "./auth.repo";
import { NO_PASSWORD, usernameKeyOf, type AccountRecord, type AuthContext, type SessionEvents } from "./auth.types";
import type { AdmissionGate } from "../../lib/admission-gate";
import type { Admit, LoginThrottle } from "./login-throttle";
import type { PasswordHasher } from "./password-hasher";
import type { SessionCache } from "./session-cache";
import { assertPasswordPolicy } from "./password-policy";
import type { SessionsRepo } from "./sessions.repo";

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface IssuedTokens {
  account: { id: string; username: string; displayName: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface AuthServiceDeps {
  repo: AuthRepo;
  hasher: PasswordHasher;
  tokens: AccessTokens;
  throttle: LoginThrottle;
  events: SessionEvents;
  clock: Clock;
  logger: Logger;
  sessionTtlSeconds: number;
  /** A password change's writes (new hash, other sessions ended, this session's token replaced). */
  sessions: Pick<SessionsRepo, "changePassword">;
  /** Login admission control around the password hash (login, register, password checks); absent: none. */
  admission?: AdmissionGate;
  /** Recently confirmed sessions (invalidated by every revocation); absent: every check reads the store. */
  sessionCache?: SessionCache;
}

const INVALID_CREDENTIALS = "Invalid username or password.";

/** 403 account_banned with the expiry (also for operator logins). */
export function bannedError(ban: { expiresAt: Date | null }): AppError {
  if (ban.expiresAt === null) {
    return new AppError(ErrorCode.AccountBanned, "This account is banned permanently.", { details: { permanent: true } });
  }
  const until = ban.expiresAt.toISOString();
  return new AppError(ErrorCode.AccountBanned, `This account is banned until ${until}.`, { details: { expiresAt: until, permanent: false } });
}

/** Accounts' credentials and sessions: register, login, refresh rotation, logout, token checks. */
export class AuthService {
  constructor(private readonly d: AuthServiceDeps) {}

  async register(username: string, password: string, client: ClientInfo): Promise<IssuedTokens> {
    assertPasswordPolicy(password, username);
    const passwordHash = await this.admit(() => this.d.hasher.hash(password));
    const session = this.newSession(client);
    let account: AccountRecord;
    try {
      account = await this.d.repo.createAccountWithSession(
        { id: newId(), username, usernameKey: usernameKeyOf(username), displayName: username, passwordHash },
        session.record,
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError(ErrorCode.UsernameTaken, "That username is taken.", {
          fields: [{ path: "username", message: "is taken" }],
        });
      }
      throw err;
    }
    this.d.logger.info({ accountId: account.id }, "account registered");
    return this.issue(account, session.record.sessionId, session.refreshToken);
  }

  /**
   * Unknown user, wrong password and disabled account are indistinguishable, in body and timing.
   * Only a failed attempt counts against the login limits (see LoginThrottle); the account lookup
   * and the hash run inside the login admission gate.
   */
  async login(username: string, password: string, client: ClientInfo): Promise<IssuedTokens> {
    const key = usernameKeyOf(username);
    const account = await this.d.throttle.attempt(
      key,
      client.ip,
      async () => {
        const found = await this.d.repo.findAccountForLogin(key, new Date(this.d.clock.now()));
        // A guest has no password: the same hash work as an unknown user, so neither stands out.
        const passwordOk = found && found.passwordHash !== NO_PASSWORD ? await this.d.hasher.verify(found.passwordHash, password) : await this.d.hasher.verifyDummy(password);
        const ok = found !== null && passwordOk && !found.disabledAt;
        return { failed: !ok, result: ok ? found : null };
      },
      this.admit,
    );
    if (!account) throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    // Read with the account, told only now that the password proved right.
    if (account.ban) throw bannedError(account.ban);
    return this.startSession(account, client);
  }

  /** A new session for an account whose credentials were just proven (a login, a device login). */
  async startSession(account: { id: string; username: string; displayName: string }, client: ClientInfo): Promise<IssuedTokens> {
    const session = this.newSession(client);
    await this.d.repo.createSession({ ...session.record, accountId: account.id });
    return this.issue(account, session.record.sessionId, session.refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. Each token works once; presenting a used one again
   * means it leaked, so the whole session (every token descended from that login) is revoked.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const now = new Date(this.d.clock.now());
    const found = await this.d.repo.findRefreshToken(sha256Hex(refreshToken));
    const invalid = new AppError(ErrorCode.InvalidRefreshToken, "The refresh token is invalid or has expired.");
    if (!found) throw invalid;
    const { session } = found;
    // Before the revocation check: a ban revokes every session, and the player should learn why.
    await this.assertNotBanned(session.accountId);
    if (session.revokedAt || session.expiresAt <= now || session.account.disabledAt) throw invalid;
    if (found.rotatedAt) return this.reuseDetected(session.accountId, session.id, now);

    const next = { id: newId(), token: randomSecret() };
    const rotated = await this.d.repo.rotateRefreshToken(found.id, session.id, { id: next.id, tokenHash: sha256Hex(next.token) }, now);
    if (!rotated) return this.reuseDetected(session.accountId, session.id, now);
    return this.issue({ id: session.accountId, username: session.account.username, displayName: session.account.displayName }, session.id, next.token);
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const found = await this.d.repo.findRefreshToken(sha256Hex(refreshToken));
    if (!found || found.session.revokedAt) return;
    await this.endSessions(found.session.accountId, [found.session.id], "logout");
  }

  async logoutAll(accountId: string): Promise<void> {
    await this.endSessions(accountId, "all", "logout_all");
  }

  /** Verifies an access token and that its session is still live. Used by HTTP and room joins. */
  async authenticate(accessToken: string): Promise<AuthContext> {
    const claims = this.d.tokens.verify(accessToken);
    if (claims === "expired") throw new AppError(ErrorCode.TokenExpired, "The access token has expired.");
    if (claims === "invalid") throw new AppError(ErrorCode.InvalidToken, "The access token is invalid.");
    const cached = this.d.sessionCache?.get(claims.sessionId);
    if (cached) {
      if (cached.accountId !== claims.accountId) throw new AppError(ErrorCode.InvalidToken, "The session has ended.");
      return { accountId: cached.accountId, sessionId: claims.sessionId, username: cached.username, displayName: cached.displayName, accountCreatedAt: cached.accountCreatedAt, guest: cached.guest };
    }
    const mark = this.d.sessionCache?.mark() ?? 0;
    const session = await this.d.repo.findSessionForAuth(claims.sessionId);
    const now = this.d.clock.now();
    if (
      !session ||
      session.accountId !== claims.accountId ||
      session.revokedAt ||
      session.expiresAt.getTime() <= now ||
      session.account.disabledAt
    ) {
      throw new AppError(ErrorCode.InvalidToken, "The session has ended.");
    }
    const { username, displayName, createdAt: accountCreatedAt, guest } = session.account;
    this.d.sessionCache?.set(session.id, { accountId: session.accountId, username, displayName, accountCreatedAt, guest, expiresAt: session.expiresAt.getTime() }, mark);
    return { accountId: session.account.id, sessionId: session.id, username, displayName, accountCreatedAt, guest };
  }

  /** Of the given sessions, the ones still live (used to sweep long-lived connections). */
  liveSessionIds(sessionIds: string[]): Promise<string[]> {
    return this.d.repo.findLiveSessionIds(sessionIds, new Date(this.d.clock.now()));
  }

  /**
   * Changes the caller's password: the current one is checked like a login (a wrong one counts
   * toward the account+IP lockout and answers 403), the new one must pass the registration rules.
   * Every other session of the account ends at once (tokens refused, live connections closed with
   * 4101 on every process); this session goes on with a fresh token pair.
   */
  async changePassword(me: AuthContext, currentPassword: string, newPassword: string, ip: string): Promise<IssuedTokens> {
    if (me.guest) throw new AppError(ErrorCode.GuestAccount, "A guest account has no password yet: set a username and password with POST /me/upgrade.");
    assertPasswordPolicy(newPassword, me.username, "newPassword");
    await this.confirmPassword(me.accountId, currentPassword, ip);
    const passwordHash = await this.admit(() => this.d.hasher.hash(newPassword));
    const refreshToken = randomSecret();
    const ended = await this.d.sessions.changePassword({
      accountId: me.accountId,
      passwordHash,
      sessionId: me.sessionId,
      token: { id: newId(), tokenHash: sha256Hex(refreshToken) },
      reason: "password_changed",
      now: new Date(this.d.clock.now()),
    });
    if (ended.length > 0) await this.d.events.sessionsEnded(me.accountId, ended, "password_changed");
    this.d.logger.info({ accountId: me.accountId, endedSessions: ended.length }, "password changed");
    return this.issue({ id: me.accountId, username: me.username, displayName: me.displayName }, me.sessionId, refreshToken);
  }

  /** Checks a password for an already authenticated account (e.g. to confirm deletion). */
  async confirmPassword(accountId: string, password: string, ip: string): Promise<AccountRecord> {
    const account = await this.d.repo.findAccountById(accountId);
    if (!account) throw new AppError(ErrorCode.InvalidToken, "The session has ended.");
    // A guest has no password to confirm with: its session is all it has (and all a thief would need).
    if (account.passwordHash === NO_PASSWORD) return account;
    const ok = await this.d.throttle.attempt(
      account.usernameKey,
      ip,
      async () => {
        const right = await this.d.hasher.verify(account.passwordHash, password);
        return { failed: !right, result: right };
      },
      this.admit,
    );
    if (!ok) throw new AppError(ErrorCode.InvalidCredentials, "The password is incorrect.", { status: 403 });
    return account;
  }

  /**
   * Refuses a banned account with 403 account_banned, saying until when. Checked only after the
   * password proved right, so it reveals nothing to someone who does not know it.
   */
  async assertNotBanned(accountId: string): Promise<void> {
    const ban = await this.d.repo.findActiveBan(accountId, new Date(this.d.clock.now()));
    if (ban) throw bannedError(ban);
  }

  /** Runs a password hash or verification inside the login admission gate (503 server_busy past its queue). */
  private readonly admit: Admit = (operation) => (this.d.admission ? this.d.admission.run(operation) : operation());

  private async reuseDetected(accountId: string, sessionId: string, now: Date): Promise<never> {
    this.d.logger.warn({ accountId, sessionId, at: now.toISOString() }, "refresh token reuse: session revoked");
    await this.endSessions(accountId, [sessionId], "refresh_reuse");
    throw new AppError(ErrorCode.RefreshTokenReused, "The refresh token was already used; the session has been ended.");
  }

  private async endSessions(accountId: string, sessionIds: string[] | "all", reason: "logout" | "logout_all" | "refresh_reuse"): Promise<void> {
    const now = new Date(this.d.clock.now());
    if (sessionIds === "all") await this.d.repo.revokeAllSessions(accountId, reason, now);
    else await Promise.all(sessionIds.map((id) => this.d.repo.revokeSession(id, reason, now)));
    await this.d.events.sessionsEnded(accountId, sessionIds, reason);
  }

  private newSession(client: ClientInfo) {
    const refreshToken = randomSecret();
    return {
      refreshToken,
      record: {
        sessionId: newId(),
        expiresAt: new Date(this.d.clock.now() + this.d.sessionTtlSeconds * 1000),
        tokenId: newId(),
        tokenHash: sha256Hex(refreshToken),
        userAgent: client.userAgent,
        ip: client.ip,
      },
    };
  }

  private issue(account: { id: string; username: string; displayName: string }, sessionId: string, refreshToken: string): IssuedTokens {
    return {
      account: { id: account.id, username: account.username, displayName: account.displayName },
      accessToken: this.d.tokens.sign(account.id, sessionId),
      refreshToken,
      expiresIn: this.d.tokens.ttlSeconds,
    };
  }
}
