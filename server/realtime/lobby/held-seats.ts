import { ErrorCode as ColyseusErrorCode, ServerError, type Deferred } from "@colyseus/core";
import type { Clock } from "../../lib/clock";
import { holdsSeatAfter, reconnectDeadline } from "../reconnect-policy";
import type { LobbyClient } from "./lobby-client";

/** A seat held for a dropped connection; rejecting `reconnection` frees it at once. */
interface HeldSeat {
  client: LobbyClient;
  reconnection: Deferred;
}

/** What HeldSeats needs of its room (Colyseus' Room). */
export interface SeatHoldingRoom {
  allowReconnection(client: LobbyClient, seconds: number): Deferred;
}

/**
 * Set on a socket whose frames the transport refused (too big, not WebSocket). ws then stops
 * reading, so the close code it reports is 1006, the same as a network loss: this flag tells them
 * apart. The socket's 'error' event is only emitted for such frames.
 */
const BROKE_PROTOCOL = Symbol("brokeProtocol");

/**
 * One 'error' listener shared by every socket (`this` is the socket): no closure and no
 * once-wrapper per connection (those cost about 300 bytes each, 20k times).
 */
function markBrokeProtocol(this: object): void {
  (this as { [BROKE_PROTOCOL]?: boolean })[BROKE_PROTOCOL] = true;
}

const brokeProtocol = (client: LobbyClient): boolean => (client.ref as { [BROKE_PROTOCOL]?: boolean })[BROKE_PROTOCOL] === true;

/** Watches the connection's current socket (a reconnect brings a new one) for refused frames. */
export function watchTransport(client: LobbyClient): void {
  client.ref.on("error", markBrokeProtocol);
}

/** The seats a lobby room holds for dropped connections, by Colyseus session id, and the reconnect window. */
export class HeldSeats {
  private readonly seats = new Map<string, HeldSeat>();

  constructor(
    private readonly room: SeatHoldingRoom,
    private readonly clock: Clock,
    /** How long a dropped connection keeps its seat. */
    private readonly seconds: number,
  ) {}

  /** Only a network loss keeps the seat: not a server close, a consented leave or a broken limit. */
  hold(client: LobbyClient, code: number | undefined): void {
    const data = client.userData;
    if (!data || data.closedByServer || brokeProtocol(client) || !holdsSeatAfter(code, this.seconds)) return;
    data.reconnectDeadline = reconnectDeadline(this.clock.now(), this.seconds);
    const reconnection = this.room.allowReconnection(client, this.seconds);
    // Expiry, refusal or shutdown rejects it; Colyseus then calls onLeave.
    reconnection.catch(() => undefined);
    if (typeof reconnection.reject === "function") this.seats.set(client.sessionId, { client, reconnection });
  }

  /**
   * A reconnect takes its seat back. The window follows the injected clock (Colyseus' own timer
   * frees the seat in real time): past it, the reconnect is refused.
   */
  reclaim(client: LobbyClient): void {
    this.seats.delete(client.sessionId);
    const data = client.userData;
    if (!data || this.clock.now() >= (data.reconnectDeadline ?? 0)) {
      throw new ServerError(ColyseusErrorCode.MATCHMAKE_EXPIRED, "The reconnection window has closed.");
    }
    data.reconnectDeadline = undefined;
  }

  /** The connection is gone for good. */
  release(sessionId: string): void {
    this.seats.delete(sessionId);
  }

  clients(): LobbyClient[] {
    return [...this.seats.values()].map((seat) => seat.client);
  }

  /** Gives up the seats whose connection matches: their reconnect is refused with `reason`. */
  refuse(matches: (client: LobbyClient) => boolean, reason: string): void {
    for (const [sessionId, seat] of this.seats) {
      if (!matches(seat.client)) continue;
      this.forget(sessionId);
      seat.reconnection.reject(new ServerError(ColyseusErrorCode.AUTH_FAILED, reason));
    }
  }

  /** On shutdown: every seat is given up (Colyseus then disconnects everyone). */
  forgetAll(): void {
    for (const sessionId of [...this.seats.keys()]) this.forget(sessionId);
  }

  /**
   * Colyseus forgets, but does not clear, a held seat's expiry timer when the reconnection is
   * rejected early (here or on shutdown): clear it, or it keeps the process alive for the rest
   * of the window.
   */
  private forget(sessionId: string): void {
    this.seats.delete(sessionId);
    clearTimeout((this.room as unknown as { _reservedSeatTimeouts: Record<string, NodeJS.Timeout> })._reservedSeatTimeouts[sessionId]);
  }
}
