/** The identity an authenticated request or connection acts as. */
export interface AuthContext {
  accountId: string;
  sessionId: string;
  username: string;
  /** What other players see; changes with PATCH /me (connections update in place). */
  displayName: string;
  /** When the account was created (never changes: read with the session, cached with it). */
  accountCreatedAt: Date;
  /** A guest account (POST /auth/device) that has not upgraded yet. */
  guest: boolean;
}

/** The password hash of an account without a password (a guest): matches no password. */
export const NO_PASSWORD = "!";

export interface AccountRecord {
  id: string;
  username: string;
  usernameKey: string;
  displayName: string;
  passwordHash: string;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  accountId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type SessionEndReason = "logout" | "logout_all" | "refresh_reuse" | "account_deleted" | "expired" | "password_changed" | "session_ended" | "password_reset";

/**
 * Announces ended sessions so live connections can be closed on every process.
 * `sessionIds: "all"` means every session of the account.
 */
export interface SessionEvents {
  sessionsEnded(accountId: string, sessionIds: string[] | "all", reason: SessionEndReason): Promise<void>;
}

export const usernameKeyOf = (username: string): string => username.toLowerCase();
