import type { Redis } from "ioredis";
import { withTimeout } from "../lib/bounded";
import type { Logger } from "../lib/logger";

export interface ProbedConnection {
  name: string;
  redis: Redis;
}

export interface BackplaneHealthObserver {
  /** Called on every change: true when every connection answers. */
  changed(up: boolean): void;
}

/**
 * Pings each Redis connection of the process (presence, its subscriber, the driver, the rate
 * limiter's) every `everyMs`, each ping bounded by `timeoutMs`. A connection that fails or does not
 * answer in time makes the backplane "down" until every connection answers again: /readyz is 503
 * meanwhile, lobby_backplane_up is 0, and the outage is logged once when it starts and once when
 * it ends (never once per command or per message). A ping that goes unanswered also makes ioredis
 * drop a silent connection (socketTimeout), so even an idle subscriber is reconnected.
 */
export class BackplaneHealth {
  private up = true;
  private downSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly connections: readonly ProbedConnection[],
    private readonly opts: { everyMs: number; timeoutMs: number },
    private readonly logger: Logger,
    private readonly observer: BackplaneHealthObserver,
  ) {
    // Errors are reported by the probe (one line per outage); an 'error' event with no listener
    // would be printed by ioredis once per reconnect attempt.
    for (const c of connections) if (c.redis.listenerCount("error") === 0) c.redis.on("error", () => undefined);
  }

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    if (this.connections.length === 0) return;
    const tick = () => {
      this.round = this.round.then(() => this.probe());
      void this.round.finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.everyMs).unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private async probe(): Promise<void> {
    const results = await Promise.allSettled(
      this.connections.map((c) => withTimeout(c.redis.ping(), this.opts.timeoutMs, `Redis (${c.name} connection)`)),
    );
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [{ name: this.connections[i]!.name, err: r.reason as unknown }] : []));
    if (failed.length > 0 && this.up) {
      this.up = false;
      this.downSince = Date.now();
      this.observer.changed(false);
      const first = failed[0]!;
      this.logger.error(
        { err: first.err, connections: failed.map((f) => f.name), timeoutMs: this.opts.timeoutMs },
        "redis stopped answering",
      );
    } else if (failed.length === 0 && !this.up) {
      this.up = true;
      this.observer.changed(true);
      this.logger.warn({ downMs: Date.now() - this.downSince }, "redis answering again");
    }
  }
}
