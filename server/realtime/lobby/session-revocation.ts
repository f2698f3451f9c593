import { ClientState } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import type { Logger } from "../../lib/logger";
import type { Metrics } from "../../lib/metrics";
import type { AuthService } from "../../modules/auth/auth.service";
import type { LobbyAuth } from "../room-auth";
import type { AccountEventOf } from "./feature";
import type { HeldSeats } from "./held-seats";
import { authOf, type LobbyClient } from "./lobby-client";

/**
 * How long a connection the server closed may take to answer the close frame before its socket is
 * destroyed (ws alone would wait 30 s, keeping the seat and the account's subscription).
 */
export const CLOSE_GRACE_MS = 1_000;

/** What SessionRevocation needs of its room. */
export interface RevokingRoom {
  readonly clients: Iterable<LobbyClient>;
  /** The room's clock (Colyseus'): its timers end with the room. */
  readonly clock: { setTimeout(fn: () => void, ms: number): unknown };
}

/**
 * Ended login sessions in one lobby room: their live connections are closed and their held seats
 * given up, on a sessions_ended event or when the periodic sweep finds them (in case the event
 * was lost).
 */
export class SessionRevocation {
  constructor(
    private readonly room: RevokingRoom,
    private readonly held: HeldSeats,
    private readonly d: { auth: AuthService; metrics: Metrics; logger: Logger },
  ) {}

  onSessionsEnded(accountId: string, event: AccountEventOf<"sessions_ended">): void {
    const ended = event.sessionIds === null ? null : new Set(event.sessionIds);
    this.endSessions((auth) => auth.accountId === accountId && (ended === null || ended.has(auth.authSessionId)), event.closeCode, event.reason);
  }

  /** Re-checks the sessions of every connection of the room, held seats too. Never rejects. */
  async sweep(): Promise<void> {
    const auths = [...this.room.clients, ...this.held.clients()].map(authOf);
    if (auths.length === 0) return;
    try {
      const live = new Set(await this.d.auth.liveSessionIds([...new Set(auths.map((a) => a.authSessionId))]));
      this.endSessions((auth) => !live.has(auth.authSessionId), CloseCode.SessionRevoked, "sweep");
    } catch (err) {
      this.d.logger.warn({ err }, "session sweep failed; will retry");
    }
  }

  closeByServer(client: LobbyClient, code: number, reason: string): void {
    const data = client.userData;
    if (data?.closedByServer) return;
    if (data) data.closedByServer = true;
    this.d.metrics.sessionsClosed.inc({ reason });
    client.leave(code);
    // ws keeps delivering frames until the peer answers the close: act on none of them.
    client.state = ClientState.LEAVING;
    const socket = client.ref as typeof client.ref & { terminate?: () => void };
    this.room.clock.setTimeout(() => socket.terminate?.(), CLOSE_GRACE_MS);
  }

  /** Closes the matching live connections and gives up the matching held seats. */
  private endSessions(matches: (auth: LobbyAuth) => boolean, code: number, reason: string): void {
    for (const client of [...this.room.clients]) {
      if (matches(authOf(client))) this.closeByServer(client, code, reason);
    }
    this.held.refuse((client) => matches(authOf(client)), reason);
  }
}
