import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../../shared/schemas/lobby-server-messages";
import type { QueueUpdateMessage } from "../../../shared/schemas/matchmaking";
import type { Activity } from "../../../shared/schemas/presence";
import type { Logger } from "../../lib/logger";
import { deliver, type AccountEventBus } from "../events/account-events";
import type { Identity } from "../identity";
import { UNKNOWN_NAMES, type AccountNames } from "../accounts/account-names.repo";

export interface MatchNoticesDeps {
  bus: AccountEventBus;
  presence: { setActivity(who: Identity, activity: Activity): Promise<void> };
  names(ids: string[]): Promise<Map<string, AccountNames>>;
  logger: Logger;
}

/** What the matchmaker and backfill tell players: lobby messages through their account channel, and presence activity. */
export class MatchNotices {
  constructor(private readonly d: MatchNoticesDeps) {}

  queue(accountIds: string[], update: QueueUpdateMessage): Promise<void> {
    return this.send(accountIds, LobbyServerMessage.QueueUpdate, update);
  }

  async send<K extends LobbyServerMessageType>(accountIds: string[], type: K, payload: LobbyServerMessages[K]): Promise<void> {
    const event = deliver(type, payload);
    await Promise.all(accountIds.map((id) => this.d.bus.publish(id, event)));
  }

  /** `activity`: the same for every player, or per player. A failed update is logged, not thrown. */
  async activity(accountIds: string[], activity: Activity | ((accountId: string) => Activity)): Promise<void> {
    if (accountIds.length === 0) return;
    const names = await this.d.names(accountIds);
    await Promise.all(
      accountIds.map((accountId) =>
        this.d.presence
          .setActivity({ accountId, ...(names.get(accountId) ?? UNKNOWN_NAMES) }, typeof activity === "function" ? activity(accountId) : activity)
          .catch((err) => this.d.logger.warn({ err, accountId }, "activity update failed")),
      ),
    );
  }
}
