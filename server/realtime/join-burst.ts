import type net from "node:net";
import { Protocol } from "@colyseus/core";

/** The transport side of a Colyseus client: ws' WebSocket (its TCP socket is ws' own field). */
interface ClientSocket {
  once(event: "message", listener: (data: unknown) => void): unknown;
  _socket?: Pick<net.Socket, "cork" | "uncork">;
}

/**
 * Sends a joining client's first frames in one socket write. When the client acknowledges
 * JOIN_ROOM, Colyseus sends the room's full state and every message queued during onJoin
 * (the lobby's welcome and four snapshots), each frame its own write system call. Corking the
 * socket for the rest of that synchronous turn makes them one `writev`. Call from onJoin: the
 * listener is registered before Colyseus' own message listener, so it runs first.
 */
export function coalesceFirstFrames(ref: ClientSocket): void {
  ref.once("message", (data) => {
    const socket = ref._socket;
    if (!socket || !(data instanceof Uint8Array) || data[0] !== Protocol.JOIN_ROOM) return;
    socket.cork();
    process.nextTick(() => socket.uncork());
  });
}
