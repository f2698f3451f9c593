/** Room names registered on the game server. */
export const RoomName = {
  Lobby: "lobby",
  /** One match, created by the matchmaker; joined only through a seat reservation. */
  Match: "match",
  /** Watching a match being played (read-only, optionally delayed); joined through a seat reservation from `match.spectate`. */
  Spectate: "spectate",
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];
