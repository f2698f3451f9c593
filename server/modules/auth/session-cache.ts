import type { Clock } from "../../lib/clock";

export interface CachedSession {
  accountId: string;
  username: string;
  displayName: string;
  accountCreatedAt: Date;
  guest: boolean;
  /** Epoch ms when the session itself expires. */
  expiresAt: number;
}

/**
 * Recently confirmed live sessions, so an authenticated request or lobby join does not read the
 * session row every time. Every revocation (logout, logout-all, refresh reuse, ban, kick, account
 * deletion) invalidates the account's entries at once in this process and, through the
 * backplane, in every other one; `ttlMs` bounds how long an entry may outlive a revocation whose
 * event was lost (a backplane outage). An invalidation while a read was in flight keeps that read
 * out of the cache (see `mark`).
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession & { cachedAt: number }>();
  private readonly byAccount = new Map<string, Set<string>>();
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  get(sessionId: string): CachedSession | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    const now = this.clock.now();
    if (now - entry.cachedAt >= this.ttlMs || now >= entry.expiresAt) {
      this.delete(sessionId, entry.accountId);
      return undefined;
    }
    return entry;
  }

  /** Call before reading a session from the store; pass the result to `set`. */
  mark(): number {
    return this.epoch;
  }

  /** Caches a session read from the store, unless a revocation arrived since `mark`. */
  set(sessionId: string, session: CachedSession, mark: number): void {
    if (this.ttlMs <= 0 || mark !== this.epoch) return;
    if (this.entries.size >= this.maxEntries) {
      // Oldest first (Map keeps insertion order).
      const oldest = this.entries.entries().next().value;
      if (oldest) this.delete(oldest[0], oldest[1].accountId);
    }
    this.entries.set(sessionId, { ...session, cachedAt: this.clock.now() });
    let set = this.byAccount.get(session.accountId);
    if (!set) {
      set = new Set();
      this.byAccount.set(session.accountId, set);
    }
    set.add(sessionId);
  }

  /** Sessions of `accountId` ended (null: all of them). */
  invalidate(accountId: string, sessionIds: string[] | null): void {
    this.epoch += 1;
    const ids = sessionIds ?? [...(this.byAccount.get(accountId) ?? [])];
    for (const id of ids) this.delete(id, accountId);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byAccount.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(sessionId: string, accountId: string): void {
    this.entries.delete(sessionId);
    const set = this.byAccount.get(accountId);
    if (!set) return;
    set.delete(sessionId);
    if (set.size === 0) this.byAccount.delete(accountId);
  }
}
