import { forEachChunk } from "../../lib/chunked";
import type { Logger } from "../../lib/logger";

/** Connections refreshed at once by a resync (each is a database read and a few Presence calls). */
const RESYNC_CHUNK = 8;
/** A connection whose refresh failed (the backplane is back for the subscriber, not yet for everything) is tried again this often, this many times. */
const RETRY_MS = 1_000;
const MAX_ATTEMPTS = 10;

/**
 * Brings a room's live connections up to date after the backplane lost events: its subscriber
 * reconnected, so whatever was published to their account channels meanwhile (presence changes,
 * party updates, invites, notifications, block changes, ended sessions) never arrived, and a
 * long enough outage may have had another process reap this one's presence. Each connection is
 * refreshed as a reconnect would be (`refresh`), a few at a time; those that fail are tried again
 * a few times. A resync asked for while one runs is run once more after it, never twice at once.
 */
export class BackplaneResync<C> {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly connections: () => C[],
    private readonly refresh: (connection: C) => Promise<void>,
    private readonly logger: Logger,
    private readonly isLive: (connection: C) => boolean,
  ) {}

  /** Resolves when every connection live at the call (or at a requested rerun) was refreshed or given up on. Never rejects. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const running = this.loop().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      let pending = this.connections();
      const all = pending.length;
      let firstError: unknown;
      for (let attempt = 1; pending.length > 0 && attempt <= MAX_ATTEMPTS && !this.again; attempt += 1) {
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
        const failed: C[] = [];
        await forEachChunk(pending.filter(this.isLive), RESYNC_CHUNK, (c) =>
          this.refresh(c).catch((err: unknown) => {
            failed.push(c);
            firstError ??= err;
          }),
        );
        pending = failed;
      }
      // One line per resync, however many connections failed.
      if (pending.length > 0) this.logger.warn({ err: firstError, failed: pending.length, of: all }, "refreshing connections after a backplane reconnect failed");
    } while (this.again);
  }
}
