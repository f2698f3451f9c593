import { CloseCode } from "../../../shared/codes";
import type { AccountEventBus } from "../events/account-events";
import type { SessionEndReason, SessionEvents } from "./auth.types";

export function closeCodeFor(reason: SessionEndReason): number {
  return reason === "account_deleted" ? CloseCode.AccountClosed : CloseCode.SessionRevoked;
}

/** Ended sessions travel to the account's live connections, which close with the matching code. */
export class BusSessionEvents implements SessionEvents {
  constructor(private readonly bus: AccountEventBus) {}

  sessionsEnded(accountId: string, sessionIds: string[] | "all", reason: SessionEndReason): Promise<void> {
    return this.bus.publish(accountId, {
      kind: "sessions_ended",
      sessionIds: sessionIds === "all" ? null : sessionIds,
      closeCode: closeCodeFor(reason),
      reason,
    });
  }
}
