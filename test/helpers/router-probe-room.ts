import { matchMaker, Room } from "@colyseus/core";
import { z } from "zod";
import { ErrorCode } from "../../shared/codes";
import { AppError } from "../../server/lib/errors";
import { createLogger } from "../../server/lib/logger";
import { MessageRouter } from "../../server/realtime/message-router";
import { SendBacklogGuard } from "../../server/realtime/send-backlog";
import { Limits } from "../../shared/limits";

export const ROUTER_PROBE_ROOM = "router_probe";
export const EchoSchema = z.strictObject({ text: z.string().max(16) });

/**
 * A room defined by the test (the server runs in-process) that routes its messages through the
 * lobby's real MessageRouter: the lobby has no client message of its own in this issue, and the
 * router's validation and error mapping must hold before later capabilities add some.
 */
class RouterProbeRoom extends Room {
  override onCreate(): void {
    const logger = createLogger("silent");
    const router = new MessageRouter(this, logger, new SendBacklogGuard(Limits.wsSendBacklogMaxBytes, () => undefined, logger));
    router.on("echo", EchoSchema, (client, message) => client.send("echo", message));
    router.on("explode", z.object({}), () => {
      throw new Error("kaboom: secret internals");
    });
    router.on("explode_async", z.object({}), async () => {
      throw new Error("kaboom: secret internals");
    });
    router.on("refuse", z.object({}), () => {
      throw new AppError(ErrorCode.Forbidden, "Not allowed.");
    });
  }
}

export function defineRouterProbeRoom(): void {
  matchMaker.defineRoomType(ROUTER_PROBE_ROOM, RouterProbeRoom);
}
