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
      /** A backfill: the player whose seat this one took mid-match. Their rating does not move (after = before). */
      backfillFor: z.uuid().nullable(),
      /** Left before the end (forfeit, or dropped past the reconnect window): rated as a loss. */
      left: z.boolean(),
    }),
  ),
  reason: z.enum(["target_reached", "forfeit"]),
});
export type MatchResultMessage = z.infer<typeof MatchResultMessageSchema>;

export const RatingSchema = z
  .object({
    mode: z.string().meta({ description: "The game mode's name." }),
    mu: z.number().meta({ description: "OpenSkill mean skill (starts at 25)." }),
    sigma: z.number().meta({ description: "OpenSkill uncertainty (starts at 25/3; shrinks with games played)." }),
    display: z.number().meta({ description: "mu − 3·sigma: the rating players see. New players start at 0." }),
    games: z.number().int().meta({ description: "Rated matches finished in this mode." }),
  })
  .meta({ id: "Rating" });
export type Rating = z.infer<typeof RatingSchema>;
/** A player's ratings in the modes they have finished a match in (a mode never played is absent: display 0). */
export const RatingsResponseSchema = z
  .object({
    accountId: z.uuid(),
    ratings: z.array(RatingSchema).meta({ description: "One per mode the player has finished a match in, ordered by mode name." }),
  })
  .meta({ id: "RatingsResponse" });
export type RatingsResponse = z.infer<typeof RatingsResponseSchema>;

export const MatchHistoryQuerySchema = PageQuerySchema;
export type MatchHistoryQuery = z.input<typeof MatchHistoryQuerySchema>;

export const MatchHistoryEntrySchema = z
  .object({
    id: z.uuid(),
    mode: z.string(),
    region: z.string(),
    status: z.enum(["finished", "cancelled"]),
    quality: z.number().meta({ description: "The matcher's predicted quality (OpenSkill draw probability)." }),
    createdAt: z.iso.datetime().meta({ description: "When the match formed (the list's order)." }),
    finishedAt: z.iso.datetime().nullable(),
    winnerTeam: z.number().int().nullable().meta({ description: "The winning team's index; null for a draw or a cancelled match." }),
    you: z
      .object({
        team: z.number().int(),
        won: z.boolean(),
        score: z.number().int(),
        ratingBefore: z.number().meta({ description: "Display rating the match formed with." }),
        ratingAfter: z.number().nullable().meta({ description: "Display rating after the result; null when not rated (cancelled)." }),
        backfillFor: z.uuid().nullable().meta({ description: "You joined the match in progress, taking this player's seat (backfill): your rating did not move." }),
        left: z.boolean().meta({ description: "You left before the end (forfeit, or dropped past the reconnect window): rated as a loss." }),
      })
      .meta({ description: "The caller's side of the match." }),
    teams: z
      .array(z.array(PublicAccountSchema))
      .meta({ description: "Players by team index, within a team by username (the login handle, stable). Deleted accounts are left out." }),
  })
  .meta({ id: "MatchHistoryEntry" });
export type MatchHistoryEntry = z.infer<typeof MatchHistoryEntrySchema>;
/** Newest (formed) first; pass `nextCursor` as `cursor` for the next page, absent on the last page. */
export const MatchHistoryResponseSchema = z
  .object({
    items: z.array(MatchHistoryEntrySchema),
    nextCursor: z.string().optional().meta({ description: "Pass as `cursor` for the next page; absent on the last page." }),
  })
  .meta({ id: "MatchHistoryResponse" });
export type MatchHistoryResponse = z.infer<typeof MatchHistoryResponseSchema>;
