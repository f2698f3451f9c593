import crypto from "node:crypto";
import { Redis } from "ioredis";
import { memoryLimiterStore, redisLimiterStore } from "../../server/lib/rate-limit/flexible-limiter-store";
import { connectRedis } from "../../server/lib/redis";
import type { LimiterStore } from "../../server/lib/rate-limit/limiter";
import { retryAfterSeconds } from "../../server/lib/rate-limit/limiter";
import { withFakeDate } from "../helpers/fake-date";
import { testRedisUrl } from "../helpers/redis";

/**
 * The LimiterStore port, one suite for both implementations: memory (one process) and Redis
 * (shared by every process). Only counting and blocking are exercised; nothing waits for a window
 * to pass.
 */
interface StoreUnderTest {
  store: LimiterStore;
  close(): Promise<void>;
}

const redisClients: Redis[] = [];
async function redisStore(): Promise<StoreUnderTest> {
  // Connected and answering, as the server has it before serving (until then the store falls back
  // to its in-memory insurance limiter).
  const redis = await connectRedis(await testRedisUrl());
  return { store: redisLimiterStore(redis, `test:${crypto.randomBytes(4).toString("hex")}`), close: async () => void (await redis.quit()) };
}

const unique = (prefix: string): string => `${prefix}_${crypto.randomBytes(4).toString("hex")}`;

describe.each([
  ["memory", async (): Promise<StoreUnderTest> => ({ store: memoryLimiterStore(), close: async () => undefined })],
  ["Redis", redisStore],
])("LimiterStore: %s", (kind, open) => {
  let subject: StoreUnderTest;
  beforeAll(async () => {
    subject = await open();
  });
  afterAll(async () => {
    await subject.close();
  });

  test("reports its kind", () => {
    expect(subject.store.kind).toBe(kind === "memory" ? "memory" : "redis");
  });

  test("allows `points` per key, then refuses with a reset time inside the window", async () => {
    const limiter = subject.store.create({ name: unique("allow"), points: 3, durationSeconds: 60 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume("k"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    const refused = results[3]!;
    expect(refused.resetMs).toBeGreaterThan(0);
    expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    expect(retryAfterSeconds(refused)).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds(refused)).toBeLessThanOrEqual(60);
  });

  test("a multi-point cost spends several points at once", async () => {
    const limiter = subject.store.create({ name: unique("cost"), points: 5, durationSeconds: 60 });
    expect(await limiter.consume("k", 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.consume("k", 3)).toMatchObject({ allowed: false, remaining: 0 });
  });

  test("keys and limiter names are independent", async () => {
    const a = subject.store.create({ name: unique("indep"), points: 1, durationSeconds: 60 });
    const other = subject.store.create({ name: unique("indep_other"), points: 1, durationSeconds: 60 });
    expect((await a.consume("alice")).allowed).toBe(true);
    expect((await a.consume("alice")).allowed).toBe(false);
    expect((await a.consume("bob")).allowed).toBe(true);
    expect((await other.consume("alice")).allowed).toBe(true);
  });

  test("peek reads without spending", async () => {
    const limiter = subject.store.create({ name: unique("peek"), points: 2, durationSeconds: 60 });
    expect(await limiter.peek("k")).toEqual({ allowed: true, remaining: 2, resetMs: 0 });
    await limiter.consume("k");
    for (let i = 0; i < 5; i++) expect(await limiter.peek("k")).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.consume("k")).toMatchObject({ allowed: true, remaining: 0 });
    // Exactly spent is still allowed; the next consume is the one refused.
    expect((await limiter.peek("k")).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(false);
    expect((await limiter.peek("k")).allowed).toBe(false);
  });

  test("a key whose window has ended peeks as fresh, even before the store has dropped it", async () => {
    const limiter = subject.store.create({ name: unique("ended"), points: 1, durationSeconds: 1 });
    await limiter.consume("k");
    await limiter.consume("k");
    expect((await limiter.peek("k")).allowed).toBe(false);
    if (kind === "memory") {
      // Only Date moves: the memory store's expiry timer has not fired, so it still holds the key.
      await withFakeDate(async (advance) => {
        advance(1_500);
        expect(await limiter.peek("k")).toEqual({ allowed: true, remaining: 1, resetMs: 0 });
      });
    } else {
      // Redis expires the key itself: a reset stands in for the end of the window.
      await limiter.reset("k");
      expect(await limiter.peek("k")).toEqual({ allowed: true, remaining: 1, resetMs: 0 });
    }
  });

  test("spending past the limit blocks the key for blockSeconds, longer than the window", async () => {
    const limiter = subject.store.create({ name: unique("block"), points: 1, durationSeconds: 10, blockSeconds: 600 });
    await limiter.consume("k");
    const blocked = await limiter.consume("k");
    expect(blocked.allowed).toBe(false);
    // The lock outlasts the 10 s window: it was set to 600 s just now.
    expect(blocked.resetMs).toBeGreaterThan(10_000);
    expect(blocked.resetMs).toBeLessThanOrEqual(600_000);
    const peeked = await limiter.peek("k");
    expect(peeked.allowed).toBe(false);
    expect(peeked.resetMs).toBeGreaterThan(10_000);
    expect((await limiter.consume("k")).allowed).toBe(false);
  });

  test("reset clears a key, blocked or not", async () => {
    const limiter = subject.store.create({ name: unique("reset"), points: 1, durationSeconds: 60, blockSeconds: 600 });
    await limiter.consume("k");
    await limiter.consume("k");
    expect((await limiter.peek("k")).allowed).toBe(false);
    await limiter.reset("k");
    expect(await limiter.peek("k")).toEqual({ allowed: true, remaining: 1, resetMs: 0 });
    expect((await limiter.consume("k")).allowed).toBe(true);
    await limiter.reset("never-used");
  });

  test("concurrent consumes never allow more than `points`", async () => {
    const limiter = subject.store.create({ name: unique("race"), points: 10, durationSeconds: 60 });
    const results = await Promise.all(Array.from({ length: 25 }, () => limiter.consume("k")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});

describe("LimiterStore: Redis across processes", () => {
  afterAll(async () => {
    await Promise.all(redisClients.map((r) => r.quit()));
  });

  test("two stores on separate connections share one budget (as two server processes do)", async () => {
    const url = await testRedisUrl();
    const prefix = `test:${crypto.randomBytes(4).toString("hex")}`;
    const first = await connectRedis(url);
    const second = await connectRedis(url);
    redisClients.push(first, second);
    const options = { name: "shared", points: 3, durationSeconds: 60 };
    const a = redisLimiterStore(first, prefix).create(options);
    const b = redisLimiterStore(second, prefix).create(options);

    expect((await a.consume("ip")).allowed).toBe(true);
    // The count lives in Redis, not in this process.
    expect(await second.get(`${prefix}:shared:ip`)).toBe("1");
    expect((await b.consume("ip")).allowed).toBe(true);
    expect((await a.consume("ip")).allowed).toBe(true);
    expect((await b.consume("ip")).allowed).toBe(false);
    expect((await a.peek("ip")).allowed).toBe(false);
    await b.reset("ip");
    expect((await a.peek("ip")).allowed).toBe(true);
  });

  test("while Redis is unreachable, a per-process memory limiter keeps enforcing limits", async () => {
    // A real client pointed at a port nobody listens on: never ready.
    const down = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const limiter = redisLimiterStore(down, "test:down").create({ name: unique("down"), points: 2, durationSeconds: 60 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await limiter.consume("k")).allowed);
    expect(results).toEqual([true, true, false]);
  });
});
