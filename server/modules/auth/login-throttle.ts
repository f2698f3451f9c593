import type { Config } from "../../config";
import { AppError, ErrorCode } from "../../lib/errors";
import { retryAfterSeconds, type Limiter, type LimiterStore, type LimitResult } from "../../lib/rate-limit/limiter";

/**
 * Counts failed logins per (account, IP) and per IP. Reaching the account+IP limit locks only that
 * pair, so an attacker's failures never lock the owner out from another address; the IP limit
 * stops one address from spraying many accounts. Unknown usernames count exactly like known ones.
 *
 * Every attempt reserves its point BEFORE the password is checked (an atomic consume), and a
 * correct password gives it back. Checking first and counting after would let a burst of
 * concurrent guesses all pass the check before any failure is counted.
 */
export class LoginThrottle {
  private readonly accountIp: Limiter;
  private readonly ip: Limiter;

  constructor(store: LimiterStore, limits: Config["loginLimits"]) {
    // `maxFailures` attempts fit in the window; the next one is refused and locks for lockSeconds.
    this.accountIp = store.create({
      name: "login_fail_account_ip",
      points: limits.accountIp.maxFailures,
      durationSeconds: limits.accountIp.windowSeconds,
      blockSeconds: limits.accountIp.lockSeconds,
    });
    this.ip = store.create({
      name: "login_fail_ip",
      points: limits.ip.maxFailures,
      durationSeconds: limits.ip.windowSeconds,
      blockSeconds: limits.ip.lockSeconds,
    });
  }

  /**
   * Reserves one attempt for (account, IP) and for IP, or throws 429 login_locked. The reservation
   * stands as a failure unless `succeeded` is called. A refused attempt costs nothing.
   */
  async beginAttempt(usernameKey: string, ip: string): Promise<void> {
    const pair = pairKey(usernameKey, ip);
    const [byPair, byIp] = await Promise.all([this.accountIp.consume(pair), this.ip.consume(ip)]);
    if (byPair.allowed && byIp.allowed) return;
    await Promise.all([byPair.allowed && this.accountIp.reward(pair), byIp.allowed && this.ip.reward(ip)]);
    throw lockedError([byPair, byIp].filter((r) => !r.allowed));
  }

  /** The attempt could not be judged (e.g. the database failed): it is given back, not counted. */
  async cancelAttempt(usernameKey: string, ip: string): Promise<void> {
    await Promise.all([this.accountIp.reward(pairKey(usernameKey, ip)), this.ip.reward(ip)]);
  }

  /** The password was right: the attempt was no failure, and the pair's earlier failures are forgiven. */
  async succeeded(usernameKey: string, ip: string): Promise<void> {
    await Promise.all([this.accountIp.reset(pairKey(usernameKey, ip)), this.ip.reward(ip)]);
  }
}

function lockedError(refused: LimitResult[]): AppError {
  const retryAfter = Math.max(...refused.map(retryAfterSeconds));
  return new AppError(ErrorCode.LoginLocked, `Too many failed login attempts. Try again in ${retryAfter} seconds.`, {
    retryAfterSeconds: retryAfter,
  });
}

const pairKey = (usernameKey: string, ip: string): string => `${usernameKey}|${ip}`;
