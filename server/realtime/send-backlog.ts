import type { Logger } from "../lib/logger";

/** The part of ws' WebSocket the guard reads: bytes queued and not yet written to the socket. */
export interface BackloggedSocket {
  readonly bufferedAmount: number;
  terminate(): void;
}

/**
 * Cuts a connection that does not read what it is sent. A client that pauses its socket while it
 * keeps asking (history pages, repeat joins) or while a busy channel fans out to it makes the
 * server hold every unsent byte; past `maxBytes` the connection is terminated (no close frame:
 * it would only queue behind what the client is not reading) and its memory freed at once. The
 * client sees an abnormal closure (1006) and may reconnect: its seat is held as for any drop.
 * Checked before every message a connection sends and on every heartbeat ping.
 */
export class SendBacklogGuard {
  private lastLogAt = 0;
  private cutSinceLog = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onCut: () => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `socket` was over the limit (and is now terminated). */
  cutIfBacklogged(socket: Partial<BackloggedSocket> | undefined): boolean {
    const pending = socket?.bufferedAmount ?? 0;
    if (pending <= this.maxBytes) return false;
    socket?.terminate?.();
    this.onCut();
    this.cutSinceLog++;
    // One line a second at most, with the count since the last one: a slow network cuts many at once.
    if (this.now() - this.lastLogAt >= 1000) {
      this.logger.warn({ pendingBytes: pending, limitBytes: this.maxBytes, cut: this.cutSinceLog }, "connection cut: it does not read what it is sent");
      this.lastLogAt = this.now();
      this.cutSinceLog = 0;
    }
    return true;
  }
}
