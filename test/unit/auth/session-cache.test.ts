import { ManualClock } from "../../../server/lib/clock";
import { SessionCache, type CachedSession } from "../../../server/modules/auth/session-cache";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const session = (accountId: string, expiresInMs = 3_600_000): CachedSession => ({
  accountId,
  username: `u_${accountId}`,
  displayName: `u_${accountId}`,
  accountCreatedAt: new Date(0),
  guest: false,
  expiresAt: clock.now() + expiresInMs,
});

test("an entry lives for the TTL, and never past its session's own expiry", () => {
  const cache = new SessionCache(5_000, 100, clock);
  cache.set("s1", session("a"), cache.mark());
  cache.set("s2", session("a", 2_000), cache.mark());
  expect(cache.get("s1")?.accountId).toBe("a");
  clock.advance(2_000);
  expect(cache.get("s2")).toBeUndefined();
  expect(cache.get("s1")).toBeDefined();
  clock.advance(3_000);
  expect(cache.get("s1")).toBeUndefined();
  expect(cache.size).toBe(0);
});

test("invalidation ends the named sessions, or all of an account's, and no other", () => {
  const cache = new SessionCache(60_000, 100, clock);
  for (const [id, acct] of [["s1", "a"], ["s2", "a"], ["s3", "a"], ["t1", "b"]] as const) cache.set(id, session(acct), cache.mark());
  cache.invalidate("a", ["s1"]);
  expect(["s1", "s2", "s3", "t1"].map((id) => cache.get(id) !== undefined)).toEqual([false, true, true, true]);
  cache.invalidate("a", null);
  expect(["s2", "s3", "t1"].map((id) => cache.get(id) !== undefined)).toEqual([false, false, true]);
});

test("a read that was in flight when a revocation arrived is not cached", () => {
  const cache = new SessionCache(60_000, 100, clock);
  const mark = cache.mark();
  cache.invalidate("a", null);
  cache.set("s1", session("a"), mark);
  expect(cache.get("s1")).toBeUndefined();
  cache.set("s1", session("a"), cache.mark());
  expect(cache.get("s1")).toBeDefined();
});

test("past its size the oldest entry goes; a TTL of 0 caches nothing", () => {
  const cache = new SessionCache(60_000, 2, clock);
  cache.set("s1", session("a"), cache.mark());
  cache.set("s2", session("b"), cache.mark());
  cache.set("s3", session("c"), cache.mark());
  expect(["s1", "s2", "s3"].map((id) => cache.get(id) !== undefined)).toEqual([false, true, true]);
  const off = new SessionCache(0, 100, clock);
  off.set("s1", session("a"), off.mark());
  expect(off.get("s1")).toBeUndefined();
});
