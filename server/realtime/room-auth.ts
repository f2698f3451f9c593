import { ErrorCode as ColyseusErrorCode, ServerError } from "@colyseus/core";
import { isAppError } from "../lib/errors";
import type { Logger } from "../lib/logger";
import type { AuthService } from "../modules/auth/auth.service";
import type { AuthContext } from "../modules/auth/auth.types";

/**
 * Authenticates a room join from the token @colyseus/sdk sends (`client.auth.token`). Runs in the
 * matchmaking request, before any seat is reserved, so a refused join leaves nothing behind.
 */
export async function authenticateJoin(auth: AuthService, logger: Logger, token: string | undefined): Promise<AuthContext> {
  if (!token) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "An access token is required.");
  try {
    return await auth.authenticate(token);
  } catch (err) {
    if (isAppError(err)) throw new ServerError(ColyseusErrorCode.AUTH_FAILED, err.message);
    logger.error({ err }, "room authentication failed unexpectedly");
    throw new ServerError(ColyseusErrorCode.AUTH_FAILED, "Authentication is unavailable. Try again shortly.");
  }
}
