import { z } from "zod";
import { MatchmakeErrorCode } from "../codes";

const NAME = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "is not a mode or region name");

/** Client -> server `queue.join`: the leader (or a solo player) queues the whole party. */
export const QueueJoinMessageSchema = z.strictObject({ mode: NAME, region: NAME });
export type QueueJoinMessage = z.input<typeof QueueJoinMessageSchema>;

/** Server -> client `queue.update`: this player's queue state changed. */
export const QueueUpdateMessageSchema = z.object({
  state: z.enum(["searching", "idle", "matched"]),
  mode: z.string().optional(),
  region: z.string().optional(),
  /** When the search started (ISO), while searching. */
  since: z.iso.datetime().optional(),
  /** Why the search ended, when idle: cancelled by a player, the party changed, a member left, a match fell through. */
  reason: z.enum(["cancelled", "party_changed", "member_left", "disconnected", "match_cancelled"]).optional(),
});
export type QueueUpdateMessage = z.infer<typeof QueueUpdateMessageSchema>;

/** The seat reservation to pass to the SDK's `consumeSeatReservation`. */
export const SeatReservationSchema = z
  .object({
    name: z.string().meta({ description: "The room name." }),
    roomId: z.string(),
    sessionId: z.string().meta({ description: "The connection's id in the room (`?sessionId=` on the socket)." }),
    processId: z
      .string()
      .optional()
      .meta({ description: "The process that holds the room: the socket path is `/{processId}/{roomId}`." }),
    publicAddress: z.string().optional().meta({ description: "That process's `PUBLIC_ADDRESS`, when several processes run." }),
    reconnectionToken: z.string().optional(),
    devMode: z.boolean().optional(),
  })
  .meta({ id: "SeatReservation", description: "A seat reserved by Colyseus' matchmaker (@colyseus/sdk `ISeatReservation`)." });

/** Join options of POST /matchmake/{method}/{roomName}. */
export const MatchmakeOptionsSchema = z.object({ reconnectionToken: z.string().optional() });

/** Colyseus' answer to a refused matchmaking request (its `code` is the HTTP status). */
export const MatchmakeErrorSchema = z
  .object({ code: z.literal([MatchmakeErrorCode.ServerBusy, 522, 523, 524, MatchmakeErrorCode.AuthFailed]), error: z.string() })
  .meta({ id: "MatchmakeError", description: "Colyseus' matchmaking error body. `code` equals the HTTP status; `error` is a human-readable message." });

/** Server -> client `match.found`: join the match room with the reservation before `deadline`. */
export const MatchFoundMessageSchema = z.object({
  matchId: z.uuid(),
  mode: z.string(),
  region: z.string(),
  team: z.number().int(),
  deadline: z.iso.datetime(),
  reservation: SeatReservationSchema,
  /** Present (true) when the seat is a leaver's in a match already being played (backfill). */
  backfill: z.literal(true).optional(),
});
export type MatchFoundMessage = z.infer<typeof MatchFoundMessageSchema>;

/** Client -> server `match.spectate`: watch the match the player `accountId` is playing. */
export const MatchSpectateMessageSchema = z.strictObject({ accountId: z.uuid() });

/** Reply to `match.spectate`: join the `spectate` room with `client.consumeSeatReservation(reservation)`. */
export const MatchSpectateReplySchema = z.object({
  matchId: z.uuid(),
  mode: z.string(),
  /** How far behind the match the spectators' state runs (MATCH_SPECTATOR_DELAY_SECONDS). */
  delaySeconds: z.number().int(),
  reservation: SeatReservationSchema,
});
export type MatchSpectateReply = z.infer<typeof MatchSpectateReplySchema>;

/** Server -> client `match.cancelled`: the hand-off failed; `requeued` says whether the search resumed. */
export const MatchCancelledMessageSchema = z.object({ matchId: z.uuid(), requeued: z.boolean() });
export type MatchCancelledMessage = z.infer<typeof MatchCancelledMessageSchema>;

export const QueueStatsSchema = z
  .object({
    queues: z
      .array(
        z.object({
          mode: z.string(),
          region: z.string(),
          tickets: z.number().int(),
          players: z.number().int(),
        }),
      )
      .meta({ description: "Tickets and players waiting now, per mode and region." }),
    window: z
      .object({
        minutes: z.number(),
        matches: z.number().int(),
        waitP50Seconds: z.number().nullable().meta({ description: "Seconds from queueing to a match." }),
        waitP95Seconds: z.number().nullable(),
        averageQuality: z.number().nullable().meta({ description: "The matcher's predicted quality (draw probability)." }),
      })
      .meta({ description: "Matches formed over the sliding window." }),
  })
  .meta({ id: "QueueStats" });
export type QueueStats = z.infer<typeof QueueStatsSchema>;
