import crypto from "node:crypto";
import type { UpgradeResponse } from "../../../shared/schemas/auth";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId, sha256Hex } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { retryAfterSeconds, type Limiter } from "../../lib/rate-limit/limiter";
import type { AuthService, ClientInfo, IssuedTokens } from "./auth.service";
import { usernameKeyOf, type AuthContext } from "./auth.types";
import type { DeviceAccount, DeviceAuthRepo } from "./device-auth.repo";
import type { PasswordHasher } from "./password-hasher";
import { assertPasswordPolicy } from "./password-policy";
import type { ProfileService } from "../accounts/profile.service";

export interface DeviceAuthServiceDeps {
  repo: DeviceAuthRepo;
  auth: Pick<AuthService, "startSession" | "assertNotBanned">;
  /** Gated by the login admission gate (gatedHasher). */
  hasher: PasswordHasher;
  /** New guest accounts per client IP (the registration limit: a guest is an account). */
  creations: Limiter;
  /** GUEST_ACCOUNTS: false answers guest_accounts_disabled. */
  enabled: boolean;
  clock: Clock;
  logger: Logger;
  /** Announces the upgraded account's new names (every process' session cache, connections, friends). */
  profiles: Pick<ProfileService, "changed">;
}

const GUEST_PREFIX = "guest_";
const NAME_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const randomGuestName = () => GUEST_PREFIX + Array.from({ length: 10 }, () => NAME_ALPHABET[crypto.randomInt(NAME_ALPHABET.length)]).join("");

/**
 * Guest accounts: play first, sign up later. A client generates a device secret once and keeps
 * it; `/auth/device` with it creates a guest account (a generated username, no password) the first
 * time and logs into it after. `upgrade` gives the guest a username and password, keeping its id and
 * so its friends, ratings, history and chat; the device is then retired (see `login`).
 */
export class DeviceAuthService {
  constructor(private readonly d: DeviceAuthServiceDeps) {}

  async login(deviceId: string, client: ClientInfo): Promise<{ tokens: IssuedTokens; created: boolean }> {
    if (!this.d.enabled) throw new AppError(ErrorCode.GuestAccountsDisabled, "Guest accounts are turned off on this server: register instead.");
    const idHash = sha256Hex(deviceId);
    const now = new Date(this.d.clock.now());
    const known = await this.d.repo.find(idHash, now);
    if (known) return { tokens: await this.loginKnown(known, client), created: false };

    const limit = await this.d.creations.consume(client.ip);
    if (!limit.allowed) {
      const retryAfter = retryAfterSeconds(limit);
      throw new AppError(ErrorCode.RateLimited, `Too many new accounts from this address. Try again in ${retryAfter} seconds.`, { retryAfterSeconds: retryAfter });
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const username = randomGuestName();
      const account = { id: newId(), username, displayName: username };
      const outcome = await this.d.repo.createGuest({ accountId: account.id, username: account.username, usernameKey: usernameKeyOf(account.username), idHash, now });
      if (outcome === "created") {
        this.d.logger.info({ accountId: account.id }, "guest account created");
        return { tokens: await this.d.auth.startSession(account, client), created: true };
      }
      if (outcome === "device_taken") {
        // The same device's first call raced this one and won: log in to what it created.
        const raced = await this.d.repo.find(idHash, now);
        if (raced) return { tokens: await this.loginKnown(raced, client), created: false };
      }
    }
    throw new Error("could not create a guest account: generated usernames kept colliding");
  }

  /**
   * The guest becomes a full account with `username` and `password` (the registration rules),
   * keeping its id. The device logs in no more by itself (`device_upgraded`): a device secret sits
   * in the client's storage, and once the account has a password it should not be a second way in
   * that skips it. This session (and any other of the guest's) goes on.
   */
  async upgrade(me: AuthContext, username: string, password: string): Promise<UpgradeResponse> {
    if (!me.guest) throw notGuest();
    assertPasswordPolicy(password, username);
    const passwordHash = await this.d.hasher.hash(password);
    const outcome = await this.d.repo.upgrade({ accountId: me.accountId, username, usernameKey: usernameKeyOf(username), passwordHash, now: new Date(this.d.clock.now()) });
    if (outcome.outcome === "not_guest") throw notGuest();
    if (outcome.outcome !== "upgraded") throw new AppError(ErrorCode.UsernameTaken, "That username is taken.", { fields: [{ path: "username", message: "is taken" }] });
    const { displayName } = outcome;
    // The session cache holds the guest flag too: every process forgets the account's entries.
    await this.d.profiles.changed({ accountId: me.accountId, username, displayName });
    this.d.logger.info({ accountId: me.accountId }, "guest account upgraded");
    return { account: { id: me.accountId, username, displayName, guest: false } };
  }

  private async loginKnown(known: DeviceAccount, client: ClientInfo): Promise<IssuedTokens> {
    if (known.retired) throw new AppError(ErrorCode.DeviceUpgraded, "This device's guest account now has a password: log in with its username and password.");
    if (known.disabled) throw new AppError(ErrorCode.InvalidCredentials, "This device cannot log in.");
    await this.d.auth.assertNotBanned(known.accountId);
    return this.d.auth.startSession({ id: known.accountId, username: known.username, displayName: known.displayName }, client);
  }
}

const notGuest = () => new AppError(ErrorCode.NotAGuest, "Only a guest account can be upgraded: this one already has a username and password.");
