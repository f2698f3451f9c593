import type { AccountEvent } from "../modules/events/account-events";

type Deliver = Extract<AccountEvent, { kind: "deliver" }>;

/** What a join snapshot told the connection about one order key. */
export interface SnapshotEntry {
  version: number;
  payload: unknown;
}

/**
 * Per-connection delivery of account events. Until the join snapshot is sent, events are queued
 * (so an update never arrives before the snapshot it changes); afterwards, an update carrying an
 * order key is forwarded only if it is newer than the last one forwarded for that key, and only if
 * it says something new: an announcement that repeats what the connection last got (an invisible
 * friend's devices coming and going, a second connection of an online friend) is dropped, so its
 * timing gives nothing away. `order.resend` forwards an unchanged payload anyway (a friendship
 * that was just made again must show the friend's presence even if it did not change).
 */
export class ClientDelivery {
  private ready = false;
  private queue: Deliver[] = [];
  /** Per order key: the newest version forwarded (or contained in a snapshot), and its payload. */
  private seen = new Map<string, { version: number; body: string }>();

  constructor(private send: (type: string, payload: unknown) => void) {}

  /** A reconnect brings a new client object: send through it from now on. */
  retarget(send: (type: string, payload: unknown) => void): void {
    this.send = send;
  }

  deliver(event: Deliver): void {
    if (!this.ready) {
      this.queue.push(event);
      return;
    }
    if (event.order) {
      const last = this.seen.get(event.order.key);
      if (last && event.order.version <= last.version) return;
      const body = canonicalJson(event.payload);
      this.seen.set(event.order.key, { version: event.order.version, body });
      if (last && last.body === body && !event.order.resend) return;
    }
    this.send(event.type, event.payload);
  }

  /** A snapshot was just sent with these entries: forward only what it does not already say. */
  open(snapshot: Map<string, SnapshotEntry>): void {
    for (const [key, entry] of snapshot) {
      const last = this.seen.get(key);
      if (!last || entry.version >= last.version) this.seen.set(key, { version: entry.version, body: canonicalJson(entry.payload) });
    }
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const event of queued) this.deliver(event);
  }

  /** Hold deliveries again until the next snapshot (after a reconnect). */
  pause(): void {
    this.ready = false;
  }
}

/** canonicalJson of payload objects already seen (one event reaches many connections with one payload). */
const canonical = new WeakMap<object, string>();

/** JSON with object keys sorted, so equal payloads compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return sortedJson(value);
  let json = canonical.get(value);
  if (json === undefined) {
    json = sortedJson(value);
    canonical.set(value, json);
  }
  return json;
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
