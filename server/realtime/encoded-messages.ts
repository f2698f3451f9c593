import { getMessageBytes, Protocol } from "@colyseus/core";

/** Frames already encoded, per payload object and message type. */
const frames = new WeakMap<object, Map<string, Uint8Array>>();

/**
 * The wire frame of a room message, encoded once per payload object: when one event reaches many
 * connections of this process with the same payload (a presence change fanned out to every online
 * friend), msgpack runs once and every connection is sent the same bytes, as Room.broadcast does.
 * Payloads are never changed after they are published, so a cached frame stays right.
 */
export function roomMessageFrame(type: string, payload: unknown): Uint8Array {
  if (payload === null || typeof payload !== "object") return getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
  let byType = frames.get(payload);
  if (!byType) {
    byType = new Map();
    frames.set(payload, byType);
  }
  let frame = byType.get(type);
  if (!frame) {
    frame = getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
    byType.set(type, frame);
  }
  return frame;
}
