/** Room names registered on the game server. */
export const RoomName = {
  Lobby: "lobby",
  /** One match, created by the matchmaker; joined only through a seat reservation. */
  Match: "match",
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];
