import type { Config } from "../../config";
import { AppError, ErrorCode } from "../../lib/errors";
import { KeyedSerializer } from "../../lib/keyed-serializer";
import { retryAfterSeconds, type Limiter, type LimiterStore, type LimitResult } from "../../lib/rate-limit/limiter";

/** What checking one login attempt found: `failed` attempts count against the limits. */
export interface Judged<T> {
  failed: boolean;
  result: T;
}

/** Runs the expensive part of an attempt (e.g. inside an admission gate). */
export type Admit = <T>(operation: () => Promise<T>) => Promise<T>;

const direct: Admit = (operation) => operation();

/**
 * Counts failed logins per (account, IP) and per IP. Reaching the account+IP limit locks only that
 * pair, so an attacker's failures never lock the owner out from another address; the IP limit
 * stops one address from spraying many accounts. Unknown usernames count exactly like known ones.
 * Only real failures count: correct logins, however many run at once from one address (a LAN
 * party, a campus NAT, a console platform's egress), never spend the budget.
 *
 * An attempt is checked without spending (peek), judged, and counted only if it failed. So that a
 * burst of concurrent guesses cannot outrun the limit:
 * - attempts on one (account, IP) run one after another in this process, each checking after the
 *   previous one was counted: at most `maxFailures` of them are judged before the lock;
 * - the check and the judgement run inside `admit` (the login admission gate), so at most its
 *   `maxInFlight` attempts of one IP are judged at once: past the IP limit, at most
 *   `maxInFlight - 1` further failures are judged before the lock.
 * With P processes sharing a Redis store the overshoot multiplies by P (per pair at most P - 1,
 * per IP at most P × maxInFlight - 1).
 */
export class LoginThrottle {
  private readonly accountIp: Limiter;
  private readonly ip: Limiter;
  private readonly pairs = new KeyedSerializer();
  private readonly pairMaxFailures: number;

  constructor(store: LimiterStore, limits: Config["loginLimits"]) {
    this.pairMaxFailures = limits.accountIp.maxFailures;
    // `maxFailures` failures fit in the window; the next attempt is refused and locks for lockSeconds.
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
   * Runs one login attempt under the limits: throws 429 login_locked if (account, IP) or IP is
   * locked, else judges it (inside `admit`) and counts it if it failed. A success forgives the
   * pair's earlier failures (not the IP's). A `judge` that throws (e.g. the database failed) counts
   * nothing: the attempt was not judged.
   */
  async attempt<T>(usernameKey: string, ip: string, judge: () => Promise<Judged<T>>, admit: Admit = direct): Promise<T> {
    const pair = pairKey(usernameKey, ip);
    // A locked client is refused before it waits anywhere (it takes no queue slot).
    await this.check(pair, ip);
    return this.pairs.run(pair, () =>
      admit(async () => {
        // Again, now that the pair's previous attempts are counted and a slot is held.
        const pairFailures = await this.check(pair, ip);
        const judged = await judge();
        if (judged.failed) await Promise.all([this.accountIp.consume(pair), this.ip.consume(ip)]);
        else if (pairFailures > 0) await this.accountIp.reset(pair);
        return judged.result;
      }),
    );
  }

  /**
   * Throws login_locked if the pair or the IP is locked, or has no failure left in its window (the
   * attempt that finds the budget spent starts the lock, as a consume past the limit does).
   * Otherwise answers the pair's failures so far.
   */
  private async check(pair: string, ip: string): Promise<number> {
    const [byPair, byIp] = await Promise.all([this.accountIp.peek(pair), this.ip.peek(ip)]);
    const refused = await Promise.all([lockIfSpent(this.accountIp, pair, byPair), lockIfSpent(this.ip, ip, byIp)]);
    const locked = refused.filter((r): r is LimitResult => r !== undefined);
    if (locked.length > 0) throw lockedError(locked);
    return Math.max(0, this.pairMaxFailures - byPair.remaining);
  }
}

/** The refusal for `peeked`, starting the lock if the budget is spent but not yet blocked; undefined if allowed. */
async function lockIfSpent(limiter: Limiter, key: string, peeked: LimitResult): Promise<LimitResult | undefined> {
  if (!peeked.allowed) return peeked;
  if (peeked.remaining > 0) return undefined;
  const locked = await limiter.consume(key);
  return locked.allowed ? undefined : locked;
}

function lockedError(refused: LimitResult[]): AppError {
  const retryAfter = Math.max(...refused.map(retryAfterSeconds));
  return new AppError(ErrorCode.LoginLocked, `Too many failed login attempts. Try again in ${retryAfter} seconds.`, {
    retryAfterSeconds: retryAfter,
  });
}

const pairKey = (usernameKey: string, ip: string): string => `${usernameKey}|${ip}`;
