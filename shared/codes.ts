/**
 * Stable error codes. HTTP errors carry them as `error.code`; WS error messages as `code`.
 * Clients switch on these strings: never rename one, only add.
 */
export const ErrorCode = {
  InvalidRequest: "invalid_request",
  PayloadTooLarge: "payload_too_large",
  UnsupportedMediaType: "unsupported_media_type",
  NotFound: "not_found",
  MethodNotAllowed: "method_not_allowed",
  Unauthorized: "unauthorized",
  InvalidCredentials: "invalid_credentials",
  InvalidToken: "invalid_token",
  TokenExpired: "token_expired",
  InvalidRefreshToken: "invalid_refresh_token",
  RefreshTokenReused: "refresh_token_reused",
  Forbidden: "forbidden",
  UsernameTaken: "username_taken",
  WeakPassword: "weak_password",
  RateLimited: "rate_limited",
  LoginLocked: "login_locked",
  ServiceUnavailable: "service_unavailable",
  /** The process is admitting as many logins or joins as it can serve: retry after `Retry-After` seconds (with jitter). */
  ServerBusy: "server_busy",
  InvalidCursor: "invalid_cursor",
  AccountNotFound: "account_not_found",
  /** POST /me/upgrade by an account that is not a guest. */
  NotAGuest: "not_a_guest",
  /** A guest account cannot do this (change a password it does not have): upgrade first. */
  GuestAccount: "guest_account",
  /** POST /auth/device with a device whose guest account was upgraded: log in with username and password. */
  DeviceUpgraded: "device_upgraded",
  /** POST /auth/device while GUEST_ACCOUNTS is off. */
  GuestAccountsDisabled: "guest_accounts_disabled",
  /** SMTP_URL is not set: email addresses and password resets are unavailable. */
  MailDisabled: "mail_disabled",
  /** A mailed link's token is unknown, used already, or expired. */
  EmailTokenInvalid: "email_token_invalid",
  /** Verifying an address another account verified first. */
  EmailTaken: "email_taken",
  /** DELETE /me/sessions/{id}: not a live session of the caller's account. */
  SessionNotFound: "session_not_found",
  CannotTargetSelf: "cannot_target_self",
  FriendRequestNotFound: "friend_request_not_found",
  FriendRequestNotAllowed: "friend_request_not_allowed",
  FriendLimitReached: "friend_limit_reached",
  /** The caller blocked that player: unblock first. */
  PlayerBlocked: "player_blocked",
  ChatMessageEmpty: "chat_message_empty",
  ChatMessageTooLong: "chat_message_too_long",
  ChatRateLimited: "chat_rate_limited",
  ChatRepeated: "chat_repeated",
  /** The player is muted; `details.expiresAt` says until when. */
  Muted: "muted",
  ChannelNotFound: "channel_not_found",
  NotChannelMember: "not_channel_member",
  DmNotAllowed: "dm_not_allowed",
  MessageNotFound: "message_not_found",
  CannotReportOwnMessage: "cannot_report_own_message",
  PartyNotFound: "party_not_found",
  AlreadyInParty: "already_in_party",
  NotInParty: "not_in_party",
  NotPartyLeader: "not_party_leader",
  PartyFull: "party_full",
  /** Not friends, or a block between the players (which one is not revealed). */
  PartyInviteNotAllowed: "party_invite_not_allowed",
  PartyInviteNotFound: "party_invite_not_found",
  /** No party has this code (mistyped, expired, revoked), or it cannot be used by this player. */
  PartyCodeInvalid: "party_code_invalid",
  /**
   * The friend's party cannot be joined from presence: not friends, the friend is in no party, a
   * join policy says nobody, or a block between the player and a member (which is not revealed).
   */
  PartyJoinNotAllowed: "party_join_not_allowed",
  /** No pending join request from that player (answered, cancelled, expired, or they moved on). */
  PartyJoinRequestNotFound: "party_join_request_not_found",
  /**
   * The match cannot be watched: the player is in no match being played, spectating is off or
   * friends-only and they are not friends, their join policy says nobody, or a block between the
   * watcher and a player (which is not revealed).
   */
  SpectateNotAllowed: "spectate_not_allowed",
  /** The match has MATCH_SPECTATORS_MAX spectators already. */
  SpectatorsFull: "spectators_full",
  /** The party is searching or in a match: leave the queue first. */
  PartyBusy: "party_busy",
  NotPartyMember: "not_party_member",
  UnknownMode: "unknown_mode",
  UnknownRegion: "unknown_region",
  /** The party is bigger than a team of the mode. */
  PartyTooLarge: "party_too_large",
  /** Every member but the leader must be ready to queue. */
  PartyNotReady: "party_not_ready",
  AlreadyQueued: "already_queued",
  NotQueued: "not_queued",
  InMatch: "in_match",
  MatchNotFound: "match_not_found",
  /** No such game lobby, a private one asked for by id, or a block between the player and a member (not revealed). */
  GameLobbyNotFound: "game_lobby_not_found",
  FleetKeyNotFound: "fleet_key_not_found",
  /** The game server is not registered (any more): register again. */
  GameServerNotFound: "game_server_not_found",
  GameLobbyPasswordWrong: "game_lobby_password_wrong",
  GameLobbyFull: "game_lobby_full",
  GameLobbySlotTaken: "game_lobby_slot_taken",
  /** The lobby's start rules are not met (the message says which). */
  GameLobbyNotReady: "game_lobby_not_ready",
  AlreadyInGameLobby: "already_in_game_lobby",
  NotInGameLobby: "not_in_game_lobby",
  NotGameLobbyHost: "not_game_lobby_host",
  NotGameLobbyMember: "not_game_lobby_member",
  /** The account is banned; `details.expiresAt` says until when, or `details.permanent` is true. */
  AccountBanned: "account_banned",
  Internal: "internal_error",
  // realtime
  InvalidMessage: "invalid_message",
  UnknownMessage: "unknown_message",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes sent by the lobby server. 1000-1015 are standard; 4000-4010 are
 * Colyseus' own (CONSENTED 4000, SERVER_SHUTDOWN 4001, WITH_ERROR 4002, FAILED_TO_RECONNECT 4003,
 * MAY_TRY_RECONNECT 4010); 41xx are this service's. A client must not auto-reconnect on 41xx.
 */
export const CloseCode = {
  Normal: 1000,
  MessageTooBig: 1009,
  Consented: 4000,
  ServerShutdown: 4001,
  WithError: 4002,
  FailedToReconnect: 4003,
  MayTryReconnect: 4010,
  /** The session behind the connection ended: logout, logout-all, token family revoked. */
  SessionRevoked: 4101,
  /** The account was deleted or disabled. */
  AccountClosed: 4102,
  /** An operator banned the account (its sessions are revoked too). */
  Banned: 4103,
  /** An operator kicked the connection; the session stays valid and the player may rejoin. */
  Kicked: 4104,
  /** Match room: a player did not join in time and the match was called off. */
  MatchCancelled: 4201,
  /** Match room: the match is over. */
  MatchFinished: 4202,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Colyseus matchmaking error code for a refused join (HTTP matchmake request). */
export const MatchmakeErrorCode = {
  AuthFailed: 525,
  /** The process is admitting as many joins as it can (HTTP 503): retry after a pause with jitter. */
  ServerBusy: 503,
} as const;
