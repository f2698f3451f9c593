import { forEachChunk } from "../../lib/chunked";
import type { Logger } from "../../lib/logger";

/** Connections refreshed at once by a resync (each is a database read and a few Presence calls). */
const RESYNC_CHUNK = 8;

/**
 * Brings a room's live connections up to date after the backplane lost events: its subscriber
 * reconnected, so whatever was published to their account channels meanwhile (presence changes,
 * party updates, invites, notifications, block changes, ended sessions) never arrived, and a
 * long enough outage may have had another process reap this one's presence. Each connection is
 * refreshed as a reconnect would be (`refresh`), a few at a time; a resync asked for while one
 * runs is run once more after it, never twice at once.
 */
export class BackplaneResync<C> {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly connections: () => C[],
    private readonly refresh: (connection: C) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Resolves when every connection live at the call (or at a requested rerun) was refreshed. Never rejects. */
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
      const connections = this.connections();
      let failed = 0;
      let firstError: unknown;
      await forEachChunk(connections, RESYNC_CHUNK, (c) =>
        this.refresh(c).catch((err: unknown) => {
          failed += 1;
          firstError ??= err;
        }),
      );
      // One line per resync, however many connections failed (the next reconnect of the
      // backplane, or the connection's own reconnect, tries again).
      if (failed > 0) this.logger.warn({ err: firstError, failed, of: connections.length }, "refreshing connections after a backplane reconnect failed");
    } while (this.again);
  }
}
