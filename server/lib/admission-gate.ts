import { AppError, ErrorCode } from "./errors";

export interface AdmissionLimits {
  /** Operations running at once; more wait in the queue. */
  maxInFlight: number;
  /** Operations waiting at once; more are refused at once with 503 server_busy. */
  maxQueued: number;
  /** Longest wait in the queue before an operation is refused with 503 server_busy. */
  queueTimeoutMs: number;
}

export interface AdmissionObserver {
  /** Called whenever the number running or waiting changes. */
  changed(inFlight: number, queued: number): void;
  /** An operation was refused: the queue was full, or it waited too long. */
  refused(reason: "queue_full" | "queue_timeout"): void;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Admission control for an expensive operation (a login's password hash, a lobby join's snapshot):
 * at most `maxInFlight` run at once, up to `maxQueued` wait in arrival order, and the rest are
 * refused at once with 503 server_busy and a Retry-After. Past its capacity a process answers
 * quickly instead of making every caller wait seconds, and already admitted work stays fast.
 */
export class AdmissionGate {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly observer?: AdmissionObserver,
    /** Seconds a refused caller is told to wait (Retry-After); it should add jitter. */
    private readonly retryAfterSeconds = 1,
  ) {}

  get running(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await operation();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.inFlight < this.limits.maxInFlight && this.queue.length === 0) {
      this.inFlight += 1;
      this.notify();
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.maxQueued) {
      this.observer?.refused("queue_full");
      return Promise.reject(this.busy());
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          this.notify();
          this.observer?.refused("queue_timeout");
          reject(this.busy());
        }, this.limits.queueTimeoutMs),
      };
      this.queue.push(waiter);
      this.notify();
    });
  }

  private leave(): void {
    const next = this.queue.shift();
    // The slot passes straight to the next waiter: inFlight stays the same.
    if (next) next.admit();
    else this.inFlight -= 1;
    this.notify();
  }

  private busy(): AppError {
    return new AppError(ErrorCode.ServerBusy, "The server is busy. Try again shortly.", { retryAfterSeconds: this.retryAfterSeconds });
  }

  private notify(): void {
    this.observer?.changed(this.inFlight, this.queue.length);
  }
}
