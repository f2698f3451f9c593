import { LobbyApiError, LobbyClient } from "../../../shared/client";
import type { AuthResponse } from "../../../shared/schemas/auth";

/**
 * The player's login: a LobbyClient whose token pair is refreshed before the access token
 * expires (and once more when a call answers 401). Tokens live in memory only: a reload asks
 * for the password again. When a refresh is refused the session is over: `onExpired` runs.
 */
export class Session {
  readonly client = new LobbyClient(location.origin);
  onExpired: (why: string) => void = () => undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<AuthResponse> | undefined;
  private expiresAt = 0;
  private ended = false;

  get account(): AuthResponse["account"] {
    const auth = this.client.session;
    if (!auth) throw new Error("not logged in");
    return auth.account;
  }

  async login(username: string, password: string, register: boolean): Promise<void> {
    const auth = register ? await this.client.register({ username, password }) : await this.client.login({ username, password });
    this.ended = false;
    this.adopt(auth);
  }

  /** A token valid for a while yet (refreshing first if it is about to expire). */
  async token(): Promise<string> {
    if (Date.now() > this.expiresAt - 10_000) await this.refresh();
    return this.client.accessToken;
  }

  /** Runs an HTTP call with the access token; a 401 refreshes once and retries. */
  async call<T>(fn: (http: LobbyClient["http"], token: string) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client.http, await this.token());
    } catch (err) {
      if (!(err instanceof LobbyApiError) || err.status !== 401) throw err;
      await this.refresh();
      return fn(this.client.http, this.client.accessToken);
    }
  }

  /** One refresh at a time: a refresh token works once, a second use would end the session. */
  refresh(): Promise<AuthResponse> {
    this.refreshing ??= this.client
      .refresh()
      .then((auth) => this.adopt(auth))
      .catch((err: unknown) => {
        if (err instanceof LobbyApiError && err.status < 500) this.expire("Your session has expired. Please log in again.");
        throw err;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async logout(): Promise<void> {
    this.stop();
    await this.client.logout().catch(() => undefined);
  }

  expire(why: string): void {
    if (this.ended) return;
    this.stop();
    this.onExpired(why);
  }

  private stop(): void {
    this.ended = true;
    clearTimeout(this.timer);
  }

  private adopt(auth: AuthResponse): AuthResponse {
    this.expiresAt = Date.now() + auth.expiresIn * 1000;
    clearTimeout(this.timer);
    // Refresh at three quarters of the token's life; a failure is retried by the next call.
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), Math.max(5_000, auth.expiresIn * 750));
    return auth;
  }
}
