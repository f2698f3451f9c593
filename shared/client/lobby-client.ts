import { Client, type Room } from "@colyseus/sdk";
import type { AuthResponse, LoginRequest, RegisterRequest } from "../schemas/auth";
import { RoomName } from "../rooms";
import { LobbyServerMessage, type WelcomeMessage } from "../schemas/lobby";
import { LobbyHttpClient, type FetchLike } from "./http-client";

export interface LobbySession {
  room: Room;
  welcome: WelcomeMessage;
}

export interface LobbyClientOptions {
  fetch?: FetchLike;
}

/**
 * A game client's view of the lobby: log in over HTTP, then open the realtime `lobby` room with
 * the access token. Keeps the current token pair and refreshes it on demand.
 */
export class LobbyClient {
  readonly http: LobbyHttpClient;
  readonly colyseus: Client;
  private auth: AuthResponse | undefined;

  constructor(baseUrl: string, options: LobbyClientOptions = {}) {
    this.http = new LobbyHttpClient(baseUrl, options.fetch);
    this.colyseus = new Client(baseUrl);
  }

  get session(): AuthResponse | undefined {
    return this.auth;
  }

  get accessToken(): string {
    if (!this.auth) throw new Error("not logged in");
    return this.auth.accessToken;
  }

  async register(body: RegisterRequest): Promise<AuthResponse> {
    return this.adopt(await this.http.register(body));
  }

  async login(body: LoginRequest): Promise<AuthResponse> {
    return this.adopt(await this.http.login(body));
  }

  async refresh(): Promise<AuthResponse> {
    if (!this.auth) throw new Error("not logged in");
    return this.adopt(await this.http.refresh(this.auth.refreshToken));
  }

  /** Ends this login session; its lobby connection is closed by the server (4101). */
  async logout(): Promise<void> {
    if (!this.auth) return;
    await this.http.logout(this.auth.refreshToken);
    this.forget();
  }

  /** Ends every session of the account; all its lobby connections are closed (4101). */
  async logoutAll(): Promise<void> {
    await this.http.logoutAll(this.accessToken);
    this.forget();
  }

  /** Deletes the account; all its lobby connections are closed (4102). */
  async deleteAccount(password: string): Promise<void> {
    await this.http.deleteAccount(this.accessToken, password);
    this.forget();
  }

  /**
   * Join the player's realtime session. Resolves once the server's welcome (which follows the first
   * state) has arrived; rejects if the join is refused or the connection closes first.
   */
  async joinLobby(options: Record<string, unknown> = {}): Promise<LobbySession> {
    this.colyseus.auth.token = this.accessToken;
    const room = await this.colyseus.joinOrCreate(RoomName.Lobby, options);
    const welcome = await new Promise<WelcomeMessage>((resolve, reject) => {
      // Settles once. (The SDK's signal `remove()` only knows callbacks registered without
      // `once()`, and drops the last handler when given another, so nothing is removed here.)
      let settled = false;
      const offWelcome = room.onMessage(LobbyServerMessage.Welcome, (message: WelcomeMessage) => {
        offWelcome();
        if (settled) return;
        settled = true;
        resolve(message);
      });
      room.onLeave((code: number) => {
        if (settled) return;
        settled = true;
        offWelcome();
        reject(new Error(`lobby connection closed before welcome (code ${code})`));
      });
    });
    return { room, welcome };
  }

  private adopt(auth: AuthResponse): AuthResponse {
    this.auth = auth;
    this.colyseus.auth.token = auth.accessToken;
    return auth;
  }

  private forget(): void {
    this.auth = undefined;
    this.colyseus.http.authToken = undefined;
  }
}
