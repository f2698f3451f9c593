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
