import type http from "node:http";
import { format } from "node:util";
import type { WebSocket, WebSocketServer } from "ws";
import { systemClock, type Clock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import { TokenBucket } from "../lib/token-bucket";

/** Colyseus' logger interface (`Server({ logger })`); it defaults to `console`. */
export interface ColyseusLogger {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Process-wide budget of client-fault lines: a burst, then one a second. */
const FAULT_LINES_BURST = 10;
const FAULT_LINES_PER_SECOND = 1;
/** The reason quoted from Colyseus' message: its first line, this long at most (it may echo the frame). */
const REASON_MAX_CHARS = 200;

interface ConnectionInfo {
  remoteAddress: string | undefined;
  roomId: string | undefined;
  sessionId: string | null;
  reported: boolean;
}

/**
 * Routes Colyseus' logging to pino, and keeps what a client's frames break out of it.
 *
 * Colyseus (and the ws transport) print a full stack for every frame they cannot decode (msgpack
 * errors, ws protocol errors such as invalid UTF-8 or an oversized frame): ~12 lines per frame,
 * as a string, with nothing saying which connection sent it. Those reports happen synchronously
 * while the socket emits the frame's 'message' (or its 'error'), so the socket being emitted is
 * the one at fault: its fault becomes one structured warn line, once per connection and within a
 * process-wide budget; later faults of that connection are not logged. Anything Colyseus logs
 * outside a socket's emit is the server's own and is logged in full.
 */
export class ColyseusLog {
  private readonly connections = new WeakMap<WebSocket, ConnectionInfo>();
  private readonly budget: TokenBucket;
  private emitting: WebSocket | undefined;
  private suppressed = 0;

  readonly logger: ColyseusLogger = {
    trace: (...args) => this.log.trace(format(...args)),
    debug: (...args) => this.log.debug(format(...args)),
    info: (...args) => this.serverOrClient("info", args),
    warn: (...args) => this.serverOrClient("warn", args),
    error: (...args) => this.serverOrClient("error", args),
  };

  constructor(
    private readonly log: Logger,
    clock: Clock = systemClock,
  ) {
    this.budget = new TokenBucket(FAULT_LINES_BURST, FAULT_LINES_PER_SECOND, clock);
  }

  /** Tracks every socket of `wss`; prepended so it runs before the transport's own listeners. */
  watch(wss: WebSocketServer): void {
    wss.prependListener("connection", (socket: WebSocket, req: http.IncomingMessage) => this.track(socket, req));
  }

  private track(socket: WebSocket, req: http.IncomingMessage): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    this.connections.set(socket, {
      remoteAddress: req.socket.remoteAddress,
      roomId: url.pathname.split("/").pop() || undefined,
      sessionId: url.searchParams.get("sessionId"),
      reported: false,
    });
    const emit = socket.emit;
    socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== "message" && event !== "error") return emit.call(socket, event, ...args);
      const outer = this.emitting;
      this.emitting = socket;
      try {
        return emit.call(socket, event, ...args);
      } finally {
        this.emitting = outer;
      }
    };
  }

  private serverOrClient(level: "info" | "warn" | "error", args: unknown[]): void {
    const text = format(...args);
    const info = this.emitting && this.connections.get(this.emitting);
    if (!info) {
      const [msg, ...detail] = text.split("\n");
      this.log[level](detail.length > 0 ? { colyseus: true, detail: detail.join("\n") } : { colyseus: true }, msg);
      return;
    }
    if (info.reported) return;
    info.reported = true;
    if (!this.budget.tryTake()) {
      this.suppressed += 1;
      return;
    }
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.log.warn(
      {
        remoteAddress: info.remoteAddress,
        roomId: info.roomId,
        sessionId: info.sessionId,
        reason: (text.split("\n")[0] ?? "").slice(0, REASON_MAX_CHARS),
        ...(suppressed > 0 ? { otherConnectionsNotLogged: suppressed } : {}),
      },
      "client frame rejected; later faults of this connection are not logged",
    );
  }
}
