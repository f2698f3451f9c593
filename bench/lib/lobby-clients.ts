import { Client, type Room } from "@colyseus/sdk";
import { RoomName } from "../../shared/rooms";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { withTimeout } from "./concurrency";

/**
 * Opens a player's lobby session with @colyseus/sdk, as a game client does: matchmaking with the
 * access token, then the WebSocket. `setup` runs before any message is dispatched. Resolves once
 * the welcome, presence snapshot and unread notifications have arrived.
 */
export async function joinLobby(
  url: string,
  accessToken: string,
  setup?: (room: Room) => void,
  timeoutMs = 30_000,
  /** `{ roomId }`: that lobby instance (e.g. one BenchLobby.createLobby opened, to lay out shards before the rest join). */
  how: "joinOrCreate" | { roomId: string } = "joinOrCreate",
): Promise<Room> {
  const client = new Client(url);
  client.auth.token = accessToken;
  const room = await withTimeout(how === "joinOrCreate" ? client.joinOrCreate(RoomName.Lobby) : client.joinById(how.roomId), timeoutMs, "lobby join timed out");
  room.reconnection.enabled = false;
  const seen = new Set<string>();
  const done = new Promise<void>((resolve, reject) => {
    const expect = [LobbyServerMessage.Welcome, LobbyServerMessage.PresenceSnapshot, LobbyServerMessage.NotificationsUnread];
    for (const type of expect) {
      room.onMessage(type, () => {
        seen.add(type);
        if (seen.size === expect.length) resolve();
      });
    }
    room.onLeave((code: number) => reject(new Error(`lobby connection closed during the join (code ${code})`)));
  });
  setup?.(room);
  await withTimeout(done, timeoutMs, "lobby welcome timed out");
  return room;
}

/** Size in bytes of every frame `room` receives, reported to `onFrame` before the SDK decodes it. */
export function watchFrameSizes(room: Room, onFrame: (bytes: number) => void): void {
  const events = (room.connection as unknown as { events: { onmessage?: (event: MessageEvent) => void } }).events;
  const original = events.onmessage;
  events.onmessage = (event: MessageEvent) => {
    const data = event.data as ArrayBuffer | Buffer | string;
    onFrame(typeof data === "string" ? Buffer.byteLength(data) : data.byteLength);
    original?.(event);
  };
}
