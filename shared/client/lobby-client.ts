import { Client, type Room } from "@colyseus/sdk";
import type { AuthResponse, LoginRequest, RegisterRequest } from "../schemas/auth";
import { RoomName } from "../rooms";
import { LobbyServerMessage, type WelcomeMessage } from "../schemas/lobby";
import type { UnreadNotificationsMessage } from "../schemas/notifications";
import type { PresenceSnapshotMessage } from "../schemas/presence";
import { MatchmakeErrorCode } from "../codes";
import { LobbyHttpClient, withBusyRetry, type BusyRetryOptions, type FetchLike } from "./http-client";

export interface LobbySession {
  room: Room;
  welcome: WelcomeMessage;
  /** Every friend's presence at join time (then `presence.update` messages). */
  presence: PresenceSnapshotMessage;
  /** Unread notifications at join time (then `notification` messages). */
  notifications: UnreadNotificationsMessage;
}

export interface LobbyClientOptions {
  fetch?: FetchLike;
  /**
   * Back-off when the server is busy (HTTP 503 server_busy, or a lobby join refused with
   * MatchMakeError code 503): wait, with jitter, and retry a bounded number of times.
   */
  busyRetry?: BusyRetryOptions;
}

/** A join refused by the server's admission control (its queue is full): retry after a pause. */
function busyJoin(err: unknown): { retryAfterMs: undefined } | false {
  const code = (err as { code?: unknown } | null)?.code;
  return code === MatchmakeErrorCode.ServerBusy ? { retryAfterMs: undefined } : false;
}

/**
 * A game client's view of the lobby: log in over HTTP, then open the realtime `lobby` room with
 * the access token. Keeps the current token pair and refreshes it on demand.
 */
export class LobbyClient {
  readonly http: LobbyHttpClient;
  readonly colyseus: Client;
  private auth: AuthResponse | undefined;
  private readonly busyRetry: BusyRetryOptions;

  constructor(baseUrl: string, options: LobbyClientOptions = {}) {
    this.busyRetry = options.busyRetry ?? {};
    this.http = new LobbyHttpClient(baseUrl, options.fetch, this.busyRetry);
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
   * Join the player's realtime session. `setup` runs as soon as the room exists, before any
   * message is dispatched: register your handlers there (presence.update, notification, ...) so
   * none is missed. Resolves once the welcome, the friends' presence snapshot and the unread
   * notifications have arrived; rejects if the join is refused or the connection closes first.
   */
  async joinLobby(options: Record<string, unknown> = {}, setup?: (room: Room) => void): Promise<LobbySession> {
    this.colyseus.auth.token = this.accessToken;
    const room = await withBusyRetry(() => this.colyseus.joinOrCreate(RoomName.Lobby, options), busyJoin, this.busyRetry);
    return this.opened(room, setup);
  }

  /** Like joinLobby, into one given lobby instance (e.g. a shard on a chosen process). */
  async joinLobbyById(roomId: string, setup?: (room: Room) => void): Promise<LobbySession> {
    this.colyseus.auth.token = this.accessToken;
    const room = await withBusyRetry(() => this.colyseus.joinById(roomId), busyJoin, this.busyRetry);
    return this.opened(room, setup);
  }

  private async opened(room: Room, setup?: (room: Room) => void): Promise<LobbySession> {
    setup?.(room);
    const [welcome, presence, notifications] = await new Promise<[WelcomeMessage, PresenceSnapshotMessage, UnreadNotificationsMessage]>(
      (resolve, reject) => {
        // Settles once. (The SDK's signal `remove()` only knows callbacks registered without
        // `once()`, and drops the last handler when given another, so nothing is removed here.)
        let settled = false;
        const got: Partial<{ welcome: WelcomeMessage; presence: PresenceSnapshotMessage; unread: UnreadNotificationsMessage }> = {};
        const offs: (() => void)[] = [];
        const done = () => {
          if (settled || !got.welcome || !got.presence || !got.unread) return;
          settled = true;
          offs.forEach((off) => off());
          resolve([got.welcome, got.presence, got.unread]);
        };
        offs.push(
          room.onMessage(LobbyServerMessage.Welcome, (m: WelcomeMessage) => ((got.welcome = m), done())),
          room.onMessage(LobbyServerMessage.PresenceSnapshot, (m: PresenceSnapshotMessage) => ((got.presence = m), done())),
          room.onMessage(LobbyServerMessage.NotificationsUnread, (m: UnreadNotificationsMessage) => ((got.unread = m), done())),
        );
        room.onLeave((code: number) => {
          if (settled) return;
          settled = true;
          offs.forEach((off) => off());
          reject(new Error(`lobby connection closed before the join completed (code ${code})`));
        });
      },
    );
    return { room, welcome, presence, notifications };
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
