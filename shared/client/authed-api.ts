import type { LobbyHttpClient } from "./http-client";

/** The LobbyHttpClient calls whose first argument is the access token. */
const AUTHED = [
  "me",
  "updateMe",
  "sendFriendRequest",
  "acceptFriendRequest",
  "declineFriendRequest",
  "cancelFriendRequest",
  "removeFriend",
  "friends",
  "block",
  "unblock",
  "blocks",
  "notifications",
  "markNotificationsRead",
  "chatChannels",
  "chatHistory",
  "chatUnread",
  "reportChatMessage",
  "settings",
  "updateSettings",
  "matchHistory",
  "ratings",
  "playerRatings",
  "gameLobbies",
  "sessions",
  "exportAccount",
  "setEmail",
] as const satisfies readonly (keyof LobbyHttpClient)[];

type Authed = (typeof AUTHED)[number];
type WithoutToken<F> = F extends (accessToken: string, ...rest: infer A) => infer R ? (...rest: A) => R : never;

/** Each call of LobbyHttpClient that needs a token, without its token argument. */
export type AuthedApi = { [K in Authed]: WithoutToken<LobbyHttpClient[K]> };

export function authedApi(http: LobbyHttpClient, withToken: <T>(call: (token: string) => Promise<T>) => Promise<T>): AuthedApi {
  const api: Record<string, unknown> = {};
  for (const name of AUTHED) {
    const method = http[name] as (token: string, ...rest: unknown[]) => Promise<unknown>;
    api[name] = (...rest: unknown[]) => withToken((token) => method.call(http, token, ...rest));
  }
  return api as AuthedApi;
}
