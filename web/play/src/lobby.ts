import { LobbyRefusalError, type ConnectionStatus, type LobbyClientMessages, type LobbyClientMessageType, type LobbyClientReplies, type LobbyConnection } from "../../../shared/client";
import { CloseCode } from "../../../shared/codes";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../../shared/schemas/lobby-server-messages";
import type { Session } from "./session";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "closed";
/** How a view learns the connection (re)opened: the first join, the held seat taken back, or a fresh join after the window. */
export type Joined = "first" | "same_seat" | "new_seat";

type Handler = [LobbyServerMessageType, (payload: never) => void];

/**
 * The page's side of the SDK's LobbyConnection (`client.connectLobby`). Views register handlers
 * before the connection exists; they are handed to the SDK before any message is dispatched,
 * and the SDK keeps them across reconnects. Reconnection is the SDK's: the held seat within
 * LOBBY_RECONNECT_SECONDS, then a fresh join that re-joins the public channels with `afterSeq`.
 * Its status events drive the banner (`onState`) and each view's catch-up (`onJoined`).
 */
export class Lobby {
  connection: LobbyConnection | undefined;
  state: ConnectionState = "connecting";
  onState: (state: ConnectionState, detail?: string) => void = () => undefined;
  private readonly handlers: Handler[] = [];
  private readonly joined: ((how: Joined) => void)[] = [];
  private stopped = false;

  constructor(private readonly session: Session) {}

  on<K extends LobbyServerMessageType>(type: K, handler: (payload: LobbyServerMessages[K]) => void): void {
    if (this.connection) this.connection.on(type, handler);
    else this.handlers.push([type, handler as (payload: never) => void]);
  }

  /** After every (re)join. */
  onJoined(handler: (how: Joined) => void): void {
    this.joined.push(handler);
  }

  async start(): Promise<void> {
    this.setState("connecting");
    await this.session.client.connectLobby((c) => {
      this.connection = c;
      for (const [type, handler] of this.handlers) c.on(type, handler as (payload: LobbyServerMessages[typeof type]) => void);
      c.onStatus((s) => this.status(s));
    });
    if (this.stopped) return;
    this.setState("online");
    for (const handler of this.joined) handler("first");
  }

  /** The server's answer; rejects with LobbyRefusalError (the server's or the SDK's own refusal). */
  request<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K]): Promise<LobbyClientReplies[K]> {
    if (!this.connection) return Promise.reject(new Error("Not connected yet."));
    return this.connection.request(type, payload);
  }

  /** Fire and forget: the server's refusals still arrive as `error` messages; a local one is passed to `onLocalRefusal`. */
  send<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K], onLocalRefusal?: (err: LobbyRefusalError) => void): void {
    void this.connection?.send(type, payload).catch((err: unknown) => {
      if (err instanceof LobbyRefusalError) onLocalRefusal?.(err);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection?.leave().catch(() => undefined);
  }

  private status(s: ConnectionStatus): void {
    if (this.stopped) return;
    if (s.state === "reconnecting") return this.setState("reconnecting");
    if (s.state === "open") {
      this.setState("online");
      for (const handler of this.joined) handler(s.resumed ?? "same_seat");
      return;
    }
    if (s.code === CloseCode.SessionRevoked || s.code === CloseCode.AccountClosed) return this.session.expire("Your session ended. Please log in again.");
    if (s.code === CloseCode.Banned) return this.session.expire("Your account was banned.");
    if (!this.session.client.session) return this.session.expire("Your session has expired. Please log in again.");
    if (s.code === CloseCode.Kicked) return this.setState("closed", "You were disconnected by an operator. Reload the page to come back.");
    this.setState("closed", `The connection closed (code ${s.code}). Reload the page to come back.`);
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.onState(state, detail);
  }
}
