import type { AuthResponse, LoginRequest, MeResponse, RegisterRequest } from "../schemas/auth";
import type { z } from "zod";
import type {
  AccountSettings,
  ChatHistoryResponse,
  ChatReportBodySchema,
  ChatUnreadMessage,
  PublicChannelsResponseSchema,
} from "../schemas/chat";
import type { ErrorBody } from "../schemas/common";
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

  constructor(baseUrl: string, private readonly fetchImpl: FetchLike = globalThis.fetch.bind(globalThis)) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  register(body: RegisterRequest): Promise<AuthResponse> {
    return this.request("POST", "/auth/register", { body });
  }

  login(body: LoginRequest): Promise<AuthResponse> {
    return this.request("POST", "/auth/login", { body });
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

  deleteAccount(accessToken: string, password: string): Promise<void> {
    return this.request("DELETE", "/me", { accessToken, body: { password } });
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

  /** Any JSON route; throws LobbyApiError on a non-2xx answer. */
  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; accessToken?: string; headers?: Record<string, string> } = {},
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
