import { withTimeout } from "../../lib/bounded";
import type { Logger } from "../../lib/logger";

/** Retries of a deferred publish: the first soon, then at most this far apart. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;

export interface ChatPublisherObserver {
  /** Streams (channels) whose newest message is stored but not yet published. */
  deferred(count: number): void;
}

/**
 * Publishes chat messages that are already stored (with their seq) and acknowledged. A publish
 * that fails or does not settle within `timeoutMs` is not an error for the sender: the stream is
 * marked deferred and its newest message is published again until the backplane takes it. One
 * publish per stream is enough: a connection's ChannelCursor that sees a seq past its position
 * reads the missing ones from the database first, so nothing acknowledged is lost and the order
 * holds. While a stream is deferred, later messages of it only replace the one to publish (no
 * waiting per message on a backplane known to be away).
 */
export class ChatPublisher {
  /** Stream -> the publish of its newest message not yet taken by the backplane. */
  private readonly pending = new Map<string, () => Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retrying = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly observer: ChatPublisherObserver = { deferred: () => undefined },
  ) {}

  /** Publishes now, or defers; never throws, and settles within `timeoutMs`. */
  async publish(stream: string, send: () => Promise<void>): Promise<void> {
    if (this.pending.has(stream)) {
      this.defer(stream, send);
      return;
    }
    try {
      await withTimeout(send(), this.timeoutMs, "chat publish");
    } catch (err) {
      if (this.pending.size === 0) this.logger.warn({ err, stream }, "chat publish failed; stored messages will be published when the backplane answers");
      this.defer(stream, send);
    }
  }

  get deferredCount(): number {
    return this.pending.size;
  }

  /** Stops retrying (shutdown); what is still deferred is caught up by cursors on the next message. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private defer(stream: string, send: () => Promise<void>): void {
    this.pending.set(stream, send);
    this.observer.deferred(this.pending.size);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.retrying) return;
    this.timer = setTimeout(() => void this.retry(), this.retryMs);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    this.retrying = true;
    let failures = 0;
    try {
      for (const [stream, send] of [...this.pending]) {
        try {
          await withTimeout(send(), this.timeoutMs, "chat publish");
          // Only if no newer message of the stream was deferred meanwhile.
          if (this.pending.get(stream) === send) this.pending.delete(stream);
        } catch {
          failures += 1;
          // The backplane is still away: the others would wait out the same timeout.
          break;
        }
      }
    } finally {
      this.retrying = false;
    }
    this.observer.deferred(this.pending.size);
    this.retryMs = failures > 0 ? Math.min(this.retryMs * 2, MAX_RETRY_MS) : FIRST_RETRY_MS;
    if (this.pending.size > 0) this.schedule();
    else this.logger.info("deferred chat messages published");
  }
}
