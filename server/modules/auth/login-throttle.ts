import type { Config } from "../../config";
import { AppError, ErrorCode } from "../../lib/errors";
import { retryAfterSeconds, type Limiter, type LimiterStore } from "../../lib/rate-limit/limiter";

/**
 * Counts failed logins per (account, IP) and per IP. Reaching the account+IP limit locks only that
 * pair, so an attacker's failures never lock the owner out from another address; the IP limit
 * stops one address from spraying many accounts. Unknown usernames count exactly like known ones.
 */
export class LoginThrottle {
  private readonly accountIp: Limiter;
  private readonly ip: Limiter;

  constructor(store: LimiterStore, limits: Config["loginLimits"]) {
    // A limiter allows `points` and blocks on the next one: `maxFailures - 1` makes the
    // maxFailures-th failure the one that locks.
    this.accountIp = store.create({
      name: "login_fail_account_ip",
      points: limits.accountIp.maxFailures - 1,
      durationSeconds: limits.accountIp.windowSeconds,
      blockSeconds: limits.accountIp.lockSeconds,
    });
    this.ip = store.create({
      name: "login_fail_ip",
      points: limits.ip.maxFailures - 1,
      durationSeconds: limits.ip.windowSeconds,
      blockSeconds: limits.ip.lockSeconds,
    });
  }

  async assertAllowed(usernameKey: string, ip: string): Promise<void> {
    const [pair, address] = await Promise.all([this.accountIp.peek(pairKey(usernameKey, ip)), this.ip.peek(ip)]);
    const blocked = [pair, address].filter((r) => !r.allowed);
    if (blocked.length === 0) return;
    const retryAfter = Math.max(...blocked.map(retryAfterSeconds));
    throw new AppError(ErrorCode.LoginLocked, `Too many failed login attempts. Try again in ${retryAfter} seconds.`, {
      retryAfterSeconds: retryAfter,
    });
  }

  async recordFailure(usernameKey: string, ip: string): Promise<void> {
    await Promise.all([this.accountIp.consume(pairKey(usernameKey, ip)), this.ip.consume(ip)]);
  }

  async recordSuccess(usernameKey: string, ip: string): Promise<void> {
    await this.accountIp.reset(pairKey(usernameKey, ip));
  }
}

const pairKey = (usernameKey: string, ip: string): string => `${usernameKey}|${ip}`;
