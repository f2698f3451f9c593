import type { Clock } from "../lib/clock";
import type { ProcessRegistry } from "../modules/presence/process-registry";

/**
 * The process registry of a single process (LocalPresence): plain Maps and Sets. Colyseus'
 * LocalPresence keeps a set as an array (`sadd` and `srem` scan it), and the registry remembers
 * every account a process ever held, so through it each join cost a scan of every player seen
 * since the start. Nothing else reads this registry in one process (liveness runs only with Redis),
 * but it keeps the same contract so the two stay interchangeable.
 */
export class LocalProcessRegistry implements ProcessRegistry {
  private readonly aliveUntil = new Map<string, number>();
  private readonly accounts = new Map<string, Set<string>>();
  private readonly claimed = new Set<string>();

  constructor(private readonly clock: Clock) {}

  async isAlive(processId: string): Promise<boolean> {
    return (this.aliveUntil.get(processId) ?? -Infinity) > this.clock.now();
  }

  async beat(processId: string, ttlSeconds: number): Promise<void> {
    this.aliveUntil.set(processId, this.clock.now() + ttlSeconds * 1000);
  }

  async track(processId: string, accountId: string): Promise<void> {
    let set = this.accounts.get(processId);
    if (!set) this.accounts.set(processId, (set = new Set()));
    set.add(accountId);
  }

  async deadProcesses(): Promise<string[]> {
    const now = this.clock.now();
    return [...this.aliveUntil].filter(([, until]) => until <= now).map(([id]) => id);
  }

  async claim(processId: string): Promise<boolean> {
    if (this.claimed.has(processId)) return false;
    this.claimed.add(processId);
    return true;
  }

  async accountsOf(processId: string): Promise<string[]> {
    return [...(this.accounts.get(processId) ?? [])];
  }

  async forget(processId: string): Promise<void> {
    this.aliveUntil.delete(processId);
    this.accounts.delete(processId);
  }
}
