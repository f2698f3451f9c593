import { LobbyClient } from "../../../shared/client";
import type { AuthResponse } from "../../../shared/schemas/auth";

/**
 * The player's login: one SDK LobbyClient. The SDK refreshes the token pair before the access
 * token expires and once more after a 401 (`client.api.*`, the lobby's joins); tokens live in
 * memory only, so a reload asks for the password again. When the SDK reports the session over
 * (a refused refresh), or the lobby closes for the session (4101–4103), `onExpired` runs.
 */
export class Session {
  readonly client = new LobbyClient(location.origin, {
    tokens: { onChange: (_auth, why) => why === "expired" && this.expire("Your session has expired. Please log in again.") },
  });
  onExpired: (why: string) => void = () => undefined;
  private ended = false;

  get account(): AuthResponse["account"] {
    const auth = this.client.session;
    if (!auth) throw new Error("not logged in");
    return auth.account;
  }

  /** The SDK's HTTP calls with the session's token filled in (and refreshed). */
  get api(): LobbyClient["api"] {
    return this.client.api;
  }

  async login(username: string, password: string, register: boolean): Promise<void> {
    if (register) await this.client.register({ username, password });
    else await this.client.login({ username, password });
    this.ended = false;
  }

  async logout(): Promise<void> {
    this.ended = true;
    await this.client.logout().catch(() => undefined);
  }

  expire(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.onExpired(why);
  }
}
