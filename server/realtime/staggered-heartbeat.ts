import type { WebSocket, WebSocketServer } from "ws";
import type { HeartbeatOptions } from "./game-server";
import type { SendBacklogGuard } from "./send-backlog";

/** A socket as Colyseus' transport keeps it: `pingCount` is reset by its 'pong' handler. */
type PingedSocket = WebSocket & { pingCount?: number };

/**
 * The transport's heartbeat (ping every `intervalMs`, terminate after `maxRetries` unanswered),
 * spread over `slices` ticks: each socket is pinged once per interval, in its own slice, so 20,000
 * connections do not all get their ping (and answer it) in the same turn of the event loop.
 */
export class StaggeredHeartbeat {
  private readonly slotOf = new WeakMap<WebSocket, number>();
  private nextSlot = 0;
  private tickSlot = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly options: HeartbeatOptions,
    /** Also cuts, at its ping, a socket holding too much unsent (one that only receives). */
    private readonly backlog?: SendBacklogGuard,
    private readonly slices = 10,
  ) {}

  start(): void {
    if (this.timer || this.options.intervalMs <= 0 || this.options.maxRetries <= 0) return;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.options.intervalMs / this.slices)));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Pings (or terminates) the sockets of the current slice; returns how many it pinged. */
  tick(): number {
    const slot = this.tickSlot;
    this.tickSlot = (slot + 1) % this.slices;
    let pinged = 0;
    for (const socket of this.wss.clients as Set<PingedSocket>) {
      if (this.slot(socket) !== slot) continue;
      if (this.backlog?.cutIfBacklogged(socket)) continue;
      if ((socket.pingCount ?? 0) >= this.options.maxRetries) {
        socket.terminate();
        continue;
      }
      socket.pingCount = (socket.pingCount ?? 0) + 1;
      socket.ping();
      pinged += 1;
    }
    return pinged;
  }

  private slot(socket: WebSocket): number {
    let slot = this.slotOf.get(socket);
    if (slot === undefined) {
      slot = this.nextSlot;
      this.nextSlot = (slot + 1) % this.slices;
      this.slotOf.set(socket, slot);
    }
    return slot;
  }
}
