import type { Client, Room } from "@colyseus/sdk";
import { MatchmakeErrorCode } from "../codes";

/** Close codes of a network loss (as the server's reconnect policy): the seat is held for a while. */
export const DROP_CLOSE_CODES: ReadonlySet<number> = new Set([1001, 1005, 1006, 4010]);

/** Colyseus' codes for a seat that is no longer there: MATCHMAKE_INVALID_ROOM_ID, MATCHMAKE_EXPIRED. */
const SEAT_GONE: ReadonlySet<number> = new Set([522, 524]);

export type ConnectionStatus =
  | { state: "open"; resumed?: "same_seat" | "new_seat" }
  /** Dropped: trying the held seat, then (lobby) a fresh join. Friends see the player offline meanwhile. */
  | { state: "reconnecting"; code: number; attempt: number }
  /** For good: `code` is the close code (4000 a leave by choice, 41xx the session or account, 42xx a match's end). */
  | { state: "closed"; code: number; reason?: string };

export interface RoomKeeperOptions {
  colyseus: Client;
  /** How long the server holds a dropped seat (LOBBY_RECONNECT_SECONDS / MATCH_RECONNECT_SECONDS). */
  windowMs: number;
  /** Attaches the handlers to a room, before it dispatches any message (the first one and every reconnected one). */
  setup: (room: Room) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** After the window, or when the seat is gone: a fresh join. Absent: the connection closes. */
  rejoin?: () => Promise<Room>;
  /** Whether a failed rejoin should stop the attempts (e.g. the session is over). */
  fatal?: (err: unknown) => boolean;
  /** Give up a fresh join after this long (default 120 s). */
  giveUpAfterMs?: number;
  now?: () => number;
}

const codeOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
};

/**
 * Keeps one room connection: turns off the SDK's own reconnection (it would race this one, and
 * it gives up on rooms up for less than 5 s), and on a drop takes the held seat back with
 * `client.reconnect(token)` until the window closes, then (if it can) joins afresh.
 */
export class RoomKeeper {
  private current: Room;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly now: () => number;

  constructor(
    room: Room,
    private readonly o: RoomKeeperOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.current = room;
    this.attach(room);
  }

  get room(): Room {
    return this.current;
  }

  get open(): boolean {
    return !this.stopped && this.current.connection.isOpen;
  }

  /** Resolves once the connection is open (at once when it is); rejects once it is closed for good. */
  whenOpen(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error("the connection is closed"));
    if (this.current.connection.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push(() => (this.stopped ? reject(new Error("the connection is closed")) : resolve())));
  }

  /** A leave by choice (4000): no reconnection follows. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const code = this.current.connection.isOpen ? await this.current.leave(true).catch(() => 4000) : 4000;
    this.close(typeof code === "number" ? code : 4000);
  }

  private attach(room: Room): void {
    room.reconnection.enabled = false;
    this.o.setup(room);
    room.onLeave((code: number, reason?: string) => {
      if (room !== this.current || this.stopped) return;
      if (DROP_CLOSE_CODES.has(code)) void this.recover(code);
      else this.close(code, reason);
    });
  }

  private close(code: number, reason?: string): void {
    this.stopped = true;
    this.flushWaiters();
    this.o.onStatus({ state: "closed", code, ...(reason ? { reason } : {}) });
  }

  private adopt(room: Room, how: "same_seat" | "new_seat"): void {
    this.current = room;
    this.attach(room);
    this.o.onStatus({ state: "open", resumed: how });
    this.flushWaiters();
  }

  private flushWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  private async recover(code: number): Promise<void> {
    const droppedAt = this.now();
    const deadline = droppedAt + this.o.windowMs;
    let token: string | undefined = this.current.reconnectionToken;
    for (let attempt = 1; !this.stopped; attempt++) {
      this.o.onStatus({ state: "reconnecting", code, attempt });
      if (token && this.now() < deadline) {
        try {
          const room = await this.o.colyseus.reconnect(token);
          if (this.stopped) return void room.leave(true).catch(() => undefined);
          return this.adopt(room, "same_seat");
        } catch (err) {
          const c = codeOf(err);
          // The seat is gone, or the session ended while away (525): only a fresh join can help.
          if (c !== undefined && (SEAT_GONE.has(c) || c === MatchmakeErrorCode.AuthFailed)) token = undefined;
        }
      } else if (this.o.rejoin && this.now() - droppedAt < (this.o.giveUpAfterMs ?? 120_000)) {
        try {
          const room = await this.o.rejoin();
          if (this.stopped) return void room.leave(true).catch(() => undefined);
          return this.adopt(room, "new_seat");
        } catch (err) {
          if (this.o.fatal?.(err)) return this.close(codeOf(err) ?? code, err instanceof Error ? err.message : undefined);
        }
      } else {
        return this.close(code, "reconnection window over");
      }
      const delay = Math.min(token ? 2000 : 5000, 250 * 2 ** Math.min(attempt - 1, 5)) + Math.random() * 250;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
