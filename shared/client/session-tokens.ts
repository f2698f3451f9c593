import type { AuthResponse } from "../schemas/auth";
import { LobbyApiError, type LobbyHttpClient } from "./http-client";

/**
 * Why the session changed: a login, a refresh, the account's details (a new display name; the
 * tokens are the same), or its end (logout, or a refresh the server refused).
 */
export type SessionChange = "login" | "refresh" | "account" | "logout" | "expired";

export interface SessionTokenOptions {
  /** Refresh this long before the access token expires (default 60 s, at most half its lifetime). */
  refreshMarginMs?: number;
  /** Injected clock (epoch ms). */
  now?: () => number;
  /** Told of every change: store `auth.refreshToken` to resume later; `undefined` once the session is over. */
  onChange?: (auth: AuthResponse | undefined, why: SessionChange) => void;
}

/**
 * The token pair of one login session. Hands out an access token that is not about to expire
 * (refreshing first when it is), retries a call once after refreshing when the server answers
 * 401, and refreshes one at a time: a refresh token works once, and reusing one ends the session.
 */
export class SessionTokens {
  private auth: AuthResponse | undefined;
  private expiresAt = 0;
  private refreshing: Promise<AuthResponse> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly http: LobbyHttpClient,
    private readonly o: SessionTokenOptions = {},
  ) {
    this.now = o.now ?? Date.now;
  }

  get current(): AuthResponse | undefined {
    return this.auth;
  }

  adopt(auth: AuthResponse, why: SessionChange = "login"): AuthResponse {
    this.auth = auth;
    this.expiresAt = this.now() + auth.expiresIn * 1000;
    this.o.onChange?.(auth, why);
    return auth;
  }

  /** The account as the server now describes it (e.g. after PATCH /me); the tokens are unchanged. */
  updateAccount(account: AuthResponse["account"]): void {
    if (!this.auth || this.auth.account.id !== account.id) return;
    this.auth = { ...this.auth, account };
    this.o.onChange?.(this.auth, "account");
  }

  forget(why: SessionChange = "logout"): void {
    if (!this.auth) return;
    this.auth = undefined;
    this.o.onChange?.(undefined, why);
  }

  /** An access token good for a while yet. */
  async fresh(): Promise<string> {
    const auth = this.auth;
    if (!auth) throw new Error("not logged in");
    const margin = Math.min(this.o.refreshMarginMs ?? 60_000, (auth.expiresIn * 1000) / 2);
    if (this.expiresAt - this.now() > margin) return auth.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** Refreshes now (one refresh at a time; concurrent callers share it). A refused refresh ends the session. */
  refresh(): Promise<AuthResponse> {
    const auth = this.auth;
    if (!auth) return Promise.reject(new Error("not logged in"));
    this.refreshing ??= this.http
      .refresh(auth.refreshToken)
      .then(
        (next) => (this.auth === auth ? this.adopt(next, "refresh") : next),
        (err: unknown) => {
          if (err instanceof LobbyApiError && (err.status === 401 || err.status === 403) && this.auth === auth) this.forget("expired");
          throw err;
        },
      )
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Runs `call` with a fresh access token; on 401 refreshes once and runs it again. */
  async withToken<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.fresh();
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof LobbyApiError) || err.status !== 401) throw err;
      // Another call may have refreshed meanwhile.
      const next = this.auth && this.auth.accessToken !== token ? this.auth.accessToken : (await this.refresh()).accessToken;
      return call(next);
    }
  }
}
