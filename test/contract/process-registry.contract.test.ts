import crypto from "node:crypto";
import { RedisPresence } from "@colyseus/redis-presence";
import { LocalProcessRegistry } from "../../server/backplane/local-process-registry";
import { PresenceProcessRegistry } from "../../server/backplane/presence-process-registry";
import { ManualClock } from "../../server/lib/clock";
import type { ProcessRegistry } from "../../server/modules/presence/process-registry";
import { testRedisUrl } from "../helpers/redis";
import { until } from "../helpers/until";

/**
 * The ProcessRegistry port on both implementations the server runs with: in memory for one process
 * (LocalProcessRegistry) and in Redis for several (PresenceProcessRegistry). One suite, both.
 */
interface Subject {
  registry: ProcessRegistry;
  /** Lets a heartbeat of `ttlSeconds` (1) run out. */
  expire(processId: string): Promise<void>;
  close(): Promise<void>;
}

function local(): Subject {
  const clock = new ManualClock(Date.UTC(2026, 11, 3));
  return { registry: new LocalProcessRegistry(clock), expire: async () => clock.advance(1000), close: async () => undefined };
}

async function redis(): Promise<Subject> {
  const presence = new RedisPresence(await testRedisUrl());
  const registry = new PresenceProcessRegistry(presence);
  return {
    registry,
    // Redis times the key itself (SETEX): wait for it to go.
    expire: (processId) => until(async () => !(await registry.isAlive(processId)), { timeoutMs: 5000, everyMs: 100 }),
    close: async () => presence.shutdown(),
  };
}

const processId = () => `proc-${crypto.randomUUID()}`;

describe.each([
  ["in memory (one process)", async () => local()],
  ["Redis (several processes)", redis],
])("ProcessRegistry: %s", (_name, make) => {
  let s: Subject;
  beforeAll(async () => {
    s = await make();
  });
  afterAll(() => s.close());

  test("a beating process is alive and not dead; once its heartbeat runs out it is dead", async () => {
    const p = processId();
    expect(await s.registry.isAlive(p)).toBe(false);
    await s.registry.beat(p, 1);
    expect(await s.registry.isAlive(p)).toBe(true);
    expect(await s.registry.deadProcesses()).not.toContain(p);
    await s.expire(p);
    expect(await s.registry.isAlive(p)).toBe(false);
    expect(await s.registry.deadProcesses()).toContain(p);
    await s.registry.forget(p);
  });

  test("track remembers each account once per process; forget drops the process and its accounts", async () => {
    const [p, q] = [processId(), processId()];
    await s.registry.beat(p, 60);
    for (const a of ["a1", "a2", "a1"]) await s.registry.track(p, a);
    await s.registry.track(q, "b1");
    expect((await s.registry.accountsOf(p)).sort()).toEqual(["a1", "a2"]);
    expect(await s.registry.accountsOf(q)).toEqual(["b1"]);
    await s.registry.forget(p);
    expect(await s.registry.accountsOf(p)).toEqual([]);
    expect(await s.registry.isAlive(p)).toBe(false);
    expect(await s.registry.deadProcesses()).not.toContain(p);
    expect(await s.registry.accountsOf(q)).toEqual(["b1"]);
    await s.registry.forget(q);
  });

  test("a dead process' clean-up is claimed by exactly one caller", async () => {
    const p = processId();
    const claims = await Promise.all([s.registry.claim(p), s.registry.claim(p), s.registry.claim(p)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await s.registry.claim(p)).toBe(false);
  });
});
