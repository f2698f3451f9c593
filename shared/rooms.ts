/** Room names registered on the game server. */
export const RoomName = {
  Lobby: "lobby",
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];
