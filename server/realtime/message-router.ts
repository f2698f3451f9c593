import type { Client, Room } from "@colyseus/core";
import type { z } from "zod";
import { ErrorCode } from "../../shared/codes";
import { LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { isAppError } from "../lib/errors";
import { isDatabaseUnavailable } from "../db/db-errors";
import { isBackplaneUnavailable } from "../lib/redis";
import type { Logger } from "../lib/logger";
import type { BackloggedSocket, SendBacklogGuard } from "./send-backlog";

type Handler<S extends z.ZodType> = (client: Client, message: z.output<S>) => unknown;

export function sendError(client: Client, code: string, message: string, type?: string, details?: WsErrorMessage["details"]): void {
  const body: WsErrorMessage = { code, message, ...(type ? { type } : {}), ...(details ? { details } : {}) };
  client.send(LobbyServerMessage.Error, body);
}

/**
 * Registers validated message handlers on a room. A message that fails its schema, names an
 * unknown type or makes the handler throw gets an `error` message back; the connection stays
 * open and the process never sees an uncaught exception. Sent as a request (`room.request`), a
 * message is answered once its handler has finished, with the handler's result (nothing after a
 * refusal, which still comes as the `error` message).
 */
export class MessageRouter {
  constructor(
    private readonly room: Room,
    private readonly logger: Logger,
    /** A connection that keeps asking while it does not read the answers is cut, not served. */
    private readonly backlog: SendBacklogGuard,
  ) {
    room.onMessage("*", (client: Client, type: string | number) => {
      if (this.backlogged(client)) return;
      sendError(client, ErrorCode.UnknownMessage, `Unknown message type.`, String(type).slice(0, 64));
    });
  }

  on<S extends z.ZodType>(type: string, schema: S, handler: Handler<S>): void {
    this.room.onMessage(type, (client: Client, raw: unknown) => {
      if (this.backlogged(client)) return;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
        sendError(client, ErrorCode.InvalidMessage, `${where}${issue?.message ?? "invalid message"}`, type);
        return;
      }
      return this.run(client, type, () => handler(client, parsed.data));
    });
  }

  private backlogged(client: Client): boolean {
    return this.backlog.cutIfBacklogged(client.ref as unknown as Partial<BackloggedSocket>);
  }

  private async run(client: Client, type: string, fn: () => unknown): Promise<unknown> {
    try {
      return await fn();
    } catch (err) {
      if (isAppError(err)) {
        sendError(client, err.code, err.message, type, err.extra.details);
        return undefined;
      }
      if (isDatabaseUnavailable(err)) {
        this.logger.warn({ type, roomId: this.room.roomId }, "message refused: the database is unavailable");
        sendError(client, ErrorCode.ServiceUnavailable, "The service is temporarily unavailable. Try again shortly.", type);
        return undefined;
      }
      if (isBackplaneUnavailable(err)) {
        // Not one line per message: BackplaneHealth logs the outage once.
        this.logger.debug({ type, roomId: this.room.roomId }, "message refused: Redis is not answering");
        sendError(client, ErrorCode.ServiceUnavailable, "The service is temporarily unavailable. Try again shortly.", type);
        return undefined;
      }
      this.logger.error({ err, type, roomId: this.room.roomId }, "message handler failed");
      sendError(client, ErrorCode.Internal, "Internal server error.", type);
      return undefined;
    }
  }
}
