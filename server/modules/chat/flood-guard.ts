import type { Clock } from "../../lib/clock";
import { TokenBucket } from "../../lib/token-bucket";

export interface FloodConfig {
  /** Messages a player may send in a burst. */
  burst: number;
  /** Sustained messages per second. */
  refillPerSecond: number;
  /** The same text again within this window is refused. */
  repeatCooldownMs: number;
  /** This many violations within `violationWindowMs` mute the player automatically. */
  violationsToMute: number;
  violationWindowMs: number;
}

export const DEFAULT_FLOOD: FloodConfig = {
  burst: 5,
  refillPerSecond: 1,
  repeatCooldownMs: 30_000,
  violationsToMute: 3,
  violationWindowMs: 60_000,
};

export type FloodVerdict =
  | { ok: true }
  | { ok: false; reason: "rate" | "repeat"; retryAfterMs: number; mute: boolean };

interface PlayerState {
  bucket: TokenBucket;
  lastText?: string;
  lastTextAt: number;
  violations: number[];
  seenAt: number;
}

/** Players idle this long are forgotten (their bucket would be full again anyway). */
const IDLE_MS = 10 * 60_000;

/**
 * Per-player flood control: a token bucket plus a cooldown on repeating the same text. Repeated
 * violations within a window ask for an automatic mute (the caller applies it). Pure apart from
 * the injected clock.
 */
export class FloodGuard {
  private readonly players = new Map<string, PlayerState>();
  private lastPrune: number;

  constructor(
    private readonly config: FloodConfig,
    private readonly clock: Clock,
  ) {
    this.lastPrune = clock.now();
  }

  check(accountId: string, text: string): FloodVerdict {
    const now = this.clock.now();
    this.prune(now);
    const p = this.state(accountId, now);
    const key = text.toLowerCase();
    if (p.lastText === key && now - p.lastTextAt < this.config.repeatCooldownMs) {
      return this.violation(p, now, "repeat", p.lastTextAt + this.config.repeatCooldownMs - now);
    }
    if (!p.bucket.tryTake()) return this.violation(p, now, "rate", p.bucket.msUntilNext());
    p.lastText = key;
    p.lastTextAt = now;
    return { ok: true };
  }

  /** Forget a player's violations (after a mute was applied). */
  clearViolations(accountId: string): void {
    const p = this.players.get(accountId);
    if (p) p.violations = [];
  }

  private violation(p: PlayerState, now: number, reason: "rate" | "repeat", retryAfterMs: number): FloodVerdict {
    p.violations = p.violations.filter((t) => now - t < this.config.violationWindowMs);
    p.violations.push(now);
    const mute = p.violations.length >= this.config.violationsToMute;
    if (mute) p.violations = [];
    return { ok: false, reason, retryAfterMs: Math.max(0, retryAfterMs), mute };
  }

  private state(accountId: string, now: number): PlayerState {
    let p = this.players.get(accountId);
    if (!p) {
      p = {
        bucket: new TokenBucket(this.config.burst, this.config.refillPerSecond, this.clock),
        lastTextAt: 0,
        violations: [],
        seenAt: now,
      };
      this.players.set(accountId, p);
    }
    p.seenAt = now;
    return p;
  }

  private prune(now: number): void {
    if (now - this.lastPrune < IDLE_MS) return;
    this.lastPrune = now;
    for (const [id, p] of this.players) if (now - p.seenAt > IDLE_MS) this.players.delete(id);
  }
}

/** Automatic mute length: 1 minute, doubling with each earlier automatic mute in the last day. */
export function autoMuteDurationMs(earlierAutoMutes: number): number {
  return 60_000 * 2 ** Math.min(earlierAutoMutes, 10);
}
