import { Redis } from "ioredis";

/**
 * A Redis URL on a database index of the benchmark's own (Colyseus' Redis driver uses fixed key
 * names, so it must not share one with a test worker), flushed first. Index 14 unless
 * BENCH_REDIS_URL says otherwise.
 */
export async function benchRedisUrl(): Promise<string> {
  const url = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/14";
  await flushRedis(url);
  return url;
}

export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/**
 * CPU seconds (user + system, main thread and I/O threads) the Redis server has used since it
 * started, from INFO cpu: sampled before and after a window, it gives Redis' share of a core.
 */
export async function redisCpuSeconds(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info("cpu");
    const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? 0);
    return field("used_cpu_user") + field("used_cpu_sys");
  } finally {
    redis.disconnect();
  }
}
