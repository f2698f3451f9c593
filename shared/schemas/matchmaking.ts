import { z } from "zod";

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
export const SeatReservationSchema = z.object({
  name: z.string(),
  roomId: z.string(),
  sessionId: z.string(),
  processId: z.string().optional(),
  publicAddress: z.string().optional(),
  reconnectionToken: z.string().optional(),
  devMode: z.boolean().optional(),
});

/** Server -> client `match.found`: join the match room with the reservation before `deadline`. */
export const MatchFoundMessageSchema = z.object({
  matchId: z.uuid(),
  mode: z.string(),
  region: z.string(),
  team: z.number().int(),
  deadline: z.iso.datetime(),
  reservation: SeatReservationSchema,
});
export type MatchFoundMessage = z.infer<typeof MatchFoundMessageSchema>;

/** Server -> client `match.cancelled`: the hand-off failed; `requeued` says whether the search resumed. */
export const MatchCancelledMessageSchema = z.object({ matchId: z.uuid(), requeued: z.boolean() });
export type MatchCancelledMessage = z.infer<typeof MatchCancelledMessageSchema>;

export const QueueStatsSchema = z.object({
  queues: z.array(
    z.object({
      mode: z.string(),
      region: z.string(),
      /** Tickets and players waiting now. */
      tickets: z.number().int(),
      players: z.number().int(),
    }),
  ),
  /** Over the sliding window: seconds from queueing to a match, and the matcher's quality. */
  window: z.object({
    minutes: z.number(),
    matches: z.number().int(),
    waitP50Seconds: z.number().nullable(),
    waitP95Seconds: z.number().nullable(),
    averageQuality: z.number().nullable(),
  }),
});
export type QueueStats = z.infer<typeof QueueStatsSchema>;
