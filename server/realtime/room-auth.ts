import { ErrorCode as ColyseusErrorCode, ServerError } from "@colyseus/core";
import { MatchmakeErrorCode } from "../../shared/codes";
import { ErrorCode, isAppError } from "../lib/errors";
import type { JoinAdmission } from "./join-admission";
import type { Logger } from "../lib/logger";
import type { AuthService } from "../modules/auth/auth.service";
import { isDatabaseUnavailable } from "../db/db-errors";
import { isBackplaneUnavailable } from "../lib/redis";

/**
 * What a lobby connection carries as `client.auth`.
 *
 * Never give it a `sessionId` field: Colyseus takes `auth.sessionId` as the id of the seat it
 * reserves (MatchMaker.reserveSeatFor), so two connections of one login would share a seat and
 * the login's id would be shown to other clients as the connection's id.
 */
export interface LobbyAuth {
  accountId: string;
  username: string;
  /** What others see; updated in place when the player renames (AccountEvents). */
  displayName: string;
  /** The login session (the `sid` of the access token) this connection belongs to. */
  authSessionId: string;
  /** The join's admission ticket (see JoinAdmission), given back once onJoin is done. */
  admission?: string;
}

/**
 * Waits for a join slot. Past the queue the matchmake request fails with HTTP 503 and
 * MatchmakeErrorCode.ServerBusy: the client retries after a pause with jitter.
 */
export async function admitJoin(admission: JoinAdmission): Promise<string> {
  try {
    return await admission.admit();
  } catch (err) {
    if (isAppError(err) && err.code === ErrorCode.ServerBusy) {
      throw new ServerError(MatchmakeErrorCode.ServerBusy, "server_busy: the server is admitting as many players as it can. Retry in a moment.");
    }
    throw err;
  }
}

/**
 * Authenticates a room join from the token @colyseus/sdk sends (`client.auth.token`). Runs in the
 * matchmaking request, before any seat is reserved, so a refused join leaves nothing behind.
 */
export async function authenticateJoin(auth: AuthService, logger: Logger, token: string | undefined): Promise<LobbyAuth> {
  if (!token) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "An access token is required.");
  try {
    const ctx = await auth.authenticate(token);
    return { accountId: ctx.accountId, username: ctx.username, displayName: ctx.displayName, authSessionId: ctx.sessionId };
  } catch (err) {
    if (isAppError(err)) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, err.message);
    // A store outage is not the token's fault: 503 like a busy server, so the client retries with
    // jitter instead of logging in again; /readyz and the outage's own log line report it.
    if (isDatabaseUnavailable(err) || isBackplaneUnavailable(err)) {
      logger.warn({ err: { message: (err as Error).message } }, "room authentication refused: a store is unavailable");
      throw new ServerError(MatchmakeErrorCode.ServerBusy, "service_unavailable: authentication is unavailable. Retry in a moment.");
    }
    logger.error({ err }, "room authentication failed unexpectedly");
    throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Authentication is unavailable. Try again shortly.");
  }
}
