import type { AccountEvent } from "../modules/events/account-events";

/** A deliver event as this class handles it: any type and payload (AccountEvent's are typed per message). */
type Deliver = Omit<Extract<AccountEvent, { kind: "deliver" }>, "type" | "payload"> & { type: string; payload: unknown };

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
export class ClientDelivery<T = (type: string, payload: unknown) => void> {
  private ready = false;
  /** Events held until the snapshot is sent (none kept once it is). */
  private queue: Deliver[] | undefined;
  /** Per order key: the newest version forwarded (or contained in a snapshot), and its payload. Created on first use. */
  private seen: Map<string, { version: number; body: string }> | undefined;
  private readonly sendTo: (target: T, type: string, payload: unknown) => void;

  /**
   * `new ClientDelivery(send)`, or `new ClientDelivery(target, sendTo)`: one `sendTo` shared by
   * every connection and a per-connection target (no closure per connection).
   */
  constructor(send: (type: string, payload: unknown) => void);
  constructor(target: T, sendTo: (target: T, type: string, payload: unknown) => void);
  constructor(
    private target: T,
    sendTo?: (target: T, type: string, payload: unknown) => void,
  ) {
    this.sendTo = sendTo ?? callTarget;
  }

  /** A reconnect brings a new client object: send through it from now on. */
  retarget(target: T): void {
    this.target = target;
  }

  deliver(event: Deliver): void {
    if (!this.ready) {
      (this.queue ??= []).push(event);
      return;
    }
    if (event.order) {
      const seen = (this.seen ??= new Map());
      const last = seen.get(event.order.key);
      if (last && event.order.version <= last.version) return;
      const body = canonicalJson(event.payload);
      seen.set(event.order.key, { version: event.order.version, body });
      if (last && last.body === body && !event.order.resend) return;
    }
    this.sendTo(this.target, event.type, event.payload);
  }

  /** A snapshot was just sent with these entries: forward only what it does not already say. */
  open(snapshot: ReadonlyMap<string, SnapshotEntry>): void {
    for (const [key, entry] of snapshot) {
      const seen = (this.seen ??= new Map());
      const last = seen.get(key);
      if (!last || entry.version >= last.version) seen.set(key, { version: entry.version, body: canonicalJson(entry.payload) });
    }
    this.ready = true;
    const queued = this.queue;
    this.queue = undefined;
    for (const event of queued ?? []) this.deliver(event);
  }

  /** Hold deliveries again until the next snapshot (after a reconnect). */
  pause(): void {
    this.ready = false;
  }
}

/** The one-argument form: the target is the send function itself. */
function callTarget<T>(target: T, type: string, payload: unknown): void {
  (target as (type: string, payload: unknown) => void)(type, payload);
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
