import type { AdminLoginResponse, Operator, OperatorRole } from "../../../shared/schemas/admin";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { usernameKeyOf } from "../auth/auth.types";
import { bannedError } from "../auth/auth.service";
import type { LoginThrottle } from "../auth/login-throttle";
import type { PasswordHasher } from "../auth/password-hasher";
import { passwordPolicyProblem } from "../auth/password-policy";
import type { AdminRepo, OperatorAccountRow } from "./admin.repo";
import { dbRoleOf, operatorRoleOf } from "./operator-roles";
import type { OperatorTokens } from "./operator-tokens";

export interface OperatorAuthDeps {
  repo: AdminRepo;
  hasher: PasswordHasher;
  tokens: OperatorTokens;
  throttle: LoginThrottle;
  clock: Clock;
  logger: Logger;
}

/** The operator a request acts as, read from the store on that request. */
export interface OperatorContext {
  id: string;
  username: string;
  role: OperatorRole;
}

const INVALID_CREDENTIALS = "Invalid username or password.";

/**
 * Operator sign-in: accounts with an operator role, login (throttled like players'), and the
 * check of every request's token against the account's current role and revocation state.
 */
export class OperatorAuth {
  constructor(private readonly d: OperatorAuthDeps) {}

  /**
   * Creates the operator account, or gives an existing account that role (and the new password).
   * The password policy applies; there is no default password.
   */
  ensureOperator(username: string, password: string, role: OperatorRole): Promise<{ id: string; created: boolean }> {
    return ensureOperatorAccount(this.d.repo, this.d.hasher, username, password, role);
  }

  /**
   * Players, unknown users, disabled accounts and wrong passwords get the same 401; a banned
   * operator with the right password learns of the ban (403 account_banned), as players do.
   * Attempts are throttled like /auth/login.
   */
  async login(username: string, password: string, ip: string): Promise<AdminLoginResponse> {
    const key = usernameKeyOf(username);
    // Only a real failure counts (concurrent correct logins from one address are never refused).
    const account = await this.d.throttle.attempt(key, ip, async () => {
      const found = await this.d.repo.findOperatorForLogin(key, new Date(this.d.clock.now()));
      const ok = found ? await this.d.hasher.verify(found.passwordHash, password) : await this.d.hasher.verifyDummy(password);
      const good = found !== null && ok && !found.disabledAt && operatorRoleOf(found.role) !== undefined;
      return { failed: !good, result: good ? found : null };
    });
    const role = account ? operatorRoleOf(account.role) : undefined;
    if (!account || !role) throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    if (account.ban) throw bannedError(account.ban);
    this.d.logger.info({ operatorId: account.id, role }, "operator logged in");
    return {
      accessToken: this.d.tokens.sign(account.id, account.tokenVersion),
      expiresIn: this.d.tokens.ttlSeconds,
      operator: { id: account.id, username: account.username, role },
    };
  }

  /**
   * The operator behind a token, read from the store on every request (no cache: a ban, a
   * disable or a role change made on any process applies to the next request everywhere).
   */
  async authenticate(token: string): Promise<OperatorContext | "expired" | "invalid"> {
    const claims = this.d.tokens.verify(token);
    if (typeof claims === "string") return claims;
    const account = await this.d.repo.findOperator(claims.accountId, new Date(this.d.clock.now()));
    const role = account && liveOperator(account, claims.version) ? operatorRoleOf(account.role) : undefined;
    if (!account || !role) return "invalid";
    return { id: account.id, username: account.username, role };
  }

  me(op: OperatorContext): { operator: Operator } {
    return { operator: { id: op.id, username: op.username, role: op.role } };
  }
}

/**
 * Creates the operator account, or gives an existing account that role and password. The player
 * password policy applies, and operators need at least 12 characters. Used at start
 * (ADMIN_USERNAME / ADMIN_PASSWORD) and by `npm run admin:create`.
 */
export async function ensureOperatorAccount(
  repo: AdminRepo,
  hasher: PasswordHasher,
  username: string,
  password: string,
  role: OperatorRole,
): Promise<{ id: string; created: boolean }> {
  if (!/^[A-Za-z0-9_]{3,20}$/.test(username)) {
    throw new AppError(ErrorCode.InvalidRequest, "Operator usernames are 3-20 letters, digits or underscores.");
  }
  const normalized = password.normalize("NFC");
  const problem = passwordPolicyProblem(normalized, username) ?? (Array.from(normalized).length < 12 ? "must be at least 12 characters" : undefined);
  if (problem) throw new AppError(ErrorCode.WeakPassword, `Operator password ${problem}.`);
  const key = usernameKeyOf(username);
  const dbRole = dbRoleOf(role);
  const passwordHash = await hasher.hash(normalized);
  const existing = await repo.findAccountByUsernameKey(key);
  if (existing) {
    await repo.updateOperator(existing.id, { role: dbRole, passwordHash });
    return { id: existing.id, created: false };
  }
  const id = newId();
  await repo.createOperator({ id, username, usernameKey: key, passwordHash, role: dbRole });
  return { id, created: true };
}

/** Not disabled, not banned, and the token was issued after the account's last revocation. */
const liveOperator = (a: OperatorAccountRow, tokenVersion: number): boolean => !a.disabledAt && !a.ban && a.tokenVersion === tokenVersion;
