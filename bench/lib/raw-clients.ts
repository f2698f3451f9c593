import WebSocket from "ws";
import { mapLimit } from "./concurrency";

/** Which WebSocket client implementation the baseline's recipients use. */
export type RawClientKind = "ws" | "node-websocket";

export interface RawSocket {
  close(): void;
}

const decoder = new TextDecoder();

/** A baseline message: JSON with the message id, padded to exactly `bytes` bytes. */
export function rawMessage(id: number, bytes: number, type = "presence.update"): Buffer {
  const head = `{"t":"${type}","i":${id},"p":"`;
  const tail = `"}`;
  const pad = Math.max(0, bytes - Buffer.byteLength(head) - Buffer.byteLength(tail));
  return Buffer.from(head + "x".repeat(pad) + tail);
}

/** Decodes like a real client would (bytes -> text -> JSON) and returns the message id. */
function idOf(data: ArrayBuffer | Buffer | Buffer[] | string): number {
  const text = typeof data === "string" ? data : decoder.decode(Array.isArray(data) ? Buffer.concat(data) : data);
  return (JSON.parse(text) as { i: number }).i;
}

function openWs(url: string, onMessage?: (id: number) => void): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve({ close: () => socket.terminate() }));
    socket.once("error", reject);
    if (onMessage) socket.on("message", (data) => onMessage(idOf(data as Buffer)));
  });
}

function openNative(url: string, onMessage: (id: number) => void): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = new globalThis.WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve({ close: () => socket.close() });
    socket.onerror = () => reject(new Error("WebSocket error"));
    socket.onmessage = (event: MessageEvent) => onMessage(idOf(event.data as ArrayBuffer));
  });
}

/** `count` listeners on a relay at ws://127.0.0.1:port, each calling `onMessage` with the id. */
export function openListeners(port: number, count: number, kind: RawClientKind, onMessage: (id: number) => void): Promise<RawSocket[]> {
  const url = `ws://127.0.0.1:${port}/?role=listener`;
  return mapLimit(Array.from({ length: count }), 50, () => (kind === "ws" ? openWs(url, onMessage) : openNative(url, onMessage)));
}

/** The sending side of the baseline (a `ws` client). */
export async function openSender(port: number): Promise<{ send(frame: Buffer): void; close(): void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?role=sender`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { send: (frame) => socket.send(frame, { binary: true }), close: () => socket.terminate() };
}
