import type { Room } from "@colyseus/sdk";
import { MatchmakeErrorCode } from "../../../shared/codes";
import { CloseCode } from "../../../shared/codes";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../../shared/schemas/lobby-server-messages";
import type { Session } from "./session";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "closed";

/** Drops the SDK reports (abnormal closure, going away, no status, "may try reconnect"). */
const DROPS = new Set<number>([1001, 1005, 1006, CloseCode.MayTryReconnect, CloseCode.FailedToReconnect, CloseCode.ServerShutdown, CloseCode.WithError]);

/**
 * The player's lobby connection, kept open across drops. Handlers are registered once here and
 * re-attached to every new room, so views never see which connection a message came on. The
 * SDK's own reconnection is turned off (it only retries after the room has been up 5 s and only
 * within the server's seat window): a drop becomes a fresh join, after which `onJoined(true)`
 * lets each view catch up (chat rejoins its channels with `afterSeq`; presence, notifications and
 * the party arrive again as snapshots).
 */
export class Lobby {
  room: Room | undefined;
  state: ConnectionState = "connecting";
  onState: (state: ConnectionState, detail?: string) => void = () => undefined;
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();
  private readonly joined: ((rejoin: boolean) => void)[] = [];
  private stopped = false;
  private looping = false;
  private attempt = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly session: Session) {
    window.addEventListener("online", () => this.wake?.());
  }

  on<K extends LobbyServerMessageType>(type: K, handler: (payload: LobbyServerMessages[K]) => void): void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as (payload: never) => void);
  }

  /** After every join: `rejoin` is false the first time. */
  onJoined(handler: (rejoin: boolean) => void): void {
    this.joined.push(handler);
  }

  async start(): Promise<void> {
    await this.join(false);
  }

  send(type: string, payload: unknown = {}): void {
    this.room?.send(type, payload);
  }

  /**
   * A request: resolves with the server's answer, or with undefined when it refused (the refusal
   * arrives as an `error` message first, which the views show).
   */
  async request<T>(type: string, payload: unknown = {}): Promise<T | undefined> {
    if (!this.room || this.state !== "online") throw new Error("Not connected: wait for the connection to come back.");
    return this.room.request(type, payload) as Promise<T | undefined>;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const room = this.room;
    this.room = undefined;
    await room?.leave(true).catch(() => undefined);
  }

  private async join(rejoin: boolean): Promise<void> {
    this.setState(rejoin ? "reconnecting" : "connecting");
    await this.session.token();
    const { room } = await this.session.client.joinLobby({}, (room) => {
      room.reconnection.enabled = false;
      for (const type of Object.values(LobbyServerMessage)) {
        room.onMessage(type, (payload: never) => {
          if (room === this.room) for (const handler of this.handlers.get(type) ?? []) handler(payload);
        });
      }
      room.onLeave((code: number) => this.left(room, code));
      this.room = room;
    });
    if (this.stopped || room !== this.room) return;
    this.attempt = 0;
    this.setState("online");
    for (const handler of this.joined) handler(rejoin);
  }

  private left(room: Room, code: number): void {
    if (room !== this.room || this.stopped) return;
    if (code === CloseCode.SessionRevoked || code === CloseCode.AccountClosed) return this.session.expire("Your session ended. Please log in again.");
    if (code === CloseCode.Banned) return this.session.expire("Your account was banned.");
    if (code === CloseCode.Kicked) return this.setState("closed", "You were disconnected by an operator. Reload the page to come back.");
    if (!DROPS.has(code) && code !== CloseCode.Consented) return this.setState("closed", `The connection closed (code ${code}).`);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    this.setState("reconnecting");
    try {
      await this.retry();
    } finally {
      this.looping = false;
    }
  }

  private async retry(): Promise<void> {
    while (!this.stopped) {
      const delay = Math.min(5_000, 400 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      if (this.stopped) return;
      try {
        await this.join(true);
        return;
      } catch (err) {
        // A refused token: refresh it (an ended session stops the loop through Session.expire).
        if ((err as { code?: unknown }).code === MatchmakeErrorCode.AuthFailed) await this.session.refresh().catch(() => undefined);
      }
    }
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.onState(state, detail);
  }
}
