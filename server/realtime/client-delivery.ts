import type { AccountEvent } from "../modules/events/account-events";

type Deliver = Extract<AccountEvent, { kind: "deliver" }>;

/**
 * Per-connection delivery of account events. Until the join snapshot is sent, events are queued
 * (so an update never arrives before the snapshot it changes); afterwards, an update carrying an
 * order key is forwarded only if it is newer than the last one forwarded for that key.
 */
export class ClientDelivery {
  private ready = false;
  private queue: Deliver[] = [];
  private versions = new Map<string, number>();

  constructor(private readonly send: (type: string, payload: unknown) => void) {}

  deliver(event: Deliver): void {
    if (!this.ready) {
      this.queue.push(event);
      return;
    }
    if (event.order) {
      const seen = this.versions.get(event.order.key) ?? -1;
      if (event.order.version <= seen) return;
      this.versions.set(event.order.key, event.order.version);
    }
    this.send(event.type, event.payload);
  }

  /** A snapshot was just sent with these versions: forward what it does not already contain. */
  open(snapshotVersions: Map<string, number>): void {
    for (const [key, version] of snapshotVersions) {
      this.versions.set(key, Math.max(version, this.versions.get(key) ?? -1));
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
