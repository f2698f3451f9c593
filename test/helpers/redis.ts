import { Redis } from "ioredis";

/**
 * A Redis URL on a database index of this Jest worker's own, flushed first. Colyseus' Redis
 * driver uses fixed key names, so parallel test files must not share a database.
 */
export async function testRedisUrl(): Promise<string> {
  const index = 1 + Number(process.env.JEST_WORKER_ID ?? "0");
  const url = `${process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"}/${index}`;
  const redis = new Redis(url);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
  return url;
}
