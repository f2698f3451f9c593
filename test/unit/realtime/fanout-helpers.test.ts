import { getMessageBytes, Protocol } from "@colyseus/core";
import { forEachChunk } from "../../../server/lib/chunked";
import { canonicalJson } from "../../../server/realtime/client-delivery";
import { roomMessageFrame } from "../../../server/realtime/encoded-messages";

test("forEachChunk runs every item once, a chunk at a time, and lets other work run between chunks", async () => {
  const order: string[] = [];
  let between = 0;
  const tick = () => {
    between += 1;
    if (between < 10) setImmediate(tick);
  };
  setImmediate(tick);
  await forEachChunk([...Array(250).keys()], 100, async (i) => {
    if (i % 100 === 0) order.push(`chunk ${i / 100} after ${between} turns`);
  });
  expect(order).toEqual(["chunk 0 after 0 turns", "chunk 1 after 1 turns", "chunk 2 after 2 turns"]);
});

test("a payload is encoded once per message type, into the frame Colyseus would send", () => {
  const payload = { accountId: "a", status: "online", nested: { x: 1 } };
  const first = roomMessageFrame("presence.update", payload);
  expect(roomMessageFrame("presence.update", payload)).toBe(first);
  expect(Buffer.from(first)).toEqual(Buffer.from(getMessageBytes.raw(Protocol.ROOM_DATA, "presence.update", payload)));
  expect(roomMessageFrame("other.type", payload)).not.toBe(first);
  // An equal but distinct payload gets its own (equal) frame.
  const twin = roomMessageFrame("presence.update", { ...payload });
  expect(twin).not.toBe(first);
  expect(Buffer.from(twin)).toEqual(Buffer.from(first));
});

test("canonicalJson sorts keys at every depth, and gives one payload object the same string each time", () => {
  const payload = { b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } };
  expect(canonicalJson(payload)).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  expect(canonicalJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 })).toBe(canonicalJson(payload));
  expect(canonicalJson("text")).toBe('"text"');
});
