import { Redis } from "ioredis";

/** Database indexes tests may lease (0 holds the leases; 14 is the benchmark's). */
const FIRST_INDEX = 1;
const LAST_INDEX = 13;
const leaseKey = (index: number): string => `lobby-test:redis-db:${index}`;

/** Takes over a lease only if it still names the dead holder we saw. */
const TAKE_OVER = `if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("SET", KEYS[1], ARGV[2]) return 1 end return 0`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A database index this process holds a lease on. Leases (keys in database 0, value = pid) keep
 * two Jest runs on one machine (another terminal, another agent) from flushing each other's
 * database; a lease whose process is gone is taken over.
 */
async function leaseIndex(admin: Redis): Promise<number> {
  const me = String(process.pid);
  for (let i = FIRST_INDEX; i <= LAST_INDEX; i += 1) if ((await admin.get(leaseKey(i))) === me) return i;
  for (let i = FIRST_INDEX; i <= LAST_INDEX; i += 1) {
    if ((await admin.set(leaseKey(i), me, "NX")) === "OK") return i;
    const holder = await admin.get(leaseKey(i));
    if (holder !== null && !alive(Number(holder)) && (await admin.eval(TAKE_OVER, 1, leaseKey(i), holder, me)) === 1) return i;
  }
  throw new Error(`every Redis test database (${FIRST_INDEX}..${LAST_INDEX}) is leased by a live process`);
}

/**
 * A Redis URL on a database index of this Jest worker's own, flushed first. Colyseus' Redis
 * driver uses fixed key names, so parallel test files (and parallel test runs) must not share one.
 */
export async function testRedisUrl(): Promise<string> {
  const base = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const admin = new Redis(`${base}/0`);
  let url: string;
  try {
    url = `${base}/${await leaseIndex(admin)}`;
  } finally {
    admin.disconnect();
  }
  const redis = new Redis(url);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
  return url;
}
