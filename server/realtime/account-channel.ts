import type { Presence } from "@colyseus/core";
import { CloseCode } from "../../shared/codes";
import type { SessionEndReason, SessionEvents } from "../modules/auth/auth.types";

/**
 * Every process subscribes, through the Colyseus Presence API, to the channels of the accounts it
 * holds connections for. Events for one player are published there and reach whichever process
 * holds that player's connection (LocalPresence in one process, Redis pub/sub across many).
 */
export const accountChannel = (accountId: string): string => `lobby:acct:${accountId}`;

export type AccountEvent = {
  kind: "sessions_ended";
  /** null: every session of the account. */
  sessionIds: string[] | null;
  closeCode: number;
  reason: SessionEndReason;
};

export function closeCodeFor(reason: SessionEndReason): number {
  return reason === "account_deleted" ? CloseCode.AccountClosed : CloseCode.SessionRevoked;
}

export class PresenceSessionEvents implements SessionEvents {
  constructor(private readonly presence: Presence) {}

  async sessionsEnded(accountId: string, sessionIds: string[] | "all", reason: SessionEndReason): Promise<void> {
    const event: AccountEvent = {
      kind: "sessions_ended",
      sessionIds: sessionIds === "all" ? null : sessionIds,
      closeCode: closeCodeFor(reason),
      reason,
    };
    await this.presence.publish(accountChannel(accountId), event);
  }
}
