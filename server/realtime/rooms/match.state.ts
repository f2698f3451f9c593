import { schema, t } from "@colyseus/schema";

export const MatchPlayerState = schema(
  {
    accountId: t.string().default(""),
    username: t.string().default(""),
    /** The name to show (the username is the login handle). */
    displayName: t.string().default(""),
    team: t.number().default(0),
    score: t.number().default(0),
    connected: t.boolean().default(false),
    /** Left the match for good (forfeit, or dropped past the reconnect window). */
    left: t.boolean().default(false),
    /** Joined the match in progress, taking a leaver's seat (MATCH_BACKFILL). */
    backfill: t.boolean().default(false),
  },
  "MatchPlayerState",
);

/** A match everyone in it sees: phase, teams' scores, players. */
export const MatchState = schema(
  {
    matchId: t.string().default(""),
    mode: t.string().default(""),
    /** waiting (for players to join) -> playing -> finished | cancelled */
    phase: t.string().default("waiting"),
    targetScore: t.number().default(0),
    /** Epoch ms: players not joined by then cancel the match. */
    joinDeadline: t.number().default(0),
    teamScores: t.array("number"),
    /** By account id. */
    players: t.map(MatchPlayerState),
    winnerTeam: t.number().default(-1),
  },
  "MatchState",
);
export type MatchState = InstanceType<typeof MatchState>;
