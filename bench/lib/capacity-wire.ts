/**
 * The few frames of the Colyseus 0.18 room protocol a light client needs (see
 * @colyseus/shared-types Protocol, @colyseus/core Protocol.getMessageBytes and
 * @colyseus/sdk Room.#dispatchFrame): JOIN_ROOM (acknowledged with a one-byte JOIN_ROOM), ERROR,
 * and ROOM_DATA `[13][type as a schema string][msgpack payload]`. The raw baseline server frames
 * its messages the same way, so one client decodes all three servers.
 */
import { decode, encode, type Iterator } from "@colyseus/schema";
import { Packr, unpack } from "msgpackr";

export const Code = { JoinRoom: 10, Error: 11, LeaveRoom: 12, RoomData: 13, RoomState: 14, RoomStatePatch: 15, Ping: 18 } as const;
const CODE_MASK = 31;

/** Same options as the server side of @colyseus/core (plain maps, readable by any decoder). */
const packr = new Packr({ useRecords: false });
const header = Buffer.alloc(512);

/** A ROOM_DATA frame: what `client.send(type, payload)` puts on the wire. */
export function roomData(type: string, payload?: unknown): Buffer {
  const it: Iterator = { offset: 1 };
  header[0] = Code.RoomData;
  encode.string(header, type, it);
  const head = header.subarray(0, it.offset);
  return payload === undefined ? Buffer.from(head) : Buffer.concat([head, packr.pack(payload)]);
}

export const JOIN_ACK = Buffer.from([Code.JoinRoom]);

export type Frame =
  | { code: typeof Code.RoomData; type: string | number; message: unknown }
  | { code: typeof Code.Error; errorCode: number; message: string }
  | { code: number };

/** Decodes the frames the light client acts on; others come back with their code only. */
export function decodeFrame(data: Buffer): Frame {
  const code = (data[0] ?? 0) & CODE_MASK;
  const it: Iterator = { offset: 1 };
  if (code === Code.RoomData) {
    const type = decode.stringCheck(data, it) ? decode.string(data, it) : decode.number(data, it);
    const message = data.byteLength > it.offset ? unpack(data.subarray(it.offset)) : undefined;
    return { code, type, message };
  }
  if (code === Code.Error) return { code, errorCode: decode.number(data, it), message: decode.string(data, it) };
  return { code };
}

/** Only the type of a ROOM_DATA frame (cheap: no payload decoding), else undefined. */
export function roomDataType(data: Buffer): string | number | undefined {
  if (((data[0] ?? 0) & CODE_MASK) !== Code.RoomData) return undefined;
  const it: Iterator = { offset: 1 };
  return decode.stringCheck(data, it) ? decode.string(data, it) : decode.number(data, it);
}
