import { ErrorCode } from "../../shared/codes";
import type { FieldIssue } from "../../shared/schemas/common";

export { ErrorCode };

const DEFAULT_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.WeakPassword]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.InvalidToken]: 401,
  [ErrorCode.TokenExpired]: 401,
  [ErrorCode.InvalidRefreshToken]: 401,
  [ErrorCode.RefreshTokenReused]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.UsernameTaken]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.LoginLocked]: 429,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.ServerBusy]: 503,
  [ErrorCode.Internal]: 500,
  [ErrorCode.InvalidCursor]: 400,
  [ErrorCode.CannotTargetSelf]: 400,
  [ErrorCode.AccountNotFound]: 404,
  [ErrorCode.SessionNotFound]: 404,
  [ErrorCode.MailDisabled]: 403,
  [ErrorCode.EmailTokenInvalid]: 400,
  [ErrorCode.EmailTaken]: 409,
  [ErrorCode.NotAGuest]: 409,
  [ErrorCode.GuestAccount]: 409,
  [ErrorCode.DeviceUpgraded]: 409,
  [ErrorCode.GuestAccountsDisabled]: 403,
  [ErrorCode.FriendRequestNotFound]: 404,
  [ErrorCode.FriendRequestNotAllowed]: 403,
  [ErrorCode.PlayerBlocked]: 409,
  [ErrorCode.FriendLimitReached]: 409,
  [ErrorCode.ChatMessageEmpty]: 400,
  [ErrorCode.ChatMessageTooLong]: 400,
  [ErrorCode.ChatRateLimited]: 429,
  [ErrorCode.ChatRepeated]: 429,
  [ErrorCode.Muted]: 403,
  [ErrorCode.ChannelNotFound]: 404,
  [ErrorCode.NotChannelMember]: 403,
  [ErrorCode.DmNotAllowed]: 403,
  [ErrorCode.MessageNotFound]: 404,
  [ErrorCode.CannotReportOwnMessage]: 400,
  [ErrorCode.PartyNotFound]: 404,
  [ErrorCode.AlreadyInParty]: 409,
  [ErrorCode.NotInParty]: 409,
  [ErrorCode.NotPartyLeader]: 403,
  [ErrorCode.PartyFull]: 409,
  [ErrorCode.PartyInviteNotAllowed]: 403,
  [ErrorCode.PartyInviteNotFound]: 404,
  [ErrorCode.PartyBusy]: 409,
  [ErrorCode.NotPartyMember]: 404,
  [ErrorCode.UnknownMode]: 400,
  [ErrorCode.UnknownRegion]: 400,
  [ErrorCode.PartyTooLarge]: 409,
  [ErrorCode.PartyNotReady]: 409,
  [ErrorCode.AlreadyQueued]: 409,
  [ErrorCode.NotQueued]: 409,
  [ErrorCode.InMatch]: 409,
  [ErrorCode.MatchNotFound]: 404,
  [ErrorCode.GameLobbyNotFound]: 404,
  [ErrorCode.FleetKeyNotFound]: 404,
  [ErrorCode.GameServerNotFound]: 404,
  [ErrorCode.GameLobbyPasswordWrong]: 403,
  [ErrorCode.GameLobbyFull]: 409,
  [ErrorCode.GameLobbySlotTaken]: 409,
  [ErrorCode.GameLobbyNotReady]: 409,
  [ErrorCode.AlreadyInGameLobby]: 409,
  [ErrorCode.NotInGameLobby]: 409,
  [ErrorCode.NotGameLobbyHost]: 403,
  [ErrorCode.NotGameLobbyMember]: 404,
  [ErrorCode.AccountBanned]: 403,
};

/**
 * An expected failure with a stable code. Services throw these; edges map them to HTTP statuses
 * or WS error messages. Anything else reaching an edge is a bug and becomes a generic 500.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      fields?: FieldIssue[];
      retryAfterSeconds?: number;
      status?: number;
      /** Machine-readable specifics (e.g. a mute's expiresAt), passed to the client as-is. */
      details?: Record<string, string | number | boolean>;
    } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = extra.status ?? DEFAULT_STATUS[code] ?? 400;
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
