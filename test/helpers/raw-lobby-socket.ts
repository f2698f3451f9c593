import { Protocol } from "@colyseus/sdk";
import WebSocket from "ws";
import { RoomName } from "../../shared/rooms";

export interface RawLobbySocket {
  ws: WebSocket;
  sessionId: string;
  roomId: string;
  /** `roomId:token`, as `client.reconnect()` of @colyseus/sdk takes it. */
  reconnectionToken: string;
  /** Resolves with the close code once the socket is closed (by either side). */
  closed: Promise<number>;
}

interface SeatReservation {
  sessionId: string;
  roomId: string;
  processId: string;
}

/**
 * Joins the lobby below the SDK: the matchmaking request, then a `ws` socket that speaks the join
 * handshake itself. `autoPong: false` makes a client that never answers pings, as a dead peer
 * behind a silent network would.
 */
export async function openRawLobbySocket(baseUrl: string, accessToken: string, opts: { autoPong: boolean }): Promise<RawLobbySocket> {
  const res = await fetch(`${baseUrl}/matchmake/joinOrCreate/${RoomName.Lobby}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    body: "{}",
  });
  if (!res.ok) throw new Error(`matchmaking failed: ${res.status} ${await res.text()}`);
  const seat = (await res.json()) as SeatReservation;

  const wsUrl = `${baseUrl.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=${encodeURIComponent(seat.sessionId)}&_authToken=${encodeURIComponent(accessToken)}`;
  const ws = new WebSocket(wsUrl, { autoPong: opts.autoPong });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const token = await new Promise<string>((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data: Buffer) => {
      if (data[0] !== Protocol.JOIN_ROOM) return;
      // Acknowledge the join, as the SDK does; the server then sends the state.
      ws.send(Uint8Array.of(Protocol.JOIN_ROOM));
      // The frame starts with the reconnection token: one length byte, then UTF-8.
      resolve(data.subarray(2, 2 + (data[1] ?? 0)).toString("utf8"));
    });
    ws.once("close", (code) => reject(new Error(`closed during join (${code})`)));
  });
  return { ws, sessionId: seat.sessionId, roomId: seat.roomId, reconnectionToken: `${seat.roomId}:${token}`, closed };
}
