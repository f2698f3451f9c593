import type { Room } from "@colyseus/sdk";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { checkServerMessage } from "./protocol-check";

export interface Received {
  type: string;
  payload: unknown;
}

interface Waiter {
  from: number;
  match: (m: Received) => boolean;
  resolve: (m: Received) => void;
}

/**
 * Every message one lobby connection received, in order. Attach it in joinLobby's `setup` so
 * nothing (not even the join snapshot) is missed; attach it again to the room a reconnect returns.
 */
export class MessageLog {
  readonly messages: Received[] = [];
  private waiters: Waiter[] = [];

  listen(room: Room): void {
    for (const type of Object.values(LobbyServerMessage)) room.onMessage(type, (payload: unknown) => this.push(type, payload));
    // Types the catalogue does not name (e.g. test markers) reach the wildcard handler.
    room.onMessage("*", (type: string | number, payload: unknown) => this.push(String(type), payload));
  }

  /** A position in the log: pass it as `from` to look only at what arrives later. */
  get mark(): number {
    return this.messages.length;
  }

  /** Payloads of `type` received so far (from position `from`) that satisfy `where`. */
  of<T>(type: string, where: (payload: T) => boolean = () => true, from = 0): T[] {
    return this.messages
      .slice(from)
      .filter((m) => m.type === type && where(m.payload as T))
      .map((m) => m.payload as T);
  }

  /** Types in arrival order (from position `from`). */
  types(from = 0): string[] {
    return this.messages.slice(from).map((m) => m.type);
  }

  /** The first message of `type` satisfying `where`, at or after position `from`: already here or still to come. */
  waitFor<T>(type: string, where: (payload: T) => boolean = () => true, from = 0): Promise<T> {
    const match = (m: Received) => m.type === type && where(m.payload as T);
    const seen = this.messages.slice(from).find(match);
    if (seen) return Promise.resolve(seen.payload as T);
    return new Promise<T>((resolve) => this.waiters.push({ from, match, resolve: (m) => resolve(m.payload as T) }));
  }

  private push(type: string, payload: unknown): void {
    checkServerMessage(type, payload);
    const message = { type, payload };
    this.messages.push(message);
    const index = this.messages.length - 1;
    for (const w of [...this.waiters]) {
      if (index >= w.from && w.match(message)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  }
}
