import { canonicalJson, ClientDelivery, type SnapshotEntry } from "../../../server/realtime/client-delivery";

type Sent = [string, unknown];

function setup(): { delivery: ClientDelivery; sent: Sent[] } {
  const sent: Sent[] = [];
  return { delivery: new ClientDelivery((type, payload) => sent.push([type, payload])), sent };
}

const update = (key: string, version: number, payload: unknown, resend?: boolean) => ({
  kind: "deliver" as const,
  type: "presence.update",
  payload,
  order: { key, version, ...(resend ? { resend } : {}) },
});
const plain = (type: string, payload: unknown) => ({ kind: "deliver" as const, type, payload });
const snapshot = (entries: Record<string, SnapshotEntry>) => new Map(Object.entries(entries));

test("nothing is forwarded before the snapshot; queued events follow it in arrival order", () => {
  const { delivery, sent } = setup();
  delivery.deliver(plain("friends.update", { n: 1 }));
  delivery.deliver(update("presence:b", 3, { status: "away" }));
  expect(sent).toEqual([]);
  delivery.open(snapshot({}));
  expect(sent).toEqual([
    ["friends.update", { n: 1 }],
    ["presence.update", { status: "away" }],
  ]);
});

test("an update the snapshot already contains (same or older version) is dropped; a newer one is forwarded", () => {
  const { delivery, sent } = setup();
  delivery.deliver(update("presence:b", 4, { status: "busy" })); // raced the snapshot: older
  delivery.deliver(update("presence:b", 5, { status: "online" })); // the snapshot's own version
  delivery.deliver(update("presence:b", 6, { status: "away" })); // newer
  delivery.open(snapshot({ "presence:b": { version: 5, payload: { status: "online" } } }));
  expect(sent).toEqual([["presence.update", { status: "away" }]]);
});

test("updates never go backwards: a late older version is dropped; keys are independent", () => {
  const { delivery, sent } = setup();
  delivery.open(snapshot({}));
  delivery.deliver(update("presence:b", 7, { status: "away" }));
  delivery.deliver(update("presence:b", 6, { status: "online" }));
  delivery.deliver(update("presence:c", 1, { status: "busy" }));
  delivery.deliver(update("presence:b", 8, { status: "offline" }));
  expect(sent).toEqual([
    ["presence.update", { status: "away" }],
    ["presence.update", { status: "busy" }],
    ["presence.update", { status: "offline" }],
  ]);
});

test("a newer update repeating what the connection last got is dropped (no timing side channel), unless resend", () => {
  const { delivery, sent } = setup();
  delivery.open(snapshot({ "presence:b": { version: 2, payload: { status: "offline", lastSeenAt: "t1" } } }));
  delivery.deliver(update("presence:b", 3, { lastSeenAt: "t1", status: "offline" })); // same, other key order
  delivery.deliver(update("presence:b", 4, { status: "offline", lastSeenAt: "t1" }));
  expect(sent).toEqual([]);
  delivery.deliver(update("presence:b", 5, { status: "online" }));
  delivery.deliver(update("presence:b", 6, { status: "online" }));
  delivery.deliver(update("presence:b", 7, { status: "online" }, true));
  delivery.deliver(update("presence:b", 7, { status: "online" }, true)); // resend does not bypass the version
  expect(sent).toEqual([
    ["presence.update", { status: "online" }],
    ["presence.update", { status: "online" }],
  ]);
});

test("events without an order key are always forwarded", () => {
  const { delivery, sent } = setup();
  delivery.open(snapshot({}));
  delivery.deliver(plain("notification", { id: 1 }));
  delivery.deliver(plain("notification", { id: 1 }));
  expect(sent).toHaveLength(2);
});

test("pause holds deliveries until the next snapshot; a snapshot older than what was seen does not rewind", () => {
  const { delivery, sent } = setup();
  delivery.open(snapshot({}));
  delivery.deliver(update("presence:b", 9, { status: "busy" }));
  delivery.pause();
  delivery.deliver(update("presence:b", 10, { status: "away" }));
  expect(sent).toHaveLength(1);
  delivery.open(snapshot({ "presence:b": { version: 8, payload: { status: "online" } } }));
  expect(sent).toEqual([
    ["presence.update", { status: "busy" }],
    ["presence.update", { status: "away" }],
  ]);
});

test("retarget sends through the new client from then on", () => {
  const { delivery, sent } = setup();
  const other: Sent[] = [];
  delivery.open(snapshot({}));
  delivery.retarget((type, payload) => other.push([type, payload]));
  delivery.deliver(plain("notification", { id: 2 }));
  expect(sent).toEqual([]);
  expect(other).toEqual([["notification", { id: 2 }]]);
});

test("canonicalJson ignores key order at every depth, not array order", () => {
  expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
  expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
});
