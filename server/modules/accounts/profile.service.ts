import { AppError, ErrorCode } from "../../lib/errors";
import type { Logger } from "../../lib/logger";
import { rateLimitedError, type Limiter } from "../../lib/rate-limit/limiter";
import type { AccountEventBus } from "../events/account-events";
import type { Identity, PublicAccount } from "../identity";
import type { ProfileRepo } from "./profile.repo";

/**
 * The features that show a player to others and must show the new name at once (the rest read
 * it from the database when they next show the player).
 */
export interface ProfileChanges {
  /** Friends see the new name in the player's presence. */
  presence: { renamed(who: Identity): Promise<void> };
  /** The player's party re-sends its state. */
  parties: { memberPresenceChanged(accountId: string): Promise<void> };
  /** The player's custom game lobby re-sends its state. */
  gameLobbies: { memberRenamed(who: Identity): Promise<void> };
}

export interface ProfileServiceDeps {
  repo: ProfileRepo;
  bus: AccountEventBus;
  changes: ProfileChanges;
  /** Display name changes per account (DISPLAY_NAME_CHANGES_PER_HOUR). */
  renames: Limiter;
  logger: Logger;
}

/**
 * How a player is shown to others. The display name is not unique and not a login handle; a
 * change reaches every live connection of the player (the name its chat messages carry), every
 * process' session cache, and the friends, party and game lobby that show it.
 */
export class ProfileService {
  constructor(private readonly d: ProfileServiceDeps) {}

  /** `displayName` is already cleaned and bounded (DisplayNameSchema). */
  async setDisplayName(me: Identity, displayName: string): Promise<PublicAccount> {
    if (displayName === me.displayName) return { id: me.accountId, username: me.username, displayName };
    const limit = await this.d.renames.consume(me.accountId);
    if (!limit.allowed) throw rateLimitedError("Too many display name changes", limit);
    const account = await this.d.repo.setDisplayName(me.accountId, displayName);
    if (!account) throw new AppError(ErrorCode.InvalidToken, "The session has ended.");
    await this.changed({ accountId: account.id, username: account.username, displayName: account.displayName });
    return account;
  }

  /**
   * Tells everything that shows the player that its names changed (a rename, or a guest's
   * upgrade). The change is stored: a failure here is logged and healed by the next read.
   */
  async changed(who: Identity): Promise<void> {
    const steps: [string, () => Promise<void>][] = [
      ["sessions", () => this.d.bus.publish(who.accountId, { kind: "profile_changed", username: who.username, displayName: who.displayName })],
      ["presence", () => this.d.changes.presence.renamed(who)],
      ["party", () => this.d.changes.parties.memberPresenceChanged(who.accountId)],
      ["game_lobby", () => this.d.changes.gameLobbies.memberRenamed(who)],
    ];
    // Each independently: a failed party update must not keep the game lobby stale too.
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (err) {
        this.d.logger.warn({ err, accountId: who.accountId, step }, "display name change not shown everywhere yet");
      }
    }
  }
}
