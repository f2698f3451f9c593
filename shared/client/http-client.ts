import type { AuthResponse, ChangePasswordRequest, DeviceAuthRequest, LoginRequest, MeResponse, RegisterRequest, SessionListResponse, UpdateMeRequest, UpgradeRequest, UpgradeResponse } from "../schemas/auth";
import type { z } from "zod";
import type {
  AccountSettings,
  ChatHistoryResponse,
  ChatReportBodySchema,
  ChatUnreadMessage,
  PublicChannelsResponseSchema,
} from "../schemas/chat";
import type { ErrorBody } from "../schemas/common";
import type { AccountExport } from "../schemas/account-export";
import type { MatchHistoryResponse, RatingsResponse } from "../schemas/match";
import type { GameLobbyListResponse } from "../schemas/game-lobby";
import type { MarkReadBody, NotificationListResponse } from "../schemas/notifications";
import type { BlockListResponse, FriendListResponse, FriendListState, FriendRequestResult } from "../schemas/social";

/** An HTTP error answered by the lobby server, with its stable code. */
export class LobbyApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: ErrorBody | undefined,
    readonly headers: Headers,
  ) {
    super(message);
    this.name = "LobbyApiError";
  }
}

export type FetchLike = typeof fetch;

/**
 * How the client answers 503 `server_busy` (admission control: the server is admitting as much
 * as it can). It waits the server's Retry-After plus a random jitter that doubles with each try
 * (so a crowd refused together does not come back together), then retries, a bounded number of
 * times; the last refusal is thrown. A busy refusal means the server did nothing, so any request
 * may be retried.
 */
export interface BusyRetryOptions {
  /** Retries after the first refusal (default 4; 0 disables). */
  retries?: number;
  /** Wait when the answer has no Retry-After (default 1000 ms). */
  defaultRetryAfterMs?: number;
  /** Jitter of the first retry is random in [0, jitterMs); it doubles per retry (default 500 ms). */
  jitterMs?: number;
  /** Longest single wait (default 30 s). */
  maxDelayMs?: number;
  /** Injected for tests: waits `ms`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: uniform in [0, 1). */
  random?: () => number;
}

export const SERVER_BUSY_CODE = "server_busy";

/** The wait before retry number `attempt` (0-based) after a busy refusal that said `retryAfterMs`. */
export function busyRetryDelayMs(attempt: number, retryAfterMs: number | undefined, o: BusyRetryOptions = {}): number {
  const base = retryAfterMs ?? o.defaultRetryAfterMs ?? 1000;
  const jitter = (o.random ?? Math.random)() * (o.jitterMs ?? 500) * 2 ** attempt;
  return Math.min(o.maxDelayMs ?? 30_000, base + jitter);
}

/**
 * Runs `operation`, retrying it with busyRetryDelayMs while `busy(err)` says the refusal was 503
 * server_busy (and answers its Retry-After in ms, or undefined when none was given).
 */
export async function withBusyRetry<T>(
  operation: () => Promise<T>,
  busy: (err: unknown) => { retryAfterMs: number | undefined } | false,
  o: BusyRetryOptions = {},
): Promise<T> {
  const retries = o.retries ?? 4;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      const refusal = busy(err);
      if (!refusal || attempt >= retries) throw err;
      await sleep(busyRetryDelayMs(attempt, refusal.retryAfterMs, o));
    }
  }
}

/** A 503 server_busy LobbyApiError, with its Retry-After header in ms. */
function busyRefusal(err: unknown): { retryAfterMs: number | undefined } | false {
  if (!(err instanceof LobbyApiError) || err.status !== 503 || err.code !== SERVER_BUSY_CODE) return false;
  const header = err.headers.get("retry-after");
  const seconds = header === null ? Number.NaN : Number(header);
  return { retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined };
}

export type ChatChannelsResponse = z.infer<typeof PublicChannelsResponseSchema>;
export type ChatReportBody = z.input<typeof ChatReportBodySchema>;
/** `cursor` pages back (newest first); `afterSeq` catches up (oldest first). Not both. */
export type ChatHistoryQuery = {
  limit?: number;
  cursor?: string;
  afterSeq?: number;
};

/** Typed calls to the lobby's HTTP gateway. Browser- and Node-compatible (uses fetch). */
export class LobbyHttpClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: FetchLike = globalThis.fetch.bind(globalThis),
    /** Back-off on 503 server_busy (see BusyRetryOptions); `{ retries: 0 }` turns it off. */
    private readonly busyRetry: BusyRetryOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  register(body: RegisterRequest): Promise<AuthResponse> {
    return this.request("POST", "/auth/register", { body });
  }

  login(body: LoginRequest): Promise<AuthResponse> {
    return this.request("POST", "/auth/login", { body });
  }

  /** A guest account's session (created with the device's first call: HTTP 201). */
  deviceLogin(body: DeviceAuthRequest): Promise<AuthResponse> {
    return this.request("POST", "/auth/device", { body });
  }

  upgrade(accessToken: string, body: UpgradeRequest): Promise<UpgradeResponse> {
    return this.request("POST", "/me/upgrade", { accessToken, body });
  }

  refresh(refreshToken: string): Promise<AuthResponse> {
    return this.request("POST", "/auth/refresh", { body: { refreshToken } });
  }

  logout(refreshToken: string): Promise<void> {
    return this.request("POST", "/auth/logout", { body: { refreshToken } });
  }

  logoutAll(accessToken: string): Promise<void> {
    return this.request("POST", "/auth/logout-all", { accessToken });
  }

  me(accessToken: string): Promise<MeResponse> {
    return this.request("GET", "/me", { accessToken });
  }

  /** Sets the display name (how others see the player); the username stays the login handle. */
  updateMe(accessToken: string, body: UpdateMeRequest): Promise<MeResponse> {
    return this.request("PATCH", "/me", { accessToken, body });
  }

  deleteAccount(accessToken: string, password: string): Promise<void> {
    return this.request("DELETE", "/me", { accessToken, body: { password } });
  }

  /** Answers a fresh token pair for this session; every other session of the account ends. */
  changePassword(accessToken: string, body: ChangePasswordRequest): Promise<AuthResponse> {
    return this.request("POST", "/me/password", { accessToken, body });
  }

  /** Sets the address for password recovery: it is verified by the link mailed to it. */
  setEmail(accessToken: string, email: string): Promise<{ pendingEmail: string }> {
    return this.request("PUT", "/me/email", { accessToken, body: { email } });
  }

  verifyEmail(token: string): Promise<{ email: string }> {
    return this.request("POST", "/auth/email/verify", { body: { token } });
  }

  /** Always accepted: a verified address gets a reset link. */
  requestPasswordReset(email: string): Promise<void> {
    return this.request("POST", "/auth/password-reset", { body: { email } });
  }

  /** Sets the new password; every session of the account ends (log in again). */
  confirmPasswordReset(token: string, newPassword: string): Promise<void> {
    return this.request("POST", "/auth/password-reset/confirm", { body: { token, newPassword } });
  }

  /** Everything the account owns (data-protection export); a few per hour. */
  exportAccount(accessToken: string): Promise<AccountExport> {
    return this.request("GET", "/me/export", { accessToken });
  }

  sessions(accessToken: string): Promise<SessionListResponse> {
    return this.request("GET", "/me/sessions", { accessToken });
  }

  endSession(accessToken: string, sessionId: string): Promise<void> {
    return this.request("DELETE", `/me/sessions/${encodeURIComponent(sessionId)}`, { accessToken });
  }

  // Social graph (the lobby connection announces every change as `friends.update`).

  sendFriendRequest(accessToken: string, username: string): Promise<FriendRequestResult> {
    return this.request("POST", "/friends/requests", { accessToken, body: { username } });
  }

  acceptFriendRequest(accessToken: string, accountId: string): Promise<FriendRequestResult> {
    return this.request("POST", `/friends/requests/${encodeURIComponent(accountId)}/accept`, { accessToken });
  }

  declineFriendRequest(accessToken: string, accountId: string): Promise<void> {
    return this.request("POST", `/friends/requests/${encodeURIComponent(accountId)}/decline`, { accessToken });
  }

  cancelFriendRequest(accessToken: string, accountId: string): Promise<void> {
    return this.request("DELETE", `/friends/requests/${encodeURIComponent(accountId)}`, { accessToken });
  }

  removeFriend(accessToken: string, accountId: string): Promise<void> {
    return this.request("DELETE", `/friends/${encodeURIComponent(accountId)}`, { accessToken });
  }

  friends(accessToken: string, query: { limit?: number; cursor?: string; state?: FriendListState } = {}): Promise<FriendListResponse> {
    return this.request("GET", `/friends${queryString(query)}`, { accessToken });
  }

  block(accessToken: string, accountId: string): Promise<void> {
    return this.request("POST", "/blocks", { accessToken, body: { accountId } });
  }

  unblock(accessToken: string, accountId: string): Promise<void> {
    return this.request("DELETE", `/blocks/${encodeURIComponent(accountId)}`, { accessToken });
  }

  blocks(accessToken: string, query: { limit?: number; cursor?: string } = {}): Promise<BlockListResponse> {
    return this.request("GET", `/blocks${queryString(query)}`, { accessToken });
  }

  notifications(accessToken: string, query: { limit?: number; cursor?: string; unread?: boolean } = {}): Promise<NotificationListResponse> {
    return this.request("GET", `/notifications${queryString(query)}`, { accessToken });
  }

  markNotificationsRead(accessToken: string, body: MarkReadBody): Promise<{ updated: number }> {
    return this.request("POST", "/notifications/read", { accessToken, body });
  }

  // Chat (live messages travel on the lobby connection; these read history and file reports).

  /** The configured public channels. */
  chatChannels(accessToken: string): Promise<ChatChannelsResponse> {
    return this.request("GET", "/chat/channels", { accessToken });
  }

  /**
   * A channel's messages the caller may read: older pages newest first (`cursor` = the previous
   * page's `nextCursor`), or a catch-up oldest first (`afterSeq` = the last seq the client has).
   */
  chatHistory(accessToken: string, channelId: string, query: ChatHistoryQuery = {}): Promise<ChatHistoryResponse> {
    return this.request("GET", `/chat/channels/${encodeURIComponent(channelId)}/messages${queryString(query)}`, { accessToken });
  }

  /** Direct-message channels with unread messages. */
  chatUnread(accessToken: string): Promise<ChatUnreadMessage> {
    return this.request("GET", "/chat/unread", { accessToken });
  }

  /** Reports a message; answers how many distinct players reported it. Repeating a report changes nothing. */
  reportChatMessage(accessToken: string, messageId: string, body: ChatReportBody): Promise<{ reports: number }> {
    return this.request("POST", `/chat/messages/${encodeURIComponent(messageId)}/reports`, { accessToken, body });
  }

  /** The caller's privacy settings. */
  settings(accessToken: string): Promise<AccountSettings> {
    return this.request("GET", "/me/settings", { accessToken });
  }

  /** Changes some of the caller's settings; answers all of them. */
  updateSettings(accessToken: string, patch: Partial<AccountSettings>): Promise<AccountSettings> {
    return this.request("PATCH", "/me/settings", { accessToken, body: patch });
  }

  // Matches and ratings.

  /** The caller's finished and cancelled matches, newest first (`cursor` = the previous page's `nextCursor`). */
  matchHistory(accessToken: string, query: { limit?: number; cursor?: string } = {}): Promise<MatchHistoryResponse> {
    return this.request("GET", `/matches/history${queryString(query)}`, { accessToken });
  }

  /** The caller's ratings per mode played. */
  ratings(accessToken: string): Promise<RatingsResponse> {
    return this.request("GET", "/ratings", { accessToken });
  }

  /** Any player's ratings (public, like a ladder). */
  playerRatings(accessToken: string, accountId: string): Promise<RatingsResponse> {
    return this.request("GET", `/players/${encodeURIComponent(accountId)}/ratings`, { accessToken });
  }

  /** The lobby browser: public custom game lobbies, newest first (`cursor` = the previous page's `nextCursor`). */
  gameLobbies(accessToken: string, query: { mode?: string; region?: string; hasRoom?: boolean; q?: string; limit?: number; cursor?: string } = {}): Promise<GameLobbyListResponse> {
    return this.request("GET", `/lobbies${queryString(query)}`, { accessToken });
  }

  /** Any JSON route; throws LobbyApiError on a non-2xx answer. Retries 503 server_busy (see BusyRetryOptions). */
  request<T>(method: string, path: string, opts: { body?: unknown; accessToken?: string; headers?: Record<string, string> } = {}): Promise<T> {
    return withBusyRetry(() => this.requestOnce<T>(method, path, opts), busyRefusal, this.busyRetry);
  }

  private async requestOnce<T>(
    method: string,
    path: string,
    opts: { body?: unknown; accessToken?: string; headers?: Record<string, string> },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;
    const res = await this.fetchImpl(this.baseUrl + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const body = json as ErrorBody | undefined;
      throw new LobbyApiError(
        res.status,
        body?.error?.code ?? "http_error",
        body?.error?.message ?? `HTTP ${res.status}`,
        body,
        res.headers,
      );
    }
    return json as T;
  }
}

function queryString(query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
