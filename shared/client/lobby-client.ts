import { Client, type Room } from "@colyseus/sdk";
import type { AuthResponse, LoginRequest, MeResponse, RegisterRequest, SessionListResponse } from "../schemas/auth";
import { RoomName } from "../rooms";
import { LobbyServerMessage, type WelcomeMessage } from "../schemas/lobby";
import type { UnreadNotificationsMessage } from "../schemas/notifications";
import type { PresenceSnapshotMessage } from "../schemas/presence";
import { MatchmakeErrorCode } from "../codes";
import type { MatchFoundMessage, MatchSpectateReply } from "../schemas/matchmaking";
import { LobbyApiError, LobbyHttpClient, withBusyRetry, type BusyRetryOptions, type FetchLike } from "./http-client";
import { authedApi, type AuthedApi } from "./authed-api";
import { LobbyConnection, type LobbyConnectionOptions } from "./lobby-connection";
import { MatchConnection, type MatchConnectionOptions } from "./match-connection";
import { SessionTokens, type SessionTokenOptions } from "./session-tokens";

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
  /** Token refresh: margin, clock, and a callback to store the session (e.g. to resume after a page reload). */
  tokens?: SessionTokenOptions;
  /** connectLobby(): reconnect window, chat guard, pacing. */
  lobby?: LobbyConnectionOptions;
  /** joinMatch(): reconnect window, score interval. */
  match?: MatchConnectionOptions;
}

/** What connectLobby() resolves with: the connection and its opening messages. */
export interface LobbyOpened {
  connection: LobbyConnection;
  welcome: WelcomeMessage;
  presence: PresenceSnapshotMessage;
  notifications: UnreadNotificationsMessage;
}

/** A join refused by the server's admission control (its queue is full): retry after a pause. */
function busyJoin(err: unknown): { retryAfterMs: undefined } | false {
  const code = (err as { code?: unknown } | null)?.code;
  return code === MatchmakeErrorCode.ServerBusy ? { retryAfterMs: undefined } : false;
}

/** A lobby join refused for the token (525): worth one refresh. */
const authFailed = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === MatchmakeErrorCode.AuthFailed;

/**
 * A game client's view of the lobby: log in over HTTP, then open the realtime `lobby` room with
 * the access token. Keeps the current token pair: `api` calls and connectLobby() refresh it
 * before it expires and after a 401; `refresh()` does it on demand.
 */
export class LobbyClient {
  readonly http: LobbyHttpClient;
  readonly colyseus: Client;
  /** The HTTP calls that need a token, with the session's (fresh) token filled in. */
  readonly api: AuthedApi;
  private readonly tokens: SessionTokens;
  private readonly busyRetry: BusyRetryOptions;

  constructor(
    baseUrl: string,
    private readonly options: LobbyClientOptions = {},
  ) {
    this.busyRetry = options.busyRetry ?? {};
    this.http = new LobbyHttpClient(baseUrl, options.fetch, this.busyRetry);
    this.colyseus = new Client(baseUrl);
    this.tokens = new SessionTokens(this.http, {
      ...options.tokens,
      onChange: (auth, why) => {
        if (auth) this.colyseus.auth.token = auth.accessToken;
        options.tokens?.onChange?.(auth, why);
      },
    });
    this.api = authedApi(this.http, (call) => this.tokens.withToken(call));
  }

  get session(): AuthResponse | undefined {
    return this.tokens.current;
  }

  get accessToken(): string {
    const auth = this.tokens.current;
    if (!auth) throw new Error("not logged in");
    return auth.accessToken;
  }

  /** An access token that is not about to expire (refreshed first if it is). */
  freshAccessToken(): Promise<string> {
    return this.tokens.fresh();
  }

  /** Takes up a session stored earlier (e.g. from `tokens.onChange`). */
  resume(auth: AuthResponse): AuthResponse {
    return this.adopt(auth);
  }

  /** Takes up a session from its refresh token alone (spends it: store the new one). */
  async resumeWithRefreshToken(refreshToken: string): Promise<AuthResponse> {
    return this.adopt(await this.http.refresh(refreshToken), "refresh");
  }

  async register(body: RegisterRequest): Promise<AuthResponse> {
    return this.adopt(await this.http.register(body));
  }

  /**
   * Logs in as the device's guest account (created on the first call). `deviceId`: a secret made
   * once per device (e.g. 32 random bytes, base64url) and kept in its storage.
   */
  async loginWithDevice(deviceId: string): Promise<AuthResponse> {
    return this.adopt(await this.http.deviceLogin({ deviceId }));
  }

  /**
   * Gives the guest account a username and password (it keeps everything it has). The device id
   * stops logging in by itself afterwards: log in with the username and password from then on.
   */
  async upgrade(username: string, password: string): Promise<AuthResponse> {
    await this.tokens.withToken((token) => this.http.upgrade(token, { username, password }));
    // The refreshed pair carries the new username.
    return this.refresh();
  }

  async login(body: LoginRequest): Promise<AuthResponse> {
    return this.adopt(await this.http.login(body));
  }

  async refresh(): Promise<AuthResponse> {
    return this.tokens.refresh();
  }

  /** Ends this login session; its lobby connection is closed by the server (4101). */
  async logout(): Promise<void> {
    const auth = this.tokens.current;
    if (!auth) return;
    await this.http.logout(auth.refreshToken);
    this.forget();
  }

  /** Ends every session of the account; all its lobby connections are closed (4101). */
  async logoutAll(): Promise<void> {
    await this.http.logoutAll(this.accessToken);
    this.forget();
  }

  /**
   * Changes the password. This session goes on with the fresh token pair the server answers (its
   * lobby connection stays); every other session ends and its lobby connections close (4101).
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<AuthResponse> {
    return this.adopt(await this.http.changePassword(this.accessToken, { currentPassword, newPassword }), "refresh");
  }

  /**
   * Sets how others see the player (1–32 code points after cleaning, not unique). Friends, the
   * party and the game lobby see it at once; `account.displayName` answers it from now on.
   */
  async setDisplayName(displayName: string): Promise<MeResponse["account"]> {
    const { account } = await this.api.updateMe({ displayName });
    const current = this.tokens.current?.account;
    if (current) this.tokens.updateAccount({ ...current, displayName: account.displayName });
    return account;
  }

  /** The account's live sessions (`current`: this one). */
  sessions(): Promise<SessionListResponse> {
    return this.api.sessions();
  }

  /** Ends one of the account's sessions; its lobby connections close (4101). Ending this one is a logout. */
  async endSession(sessionId: string): Promise<void> {
    const current = (await this.sessions()).items.find((s) => s.current)?.id;
    await this.tokens.withToken((token) => this.http.endSession(token, sessionId));
    if (sessionId === current) this.forget();
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

  /**
   * The realtime session through the SDK: typed messages, reconnection and the server's limits
   * kept (see LobbyConnection). `setup` runs before any message is dispatched: register `on`
   * handlers there (chat.unread and party.snapshot come right after the opening messages).
   * A join refused for the token (525) is tried once more after a refresh.
   */
  async connectLobby(setup?: (connection: LobbyConnection) => void): Promise<LobbyOpened> {
    const room = await this.openLobbyRoom();
    const connection = new LobbyConnection(
      room,
      () => this.openLobbyRoom(),
      // The session is over (a refresh was refused, or logout): no join can succeed.
      (err) => !this.tokens.current || (err instanceof LobbyApiError && (err.status === 401 || err.status === 403)),
      this.colyseus,
      this.options.lobby,
    );
    const opening = new Promise<Omit<LobbyOpened, "connection">>((resolve, reject) => {
      const got: Partial<Omit<LobbyOpened, "connection">> = {};
      const offs = [
        connection.on(LobbyServerMessage.Welcome, (m) => ((got.welcome = m), done())),
        connection.on(LobbyServerMessage.PresenceSnapshot, (m) => ((got.presence = m), done())),
        connection.on(LobbyServerMessage.NotificationsUnread, (m) => ((got.notifications = m), done())),
        connection.onStatus((s) => {
          if (s.state !== "closed") return;
          offs.forEach((off) => off());
          reject(new Error(`lobby connection closed before the join completed (code ${s.code})`));
        }),
      ];
      function done() {
        if (!got.welcome || !got.presence || !got.notifications) return;
        offs.forEach((off) => off());
        resolve(got as Omit<LobbyOpened, "connection">);
      }
    });
    setup?.(connection);
    return { connection, ...(await opening) };
  }

  /** Takes the seat of a `match.found` (before its deadline): see MatchConnection. */
  async joinMatch(found: MatchFoundMessage): Promise<MatchConnection> {
    const room = await this.colyseus.consumeSeatReservation(found.reservation as Parameters<Client["consumeSeatReservation"]>[0]);
    return new MatchConnection(room, found, this.colyseus, this.options.match);
  }

  /**
   * Watches a match (the reply of `connection.spectate(accountId)`): a read-only room whose state
   * is the match's (MatchState), `reply.delaySeconds` behind it; it closes with 4202 (finished) or
   * 4201 (cancelled) once the end has been shown. Anything sent on it is refused.
   */
  async watchMatch(reply: MatchSpectateReply): Promise<Room> {
    return this.colyseus.consumeSeatReservation(reply.reservation as Parameters<Client["consumeSeatReservation"]>[0]);
  }

  private async openLobbyRoom(): Promise<Room> {
    const attempt = async () => {
      this.colyseus.auth.token = await this.tokens.fresh();
      return withBusyRetry(() => this.colyseus.joinOrCreate(RoomName.Lobby, {}), busyJoin, this.busyRetry);
    };
    try {
      return await attempt();
    } catch (err) {
      if (!authFailed(err)) throw err;
      await this.refresh();
      return attempt();
    }
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

  private adopt(auth: AuthResponse, why: "login" | "refresh" = "login"): AuthResponse {
    return this.tokens.adopt(auth, why);
  }

  private forget(): void {
    this.tokens.forget("logout");
    this.colyseus.http.authToken = undefined;
  }
}
