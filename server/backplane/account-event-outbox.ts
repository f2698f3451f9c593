import { withTimeout } from "../lib/bounded";
import type { Logger } from "../lib/logger";

/** Retries of queued events: the first soon, then at most this far apart. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;

export interface OutboxObserver {
  /** Events waiting for the backplane. */
  queued(count: number): void;
  /** An event was dropped because the queue was full. */
  dropped(): void;
}

interface Queued {
  channel: string;
  message: unknown;
}

/**
 * Account events reach the backplane through here. The operation that publishes one is already
 * done (its state is stored), so a publish that fails or does not settle within `timeoutMs` is
 * not the caller's error: the event is queued and published, in order, once the backplane takes
 * it again. While anything is queued, later events queue behind it (no waiting per event on a
 * backplane known to be away, and no event overtakes an older one). The queue is bounded; past
 * `maxQueued` the oldest event is dropped and counted (receivers still catch up: every process
 * refreshes its connections when its subscriber reconnects). An event that timed out may still
 * have reached Redis: it is then delivered twice, which receivers tolerate (versioned presence,
 * whole-state party updates, chat by seq).
 */
export class AccountEventOutbox {
  private readonly queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private flushing = false;
  private stopped = false;

  constructor(
    private readonly publish: (channel: string, message: unknown) => Promise<unknown>,
    private readonly opts: { timeoutMs: number; maxQueued: number },
    private readonly logger: Logger,
    private readonly observer: OutboxObserver,
  ) {}

  /** Publishes now, or queues; never throws, and settles within `timeoutMs`. */
  async send(channel: string, message: unknown): Promise<void> {
    if (this.queue.length > 0) {
      this.enqueue({ channel, message });
      return;
    }
    try {
      await withTimeout(Promise.resolve(this.publish(channel, message)), this.opts.timeoutMs, "account event publish");
    } catch (err) {
      if (this.queue.length === 0) this.logger.warn({ err }, "publishing account events failed; they are queued until the backplane answers");
      this.enqueue({ channel, message });
    }
  }

  get size(): number {
    return this.queue.length;
  }

  /** Stops retrying (shutdown): what is still queued is lost, and caught up by the receivers' refresh. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private enqueue(event: Queued): void {
    if (this.queue.length >= this.opts.maxQueued) {
      this.queue.shift();
      this.observer.dropped();
    }
    this.queue.push(event);
    this.observer.queued(this.queue.length);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.stopped) return;
    this.timer = setTimeout(() => void this.flush(), this.retryMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.flushing = true;
    const before = this.queue.length;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const head = this.queue[0]!;
        await withTimeout(Promise.resolve(this.publish(head.channel, head.message)), this.opts.timeoutMs, "account event publish");
        // Dropped meanwhile (queue full) or still the head: either way it is done with.
        if (this.queue[0] === head) this.queue.shift();
        this.observer.queued(this.queue.length);
      }
      this.retryMs = FIRST_RETRY_MS;
      this.logger.info({ published: before }, "queued account events published");
    } catch {
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
