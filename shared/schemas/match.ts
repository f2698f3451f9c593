import { z } from "zod";
import { PageQuerySchema, PublicAccountSchema } from "./social";

/** Client -> server in the `match` room. */
export const MatchClientMessage = {
  /** One point for the player's team (server-side cooldown). */
  Score: "match.score",
} as const;

/** Server -> client in the `match` room. */
export const MatchServerMessage = {
  /** The match result, just before the room closes (close code 4202). */
  Result: "match.result",
  Error: "error",
} as const;

export const MatchScoreMessageSchema = z.strictObject({});

export const MatchResultMessageSchema = z.object({
  matchId: z.uuid(),
  winnerTeam: z.number().int().nullable(),
  scores: z.array(z.number().int()),
  ratings: z.array(
    z.object({
      accountId: z.uuid(),
      team: z.number().int(),
      before: z.number(),
      after: z.number(),
    }),
  ),
  reason: z.enum(["target_reached", "forfeit"]),
});
export type MatchResultMessage = z.infer<typeof MatchResultMessageSchema>;

export const RatingSchema = z.object({
  mode: z.string(),
  mu: z.number(),
  sigma: z.number(),
  /** mu - 3 sigma: what players see. New players start at 0. */
  display: z.number(),
  games: z.number().int(),
});
export type Rating = z.infer<typeof RatingSchema>;
/** A player's ratings in the modes they have finished a match in (a mode never played is absent: display 0). */
export const RatingsResponseSchema = z.object({ accountId: z.uuid(), ratings: z.array(RatingSchema) });
export type RatingsResponse = z.infer<typeof RatingsResponseSchema>;

export const MatchHistoryQuerySchema = PageQuerySchema;
export type MatchHistoryQuery = z.input<typeof MatchHistoryQuerySchema>;

export const MatchHistoryEntrySchema = z.object({
  id: z.uuid(),
  mode: z.string(),
  region: z.string(),
  status: z.enum(["finished", "cancelled"]),
  quality: z.number(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  winnerTeam: z.number().int().nullable(),
  /** The caller's team, score and display rating change (ratingAfter null: not rated, e.g. cancelled). */
  you: z.object({ team: z.number().int(), won: z.boolean(), score: z.number().int(), ratingBefore: z.number(), ratingAfter: z.number().nullable() }),
  /** Players by team index (within a team by username); deleted accounts are left out. */
  teams: z.array(z.array(PublicAccountSchema)),
});
export type MatchHistoryEntry = z.infer<typeof MatchHistoryEntrySchema>;
/** Newest (formed) first; pass `nextCursor` as `cursor` for the next page, absent on the last page. */
export const MatchHistoryResponseSchema = z.object({ items: z.array(MatchHistoryEntrySchema), nextCursor: z.string().optional() });
export type MatchHistoryResponse = z.infer<typeof MatchHistoryResponseSchema>;
