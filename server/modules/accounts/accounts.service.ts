import type { Logger } from "../../lib/logger";
import type { AuthService } from "../auth/auth.service";
import type { SessionEvents } from "../auth/auth.types";
import type { FriendsService } from "../social/friends.service";
import type { AccountsRepo } from "./accounts.repo";

export class AccountsService {
  constructor(
    private readonly repo: AccountsRepo,
    private readonly auth: AuthService,
    private readonly friends: FriendsService,
    private readonly events: SessionEvents,
    private readonly logger: Logger,
  ) {}

  /** Deletes the account and all it owns after the password is confirmed; closes its connections. */
  async deleteAccount(accountId: string, password: string, ip: string): Promise<void> {
    const account = await this.auth.confirmPassword(accountId, password, ip);
    const related = await this.friends.relatedAccountIds(accountId);
    await this.repo.delete(accountId);
    await this.events.sessionsEnded(accountId, "all", "account_deleted");
    await this.friends.announceGone({ id: accountId, username: account.username, displayName: account.displayName }, related);
    this.logger.info({ accountId }, "account deleted");
  }
}
