import type { Presence } from "@colyseus/core";
import type { ProcessRegistry } from "../modules/presence/process-registry";

const PROCESSES = "lobby:processes";
const alive = (id: string) => `lobby:process:${id}:alive`;
const accounts = (id: string) => `lobby:process:${id}:accounts`;
const claimKey = (id: string) => `lobby:process:${id}:reaped`;

/** The process registry in the Colyseus Presence API (Redis when several processes share it). */
export class PresenceProcessRegistry implements ProcessRegistry {
  constructor(private readonly presence: Presence) {}

  async isAlive(processId: string): Promise<boolean> {
    return this.presence.exists(alive(processId));
  }

  async beat(processId: string, ttlSeconds: number): Promise<void> {
    await this.presence.sadd(PROCESSES, processId);
    await this.presence.setex(alive(processId), "1", ttlSeconds);
  }

  async track(processId: string, accountId: string): Promise<void> {
    await this.presence.sadd(accounts(processId), accountId);
  }

  async deadProcesses(): Promise<string[]> {
    const known = await this.presence.smembers(PROCESSES);
    const living = await Promise.all(known.map((id) => this.presence.exists(alive(id))));
    return known.filter((_, i) => !living[i]);
  }

  async claim(processId: string): Promise<boolean> {
    const n = await this.presence.incr(claimKey(processId));
    await this.presence.expire(claimKey(processId), 3600);
    return n === 1;
  }

  async accountsOf(processId: string): Promise<string[]> {
    return this.presence.smembers(accounts(processId));
  }

  async forget(processId: string): Promise<void> {
    await this.presence.srem(PROCESSES, processId);
    this.presence.del(accounts(processId));
    this.presence.del(alive(processId));
  }
}
